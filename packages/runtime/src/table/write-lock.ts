import { join } from 'node:path'
import { type FileLockOptions, withFileLock } from './file-lock.js'
import { PRIVATE_DIR } from './log-entry.js'

/**
 * An exclusive lock around "check keys and unique values, then commit" for one table, across async callers of this
 * process (a promise chain) and across processes (an atomic lock file, see file-lock.ts). Every entity write that adds
 * rows takes it (a log-first insert checks its key against the inserts not yet published under it:
 * log-first-inserts.ts), and deletes of entities with autoincrement values; other writes stay fully concurrent.
 */
export type WriteLockOptions = FileLockOptions

/** The write lock file of an entity table (in pf's folder `_pf/`): unique checks, autoincrement values and marks are taken under it. */
export function tableLockPath(tablePath: string): string {
  return join(tablePath, PRIVATE_DIR, 'unique.lock')
}

const chains = new Map<string, Promise<unknown>>()

/**
 * Runs `fn` holding the lock file at `path`. Failures to take it are `LockError`s; it is released when `fn` settles
 * (with `handOver`, in the background unless the next caller of this process takes it over first).
 */
export async function withWriteLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: WriteLockOptions = {},
): Promise<T> {
  const previous = chains.get(path) ?? Promise.resolve()
  const run = previous.catch(() => undefined).then(() => withFileLock(path, fn, options))
  chains.set(path, run)
  try {
    return await run
  } finally {
    if (chains.get(path) === run) chains.delete(path)
  }
}

/** Runs `fn` holding several lock files, taken in sorted order (so two callers never wait for each other in a cycle). */
export function withWriteLocks<T>(
  locks: readonly { readonly path: string; readonly options?: WriteLockOptions }[],
  fn: () => Promise<T>,
): Promise<T> {
  const byPath = new Map(locks.map((l) => [l.path, l.options ?? {}]))
  const sorted = [...byPath.keys()].sort()
  const run = (i: number): Promise<T> => {
    const path = sorted[i]
    return path === undefined ? fn() : withWriteLock(path, () => run(i + 1), byPath.get(path))
  }
  return run(0)
}
