/** The waits running now, flushed when the process would otherwise exit (see `QuietWait`). */
const running = new Set<QuietWait>()
let exitHook = false

/** Ends every running wait: the event loop is empty, so the work waiting for a pause runs now instead of never. */
function flushRunning(): void {
  for (const wait of [...running]) wait.flush()
}

/**
 * A wait that ends once `quietMs` pass without a `touch` (a debounce as a promise), or at once on `flush`: work that
 * should run after a burst of events, not during it. One wait at a time.
 *
 * Its timer does not keep the process alive: a process whose work is done exits without sitting out the quiet
 * time. When the event loop empties (`beforeExit`) every running wait ends at once, so the work after it still runs
 * (and may keep the process a moment longer); a process ended by `process.exit` or a signal skips it.
 */
export class QuietWait {
  private timer: ReturnType<typeof setTimeout> | undefined
  private done: (() => void) | undefined

  constructor(private readonly quietMs: number) {}

  /** Resolves once `quietMs` passed without a `touch`, or on `flush`. */
  wait(): Promise<void> {
    this.flush()
    if (!exitHook) {
      exitHook = true
      process.on('beforeExit', flushRunning)
    }
    return new Promise<void>((resolve) => {
      this.done = resolve
      running.add(this)
      this.arm()
    })
  }

  /** Something happened: a running wait starts its quiet time again. */
  touch(): void {
    if (this.done) this.arm()
  }

  /** Ends a running wait now. */
  flush(): void {
    const done = this.done
    this.done = undefined
    running.delete(this)
    clearTimeout(this.timer)
    this.timer = undefined
    done?.()
  }

  private arm(): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.flush(), this.quietMs)
    this.timer.unref()
  }
}
