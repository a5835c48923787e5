/**
 * Whether a commit log's flush (`fdatasync`) is made on the event loop or through libuv's thread pool, by how long
 * flushes take. Through the pool a flush waits behind the pool's other work (reads of a compaction, flushes of a
 * retired log: the pool is shared by every thread of the process) and for the event loop to pick its callback up:
 * in a loop of creates at 1M rows, 0.57 ms from the log's write to the commit's acknowledgement against 0.40 ms
 * flushing on the event loop (mean 1.05-1.15 against 0.60-0.65 ms). A synchronous flush blocks the event loop
 * meanwhile, as SQLite's commit does; so only while flushes are fast: once their moving average exceeds
 * `SYNC_FLUSH_MAX_MS` (a slow disk, a network file system, a disk under load), they go through the pool until it
 * falls below again.
 */
export const SYNC_FLUSH_MAX_MS = 1

/** Weight of the newest flush in the moving average. */
const NEWEST = 0.2

export class FlushTiming {
  #average = 0

  constructor(private readonly maxSyncMs = SYNC_FLUSH_MAX_MS) {}

  /** Whether the next flush is made on the event loop. */
  get synchronous(): boolean {
    return this.#average < this.maxSyncMs
  }

  /** Records how long a flush took (ms; through the pool: until its callback ran). */
  record(ms: number): void {
    this.#average += (ms - this.#average) * NEWEST
  }
}
