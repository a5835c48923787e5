import { resolve } from 'node:path'

/**
 * Data files this process wrote whose fsyncs (the file, then its folder) are still running, by absolute path.
 * A data file is written without waiting for its flush (DataFileStore.write), so the flush overlaps planning the
 * commit and writing the log entry; the entry that names it appears only once it is durable (TableLog.writeEntry
 * waits for `durable`). A flush that failed stays here until it was awaited or its file discarded, so no commit
 * can ever name a file whose flush failed.
 */
const pending = new Map<string, Promise<void>>()

/** Records the flush of data files; `paths` are absolute. */
export function flushing(paths: readonly string[], flush: Promise<void>): void {
  // Observed here so a flush nobody awaits (a write given up before its commit) is no unhandled rejection.
  const settled = flush.then(
    () => {
      for (const p of paths) if (pending.get(resolve(p)) === flush) pending.delete(resolve(p))
    },
    () => undefined,
  )
  void settled
  for (const p of paths) pending.set(resolve(p), flush)
}

/** Resolves once every listed data file this process wrote is durable; rejects with a failed flush's error. */
export async function durable(paths: readonly string[]): Promise<void> {
  const flushes = new Set<Promise<void>>()
  for (const p of paths) {
    const flush = pending.get(resolve(p))
    if (flush) flushes.add(flush)
  }
  if (flushes.size > 0) await Promise.all(flushes)
}

/** Forgets the flushes of files that were deleted (a discarded commit attempt), and their logged bytes. */
export function forgetFlushes(paths: readonly string[]): void {
  for (const p of paths) {
    pending.delete(resolve(p))
    logged.delete(resolve(p))
  }
}

/**
 * Data files written but not flushed, whose bytes go into their commit's record in the write-ahead log instead
 * (commit-wal.ts), by absolute path: kept until that commit is durable or its attempt discarded. `pending` holds
 * their writes, so `durable` waits for the bytes to be written (a log entry never names a file being written).
 */
const logged = new Map<string, Uint8Array>()

/** Records a data file written unflushed, its bytes to be logged with the commit naming it; `write` as `flushing`. */
export function writtenForLog(path: string, bytes: Uint8Array, write: Promise<void>): void {
  logged.set(resolve(path), bytes)
  flushing([path], write)
}

/** The listed files that were written unflushed, with their bytes (absolute paths); the others are flushed. */
export function loggedFiles(paths: readonly string[]): { path: string; bytes: Uint8Array }[] {
  const out: { path: string; bytes: Uint8Array }[] = []
  for (const p of paths) {
    const bytes = logged.get(resolve(p))
    if (bytes) out.push({ path: resolve(p), bytes })
  }
  return out
}

/** True when a file (absolute path) was written unflushed for its commit's record. */
export function isLogged(path: string): boolean {
  return logged.has(resolve(path))
}

/** Forgets logged bytes once their commit is durable. */
export function forgetLogged(paths: readonly string[]): void {
  for (const p of paths) logged.delete(resolve(p))
}
