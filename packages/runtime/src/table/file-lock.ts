import { createHash, randomUUID } from 'node:crypto'
import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { errorCode, type FileSystem, isAlreadyExists, isNotFound } from './file-system.js'
import { nodeFileSystem } from './node-file-system.js'
import { bootTimeMs, currentProcess, liveness, type ProcessIdentity } from './process-identity.js'
import { LockError } from './table-errors.js'

/** Options of `withFileLock`. */
export interface FileLockOptions {
  /** File-system seam the lock file goes through. Default: the real file system. */
  readonly fs?: FileSystem
  /** The table the lock belongs to, named in errors. Default: the lock file's folder. */
  readonly table?: string
  /** Give up after waiting this long for a live holder. Default 30 s. */
  readonly timeoutMs?: number
  /**
   * A lock whose holder cannot be checked (another host; a pid without a start time, off Linux) is abandoned
   * once this old. A holder on this host that provably runs (same boot, same process start time) is waited
   * for however long it holds the lock. Default 60 s.
   */
  readonly staleMs?: number
  /**
   * Return as soon as `fn` settles and remove the lock file in the background (after IDLE_MS); a caller of this
   * process that asks for the same lock before that removal unlinks it takes it over in memory (no file I/O). A lock is handed over
   * only while it is younger than HANDOVER_MS (and half of `staleMs`), so other processes get their turn and no
   * handed-over lock is ever old enough to be judged stale. Default false: removed before `withFileLock` returns.
   */
  readonly handOver?: boolean
  /** The clock deciding whether a lock may still be handed over (ms). Default `Date.now`; tests move it. */
  readonly clock?: () => number
}

/** How long after it was taken a lock may still be handed over in memory (other processes then get their turn). */
const HANDOVER_MS = 50
/** How long a handed-over lock waits for this process's next caller (one create's work before its lock) before its release starts. */
const IDLE_MS = 5

/**
 * A lock this process holds with `handOver`: `busy` while a caller runs, `idle` until its release starts (IDLE_MS
 * later), `reading` while the release checks the file is still its own (a caller arriving
 * meanwhile takes it: the release then stops), `removing` once the unlink is under way.
 */
interface Lease {
  readonly ctx: LockContext
  readonly token: string
  readonly since: number
  state: 'busy' | 'idle' | 'reading' | 'removing'
  timer?: ReturnType<typeof setTimeout> | undefined
  /** Settles when a release that started ends (removed, or stopped because the lock was taken over in memory). */
  released?: Promise<void>
}

/** The handed-over locks of this process, by path. */
const leases = new Map<string, Lease>()

/** Who holds a lock: written into the lock file before the file becomes visible. */
interface LockOwner extends ProcessIdentity {
  /** When the lock was taken (ms since the epoch). */
  readonly time: number
  /** Unique per acquisition: tells this lock apart from any other, ever. */
  readonly token: string
}

/** A lock file as inspected: its bytes decide identity (a take-over removes exactly what was inspected). */
interface LockSnapshot {
  readonly text: string
  readonly mtimeMs: number
  readonly owner: LockOwner | undefined
}

/** A stale lock is broken through a chain of at most this many breaker files (a breaker that died, ...). */
const MAX_BREAK_DEPTH = 3
/** Tokens of the locks this process holds now: a lock of this pid with another token was left by a failure. */
const held = new Set<string>()

/**
 * Runs `fn` holding the lock file at `path`, exclusive across processes (and across callers in this process).
 *
 * Taking it: the lock file is created exclusively (O_EXCL) and the owner's pid, host (on Linux boot id and process
 * start time), time and a unique token written into it (not flushed: no lock needs to outlive a crash). A lock
 * read empty or partial is one being created: judged by its age like a foreign file, so a taker that died between
 * the create and the write leaves a lock recovered after `staleMs`. A lock whose owner is gone (a dead or reused pid on this host, or a lock of
 * this process it no longer holds) or, when that cannot be checked, older than `staleMs`, is taken over
 * atomically: the taker must first create `<lock>.break-<digest of the lock's bytes>`
 * exclusively, re-reads the lock and removes it only if it is still byte-for-byte the one it judged stale. So
 * of many takers exactly one removes that lock, and none removes a lock taken meanwhile; all then race for the
 * lock by exclusive create again. Every failing file operation is a `LockError` naming the table, the lock
 * and the errno, and leaves no lock or breaker file behind. The lock is removed when `fn` settles.
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const ctx = context(path, options)
  if (options.handOver) {
    const lease = await takeLease(ctx)
    try {
      return await fn()
    } finally {
      leaveLease(lease)
    }
  }
  const token = await acquire(ctx)
  let result: T
  try {
    result = await fn()
  } catch (error) {
    await release(ctx, token).catch(() => undefined)
    throw error
  }
  try {
    await release(ctx, token)
  } catch (error) {
    // The work is done and must not be reported as failed; the lock stays until this process retakes it
    // (it knows the token is no longer held) or it turns stale for others.
    process.emitWarning(error instanceof Error ? error : String(error))
  }
  return result
}

/**
 * Releases at once the locks this process keeps for a next caller (those at `paths` only, when given) and settles
 * when they are removed (one in use is left alone).
 */
export async function handedOverLocksReleased(paths?: readonly string[]): Promise<void> {
  const wanted = paths && new Set(paths)
  for (;;) {
    const pending = [...leases.values()].filter(
      (lease) => lease.state !== 'busy' && (!wanted || wanted.has(lease.ctx.path)),
    )
    if (pending.length === 0) return
    for (const lease of pending) {
      if (lease.state === 'idle') {
        clearTimeout(lease.timer)
        startRelease(lease)
      }
    }
    await Promise.all(pending.map((lease) => lease.released))
  }
}

/** The lock at `ctx.path`: a lease of this process that may still be handed over, else taken from the file system. */
async function takeLease(ctx: LockContext): Promise<Lease> {
  for (;;) {
    const lease = leases.get(ctx.path)
    if (!lease || lease.state === 'busy') break // none, or a caller outside a chain: it waits on the file as before
    if ((lease.state === 'idle' || lease.state === 'reading') && young(lease)) {
      clearTimeout(lease.timer)
      lease.timer = undefined
      lease.state = 'busy'
      return lease
    }
    if (lease.state === 'idle') {
      // Too old to hand over and its timer not run yet: released now, then taken from the file like any lock.
      clearTimeout(lease.timer)
      startRelease(lease)
    }
    await lease.released
  }
  const token = await acquire(ctx)
  const lease: Lease = { ctx, token, since: ctx.clock(), state: 'busy' }
  leases.set(ctx.path, lease)
  return lease
}

/** Ends a caller's hold: the lock is released after IDLE_MS without a next caller (at once when too old to hand over). */
function leaveLease(lease: Lease): void {
  if (!young(lease)) {
    startRelease(lease)
    return
  }
  lease.state = 'idle'
  const left = Math.min(HANDOVER_MS, lease.ctx.staleMs / 2) - (lease.ctx.clock() - lease.since)
  lease.timer = setTimeout(() => startRelease(lease), Math.max(0, Math.min(IDLE_MS, left)))
}

/** True while the lease may be handed over: taken less than HANDOVER_MS (and half of `staleMs`) ago. */
function young(lease: Lease): boolean {
  return lease.ctx.clock() - lease.since < Math.min(HANDOVER_MS, lease.ctx.staleMs / 2)
}

function startRelease(lease: Lease): void {
  lease.timer = undefined
  lease.state = 'reading'
  lease.released = release(lease.ctx, lease.token, () => {
    if (lease.state !== 'reading') return false
    lease.state = 'removing'
    return true
  })
    .catch((error: unknown) => {
      // The work is done; the lock stays until this process retakes it (the token is no longer held) or it turns stale.
      if (lease.state === 'removing') process.emitWarning(error instanceof Error ? error : String(error))
    })
    .finally(() => {
      // A release that failed before deciding (not taken over in memory) ends the lease all the same.
      if (lease.state === 'reading') {
        lease.state = 'removing'
        held.delete(lease.token)
      }
      if (lease.state === 'removing' && leases.get(lease.ctx.path) === lease) leases.delete(lease.ctx.path)
    })
}

interface LockContext {
  readonly path: string
  readonly fs: FileSystem
  readonly table: string
  readonly timeoutMs: number
  readonly staleMs: number
  readonly clock: () => number
}

function context(path: string, options: FileLockOptions): LockContext {
  return {
    path,
    fs: options.fs ?? nodeFileSystem,
    table: options.table ?? dirname(path),
    timeoutMs: options.timeoutMs ?? 30_000,
    staleMs: options.staleMs ?? 60_000,
    clock: options.clock ?? Date.now,
  }
}

/** Wraps a failed file operation as a LockError naming the table, the lock and the errno. */
function ioError(ctx: LockContext, doing: string, error: unknown): LockError {
  if (error instanceof LockError) return error
  return new LockError(ctx.table, ctx.path, errorCode(error) ?? 'EUNKNOWN', `${doing} failed`, {
    cause: error,
  })
}

async function ownerText(): Promise<{ text: string; token: string }> {
  const token = randomUUID()
  const owner: LockOwner = { ...(await currentProcess()), time: Date.now(), token }
  return { text: JSON.stringify(owner), token }
}

/**
 * Takes the lock from the file system. A writer that finds it held by a live owner claims the next turn
 * (`<lock>.turn`, created exclusively with its owner); while a live writer's turn file exists, every other writer
 * leaves the free lock to it. Without that, a process whose calls follow one another (a loop of creates, each
 * release followed at once by its next take) would win nearly every race against a writer polling every few ms.
 */
async function acquire(ctx: LockContext): Promise<string> {
  const start = Date.now()
  const turnPath = `${ctx.path}${TURN_SUFFIX}`
  let turn: string | undefined
  let turnPolls = 0
  try {
    for (let attempt = 0; ; attempt++) {
      const waitingFor = turn === undefined ? await othersTurn(ctx, turnPath) : undefined
      let holder = waitingFor
      if (!waitingFor) {
        const mine = await ownerText()
        try {
          await createLock(ctx, mine.text)
          held.add(mine.token)
          return mine.token
        } catch (error) {
          if (!isAlreadyExists(error)) throw ioError(ctx, 'creating the lock', error)
        }
        const current = await inspect(ctx, ctx.path)
        if (!current) continue
        if ((await isStale(current, ctx.staleMs)) && (await breakStale(ctx, ctx.path, current, 0))) continue
        turn ??= await claimTurn(ctx, turnPath)
        holder = current
      }
      if (Date.now() - start > ctx.timeoutMs) {
        const who = holder ? describe(holder) : 'an unknown writer'
        throw new LockError(
          ctx.table,
          ctx.path,
          undefined,
          waitingFor
            ? `left to the turn of ${who} for ${ctx.timeoutMs} ms`
            : `still held by ${who} after waiting ${ctx.timeoutMs} ms`,
        )
      }
      // The turn's writer polls fast (the lock it waits for is left free to it, and a holder keeps it about
      // HANDOVER_MS), slower the longer a holder keeps it (a long commit).
      const pause = turn !== undefined ? TURN_POLL_MS + turnPolls++ / 10 : 2 + attempt * 2
      await sleep(Math.min(pause, 25) * (0.5 + Math.random()))
    }
  } finally {
    if (turn !== undefined) await dropTurn(ctx, turnPath, turn)
  }
}

/** The suffix of the file by which a writer waiting for a lock claims the next turn. */
const TURN_SUFFIX = '.turn'
/** How often the writer holding the turn first tries the lock (others wait for it to take it); 1 ms slower per 10 tries. */
const TURN_POLL_MS = 2
/**
 * A turn whose writer cannot be checked (another host; a turn file read empty) is stale once this old (or `staleMs`
 * if lower): a writer that died there must not keep the free lock from everyone for `staleMs`.
 */
const TURN_STALE_MS = 2_000

/** The turn file of another live writer (undefined when there is none; a stale one is removed). */
async function othersTurn(ctx: LockContext, path: string): Promise<LockSnapshot | undefined> {
  let turn: LockSnapshot | undefined
  try {
    turn = await inspect(ctx, path)
  } catch {
    return undefined // The turn is a courtesy: a turn file that cannot be read is not waited for.
  }
  if (!turn) return undefined
  if (!(await isStale(turn, Math.min(ctx.staleMs, TURN_STALE_MS)))) return turn
  await breakStale(ctx, path, turn, 0).catch(() => undefined)
  return undefined
}

/** Claims the next turn; its token, or undefined when another writer has it (or it cannot be created). */
async function claimTurn(ctx: LockContext, path: string): Promise<string | undefined> {
  const mine = await ownerText()
  try {
    await ctx.fs.createExclusive(path, mine.text, { durable: false, inPlace: true })
  } catch {
    return undefined
  }
  held.add(mine.token)
  return mine.token
}

/** Removes this writer's turn file, if it is still its own (one judged stale and replaced is another writer's). */
async function dropTurn(ctx: LockContext, path: string, token: string): Promise<void> {
  held.delete(token)
  try {
    const text = new TextDecoder().decode(await ctx.fs.readFile(path))
    if (parseOwner(text, (await currentProcess()).host)?.token === token) await ctx.fs.unlink(path)
  } catch {
    // Left behind, it is a turn of this process no longer held: stale for every writer.
  }
}

/**
 * Creates the lock file exclusively, and its folder only when that is missing (a lock taken per write pays no mkdir).
 * In place (O_EXCL, then the owner written): others may read it empty or partial meanwhile, which they take for a
 * lock being created (judged by its age, never stale while young, see `isStale`).
 */
async function createLock(ctx: LockContext, text: string): Promise<void> {
  // Not flushed: a lock lives as long as its holder, and a crash that could lose it ends the holder too.
  const options = { durable: false, inPlace: true }
  try {
    await ctx.fs.createExclusive(ctx.path, text, options)
    return
  } catch (error) {
    if (!isNotFound(error)) throw error
  }
  try {
    await ctx.fs.mkdir(dirname(ctx.path))
  } catch (error) {
    throw ioError(ctx, 'creating the lock folder', error)
  }
  await ctx.fs.createExclusive(ctx.path, text, options)
}

/** Reads a lock file; undefined when it is gone. */
async function inspect(ctx: LockContext, path: string): Promise<LockSnapshot | undefined> {
  try {
    const info = await ctx.fs.lstat(path)
    const text = new TextDecoder().decode(await ctx.fs.readFile(path))
    return { text, mtimeMs: info.mtimeMs, owner: parseOwner(text, (await currentProcess()).host) }
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw ioError(ctx, `reading the lock ${path}`, error)
  }
}

/** The owner written in a lock file: JSON, or `<pid> <time>` as written by earlier versions (on this host). */
function parseOwner(text: string, host: string): LockOwner | undefined {
  const legacy = /^(\d+) (\d+)$/.exec(text)
  if (legacy) return { pid: Number(legacy[1]), host, time: Number(legacy[2]), token: text }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>
    if (
      typeof o.pid === 'number' &&
      typeof o.host === 'string' &&
      typeof o.time === 'number' &&
      typeof o.token === 'string'
    ) {
      return {
        pid: o.pid,
        host: o.host,
        time: o.time,
        token: o.token,
        ...(typeof o.boot === 'string' ? { boot: o.boot } : {}),
        ...(typeof o.start === 'string' ? { start: o.start } : {}),
      }
    }
  } catch {
    // Not a lock this code wrote: judged by its age.
  }
  return undefined
}

function describe(lock: LockSnapshot): string {
  const o = lock.owner
  return o ? `process ${o.pid} on ${o.host} since ${new Date(o.time).toISOString()}` : 'an unknown writer'
}

/**
 * True when the lock's owner is gone: this process no longer holding it, a dead (or reused) pid on this host, a
 * lock of this host from before it booted; when that cannot be known (another host, or no owner readable: a lock
 * still being written, or a foreign file), once it is older than `staleMs` (an unreadable one also when it is from
 * before this host booted).
 */
async function isStale(lock: LockSnapshot, staleMs: number): Promise<boolean> {
  const o = lock.owner
  // A lock left from before this host booted (a power loss between its create and its owner's write leaves it
  // empty) has no live creator on this host: not waited for `staleMs` after every reboot.
  if (!o) return lock.mtimeMs < bootTimeMs() || Date.now() - lock.mtimeMs > staleMs
  const self = await currentProcess()
  if (o.host === self.host && o.time < bootTimeMs()) return true
  if (o.host === self.host && o.pid === self.pid) return !held.has(o.token)
  const state = await liveness(o)
  if (state !== 'unknown') return state === 'dead'
  return Date.now() - o.time > staleMs
}

/**
 * Removes the stale lock at `path` if it is still exactly `stale`, holding `<path>.break-<digest>` meanwhile.
 * A breaker that is itself stale (its taker died) is broken the same way, up to MAX_BREAK_DEPTH levels.
 * True when the lock is gone (removed here or by another taker), false while another taker is at it.
 */
async function breakStale(
  ctx: LockContext,
  path: string,
  stale: LockSnapshot,
  depth: number,
): Promise<boolean> {
  const digest = createHash('sha256').update(`${stale.mtimeMs}\n${stale.text}`).digest('hex').slice(0, 24)
  const breaker = `${path}.break-${digest}`
  try {
    await ctx.fs.createExclusive(breaker, (await ownerText()).text)
  } catch (error) {
    if (!isAlreadyExists(error)) throw ioError(ctx, 'taking over a stale lock', error)
    // Another taker is at it (or died at it).
    const other = await inspect(ctx, breaker)
    if (other && depth < MAX_BREAK_DEPTH && (await isStale(other, ctx.staleMs))) {
      await breakStale(ctx, breaker, other, depth + 1)
    }
    return false
  }
  try {
    const now = await inspect(ctx, path)
    if (now && now.text === stale.text && now.mtimeMs === stale.mtimeMs) {
      try {
        await ctx.fs.unlink(path)
      } catch (error) {
        if (!isNotFound(error)) throw ioError(ctx, 'removing a stale lock', error)
      }
    }
    return true
  } finally {
    await ctx.fs.unlink(breaker).catch(() => undefined)
  }
}

/**
 * Removes the lock if it is still this acquisition's (a lock taken over after `staleMs` is not ours to remove).
 * `proceed`, asked once the lock was read, false when a handed-over lock was taken by a caller meanwhile: it is kept.
 */
async function release(ctx: LockContext, token: string, proceed: () => boolean = () => true): Promise<void> {
  // Only whose it is matters here (no staleness is judged): its text, without the lstat `inspect` adds.
  let text: string
  try {
    text = new TextDecoder().decode(await ctx.fs.readFile(ctx.path))
  } catch (error) {
    if (!proceed()) return
    held.delete(token)
    if (isNotFound(error)) return
    throw ioError(ctx, `reading the lock ${ctx.path}`, error)
  }
  const host = (await currentProcess()).host
  if (!proceed()) return
  held.delete(token)
  if (parseOwner(text, host)?.token !== token) return
  try {
    await ctx.fs.unlink(ctx.path)
  } catch (error) {
    if (!isNotFound(error)) throw ioError(ctx, 'releasing the lock', error)
  }
}
