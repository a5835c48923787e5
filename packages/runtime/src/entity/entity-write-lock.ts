import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { ParquetFrameError } from '../errors/pf-error.js'

/**
 * An exclusive lock around "check unique values, then commit" for one table, across async callers of this
 * process (a promise chain) and across processes (a lock file created with O_EXCL holding pid and time).
 * A lock file whose process is gone, or older than `staleMs`, is broken. Only writes of entities with
 * `@unique` fields take it, so other writers stay fully concurrent.
 */
export interface WriteLockOptions {
  /** Give up after this long. Default 30 s. */
  readonly timeoutMs?: number
  /** A lock older than this is considered abandoned. Default 60 s. */
  readonly staleMs?: number
}

/** The write lock file of an entity table: unique checks, autoincrement values and marks are taken under it. */
export function tableLockPath(tablePath: string): string {
  return join(tablePath, '_pf_unique.lock')
}

const chains = new Map<string, Promise<unknown>>()

/** Runs `fn` holding the lock file at `path`. */
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
  paths: readonly string[],
  fn: () => Promise<T>,
  options: WriteLockOptions = {},
): Promise<T> {
  const sorted = [...new Set(paths)].sort()
  const run = (i: number): Promise<T> => {
    const path = sorted[i]
    return path === undefined ? fn() : withWriteLock(path, () => run(i + 1), options)
  }
  return run(0)
}

async function withFileLock<T>(path: string, fn: () => Promise<T>, options: WriteLockOptions): Promise<T> {
  const timeout = options.timeoutMs ?? 30_000
  const stale = options.staleMs ?? 60_000
  const start = Date.now()
  await mkdir(dirname(path), { recursive: true })
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx')
      await handle.writeFile(`${process.pid} ${Date.now()}`)
      await handle.close()
      break
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error
      if (await isAbandoned(path, stale)) {
        await unlink(path).catch(() => undefined)
        continue
      }
      if (Date.now() - start > timeout) {
        throw new ParquetFrameError(
          'PF_LOCK_TIMEOUT',
          `Timed out after ${timeout} ms waiting for the write lock ${path}`,
        )
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(2 + attempt * 2, 25) * (0.5 + Math.random())),
      )
    }
  }
  try {
    return await fn()
  } finally {
    await unlink(path).catch(() => undefined)
  }
}

async function isAbandoned(path: string, staleMs: number): Promise<boolean> {
  const text = await readFile(path, 'utf8').catch(() => undefined)
  if (text === undefined) return false
  const [pidText, timeText] = text.split(' ')
  const pid = Number(pidText)
  const time = Number(timeText)
  if (!Number.isFinite(pid) || !Number.isFinite(time)) {
    // Created but not written yet, or left empty by a crash: judge by its age.
    const info = await stat(path).catch(() => undefined)
    return info !== undefined && Date.now() - info.mtimeMs > staleMs
  }
  if (Date.now() - time > staleMs) return true
  if (pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return false
  } catch (error) {
    return (error as { code?: string }).code === 'ESRCH'
  }
}
