/** What one queued write came to: its own value, or its own error. */
export type QueuedOutcome<R> =
  | { readonly ok: true; readonly value: R }
  | { readonly ok: false; readonly error: unknown }

/** Commits a group of writes; returns one outcome per write, in order. */
export type GroupCommitter<W, R> = (writes: readonly W[]) => Promise<readonly QueuedOutcome<R>[]>

interface Waiting<W, R> {
  readonly write: W
  readonly resolve: (value: R) => void
  readonly reject: (error: unknown) => void
}

/**
 * Group commit for one table in this process: writes submitted while a commit is in flight wait, and all of
 * them go to the next commit together (one data file, one log entry) instead of each paying for its own
 * commit and losing races to the others. A caller's promise settles only with its own outcome, after the
 * commit that holds (or refused) its rows has finished; how a group is committed, and how one caller's error
 * is kept from the others, is the committer's business.
 */
export class CommitQueue<W, R> {
  private waiting: Waiting<W, R>[] = []
  private draining = false
  // Held as a method: a queue of a narrower write type stays assignable where a wider one is expected (a
  // Repository<User> used as a Repository<object>), as the queue only ever hands writes back to this committer.
  private readonly committer: { commit(writes: readonly W[]): Promise<readonly QueuedOutcome<R>[]> }

  constructor(
    commitGroup: GroupCommitter<W, R>,
    /** Most writes committed together. Default 1,024. */
    readonly maxGroup = 1024,
  ) {
    this.committer = { commit: commitGroup }
  }

  /** Queues a write; resolves or rejects when the commit holding it has finished. */
  submit(write: W): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ write, resolve, reject })
      if (!this.draining) void this.drain()
    })
  }

  /** Writes waiting for the next commit. */
  get pending(): number {
    return this.waiting.length
  }

  private async drain(): Promise<void> {
    this.draining = true
    try {
      // Callers started together (Promise.all) reach `submit` through promise reactions of their own: a tick
      // callback queued now runs once the microtask queue has drained, so they have all joined the first group by
      // then. (A turn of the event loop, setImmediate, waited as well for the I/O callbacks and timers due: ~0.03 ms
      // of every lone create.)
      await new Promise<void>((resolve) => process.nextTick(resolve))
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0, this.maxGroup)
        let outcomes: readonly QueuedOutcome<R>[]
        try {
          outcomes = await this.committer.commit(group.map((g) => g.write))
        } catch (error) {
          outcomes = group.map(() => ({ ok: false, error }))
        }
        for (const [i, g] of group.entries()) {
          const outcome = outcomes[i]
          if (!outcome)
            g.reject(new Error(`group commit returned no outcome for write ${i + 1} of ${group.length}`))
          else if (outcome.ok) g.resolve(outcome.value)
          else g.reject(outcome.error)
        }
      }
    } finally {
      this.draining = false
    }
  }
}
