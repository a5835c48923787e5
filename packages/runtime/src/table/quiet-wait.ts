/**
 * A wait that ends once `quietMs` pass without a `touch` (a debounce as a promise), or at once on `flush`: work that
 * should run after a burst of events, not during it. One wait at a time.
 */
export class QuietWait {
  private timer: ReturnType<typeof setTimeout> | undefined
  private done: (() => void) | undefined

  constructor(private readonly quietMs: number) {}

  /** Resolves once `quietMs` passed without a `touch`, or on `flush`. */
  wait(): Promise<void> {
    this.flush()
    return new Promise<void>((resolve) => {
      this.done = resolve
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
    clearTimeout(this.timer)
    this.timer = undefined
    done?.()
  }

  private arm(): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.flush(), this.quietMs)
  }
}
