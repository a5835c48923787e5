/**
 * Work a table does after a commit without keeping the commit's caller waiting (a checkpoint, an automatic
 * compaction). At most one task of each kind runs at a time: a start that finds one running is dropped. The commit
 * is durable without the task, so a task's failure is dropped too, never anyone's error.
 */
export class BackgroundWork<Kind extends string> {
  private readonly running = new Map<Kind, Promise<void>>()

  /** True while a task of `kind` runs. */
  busy(kind: Kind): boolean {
    return this.running.has(kind)
  }

  /** Starts `task` unless a task of its kind runs; true when it started. */
  start(kind: Kind, task: () => Promise<unknown>): boolean {
    if (this.running.has(kind)) return false
    const done: Promise<void> = Promise.resolve()
      .then(task)
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        if (this.running.get(kind) === done) this.running.delete(kind)
      })
    this.running.set(kind, done)
    return true
  }

  /** Resolves once no task runs, including tasks started while it waited (a compaction's commit starts a checkpoint). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values())
  }
}
