import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fateOf } from './commit-wal.js'
import { durable, loggedFiles, writtenForLog } from './data-file-durability.js'
import { WrittenFiles } from './data-file-store.js'
import { AttemptVectors } from './deletion-vector-plan.js'
import type { FileSystem } from './file-system.js'
import { orWhenMissing } from './file-system.js'
import {
  encodeInsertRecord,
  INSERTS_DIR,
  InsertLogFile,
  insertLogAppId,
  insertLogs,
  markerFile,
  orphanedInsertLog,
  type PendingMarker,
  pendingMarkerPath,
  readPendingMarker,
  restoreInsertedFiles,
} from './insert-log.js'
import type { AddAction, TableMetadata } from './log-entry.js'
import { NodeFileSystem } from './node-file-system.js'
import type { PendingFile } from './pending-file.js'
import { removeLocated } from './removal-plan.js'
import type { Snapshot } from './snapshot.js'
import type { CommitOutcome, TableCore } from './table-core.js'
import { DuplicateKeyError, LockError, TableWriteError } from './table-errors.js'
import { tableRelative } from './table-path.js'
import { tableLockPath, withWriteLock } from './write-lock.js'

/**
 * Log-first inserts (docs/design/fast-durable-commits.md, design A; docs/tables.md "Log-first inserts"): a small
 * insert of new rows is acknowledged once its record in this process's insert log (insert-log.ts) is flushed, and
 * published a few milliseconds later, with the records logged meanwhile, as one ordinary Delta commit.
 *
 * The rules that keep every reader and every key check exact:
 * - Records not published exist only while their writer holds the table's write lock (`_pf/unique.lock`, held as
 *   a session of at most SESSION_MS), and every pf write that adds keys takes that lock: a key check under it sees
 *   the published table plus this process's own pending keys, which is all there is. A session publishes its
 *   records before it lets the lock go.
 * - While records are pending, `_pf/inserts/pending` names their writer, set before the first append. A reader
 *   (`Table.snapshot()`) in this process publishes them first; one in another process waits until the marker is
 *   gone, and publishes them itself when their writer no longer runs. So no read that starts after an insert was
 *   acknowledged misses it.
 * - A publication carries `txn` (appId = the log, version = where its last record ends): after a crash, whoever
 *   publishes a log's records again applies each once. The first read of a table in a process publishes what
 *   writers that are gone left (after a power loss the marker itself may be lost: the logs are the truth).
 */

/** A record is published at most this long after it was acknowledged while its session goes on. */
const PUBLISH_AFTER_MS = 2
/** Records published together at most (the insert that reaches it publishes them before the next). */
const MAX_PENDING = 64
/** A session lets the write lock go after this long (file-lock.ts hands a lock over for 50 ms at most). */
const SESSION_MS = 40
/** A session without inserts for this long ends. */
const SESSION_IDLE_MS = 5
/** A log is replaced by a new one once this big (the old one deleted once published). */
const LOG_MAX_BYTES = 16 * 1024 * 1024
/** How often a reader looks again for another writer's marker, and how long it waits for a live one at most. */
const MARKER_POLL_MS = 0.5
const MARKER_TIMEOUT_MS = 30_000

/** A planned insert: the files written for its rows (unflushed, logged), their adds and encoded keys. */
export interface PlannedInsert {
  readonly adds: readonly AddAction[]
  readonly written: Pick<WrittenFiles, 'paths' | 'deferred'>
  readonly keys: readonly string[]
  /** Values the insert holds that no other row may hold (`@unique`), checked against the version already. */
  readonly claims?: readonly InsertClaim[]
  /** An upsert: a key pending here is one it would replace, so it is declined instead of refused. */
  readonly replacesPending?: boolean
  /** Keys of stored rows it replaces (a log-first update): their rows are deleted when it is published. */
  readonly replaces?: readonly string[]
}

/**
 * A value no two rows may hold (an entity's `@unique` value, checked against the table by the caller): pending
 * records of this process claim theirs until the version holding them is adopted, so a later insert of the same
 * value fails with `clash()` (the caller's error, naming the entity, field and value).
 */
export interface InsertClaim {
  /** The value, encoded with its group (`group` NUL `encoded value`). */
  readonly key: string
  clash(): Error
}

interface Pending {
  readonly adds: readonly AddAction[]
  readonly replaces: readonly string[]
  /** The metadata of the version it was planned on (its rows are in that schema). */
  readonly metadata: TableMetadata
  /**
   * Its small data files (absolute paths), written when it is published (then `written`); their bytes stay for reads
   * of its keys, which decode them.
   */
  readonly small: readonly { path: string; bytes: Uint8Array }[]
  written: boolean
  readonly keys: readonly string[]
  readonly claims: readonly string[]
  readonly end: number
}

interface Session {
  open: boolean
  readonly started: number
  end?: () => void
  ended?: Promise<void>
  idle?: NodeJS.Timeout
}

type AppendingFs = FileSystem & { openLog: NonNullable<FileSystem['openLog']> }

/** Insert logs this process writes (absolute paths): never published by it as another writer's. */
const ownLogs = new Set<string>()
/** The instances with a log open, for publishing what is pending before the process exits (none kept otherwise). */
const writing = new Set<LogFirstInserts>()
let exitHook = false

function publishAllBeforeExit(): void {
  for (const inserts of writing) void inserts.close().catch(() => undefined)
}

/** The log-first inserts of one table in this process. */
export class LogFirstInserts {
  private log: InsertLogFile | undefined
  private readonly pending: Pending[] = []
  /** The keys of the pending records, each with its record. */
  private readonly keys = new Map<string, Pending>()
  /** The claims (InsertClaim.key) of the pending records. */
  private readonly claimed = new Set<string>()
  /** The keys whose stored rows pending records replace (their stored values are freed: see `insert`). */
  private readonly replaced = new Set<string>()
  /** Counts the times pending records were dropped (published and adopted, or gone with a replaced table). */
  private droppedCount = 0
  /** The version the last adopted publication made. */
  private publishedVersion = -1
  private marked = false
  private mutex: Promise<unknown> = Promise.resolve()
  /** The publication running (one at a time). */
  private publishing: Promise<unknown> = Promise.resolve()
  private session: Session | undefined
  private opening: Promise<void> | undefined
  private publishTimer: NodeJS.Timeout | undefined
  private failure: unknown
  /** The table (TableLog.tableIdentity) the current log belongs to. */
  private logOf: string | undefined
  /** An append to the current log failed: the next insert starts a new one. */
  private broken = false
  /** Publishing orphaned logs now (their commits' freshness checks must not wait for the marker they left). */
  private publishingOrphans = false
  /** Orphaned logs were looked for (once per table object: what a crash left is published at the first read). */
  private orphansChecked = false

  constructor(
    private readonly core: TableCore,
    private readonly fs: FileSystem,
    /** Called after each publication (automatic compaction). */
    private readonly onPublished: () => void = () => undefined,
  ) {}

  /** True when this process holds acknowledged inserts of the table not published yet. */
  get holding(): boolean {
    return this.pending.length > 0
  }

  /**
   * Runs a small insert log-first: under the table's write lock, `plan` checks it against the newest version (its
   * keys must not exist there) and writes its data files; its keys are checked against the records pending here,
   * its record appended and flushed. Resolves once it is durable. `plan` returns undefined when the insert is not
   * one this path takes (then false, nothing done). `plan` is also given the keys whose stored rows pending records
   * replace: the values those rows hold in the version are not held once the records are published (a unique check
   * ignores them; the values the records hold instead are claimed).
   */
  async insert(
    plan: (snap: Snapshot, replaced: ReadonlySet<string>) => Promise<PlannedInsert | undefined>,
  ): Promise<boolean> {
    for (;;) {
      // A log whose append failed takes no more: what it holds is published first, then it is replaced (openLog).
      if (this.broken) await this.publishPending()
      await this.enterSession()
      const outcome = await this.exclusive(async () => {
        const session = this.session
        if (!session?.open || (this.broken && this.pending.length > 0)) return 'again' as const
        const snap = await this.core.freshSnapshot()
        this.forgetReplacedTable()
        const planned = await plan(snap, this.replaced)
        if (!planned) return 'declined' as const
        // On a throw the caller discards the written files.
        const clash = planned.keys.filter((k) => this.keys.has(k))
        if (clash.length > 0) {
          if (planned.replacesPending) return 'declined' as const
          throw new DuplicateKeyError(this.core.name, clash)
        }
        const claimed = planned.claims?.find((c) => this.claimed.has(c.key))
        if (claimed) throw claimed.clash()
        const claims = planned.claims?.map((c) => c.key) ?? []
        // Files written already (not small: flushed, or logged with their bytes) and small ones kept unwritten.
        const deferred = (planned.written.deferred ?? []).map((f) => ({
          path: resolve(f.path),
          bytes: f.bytes,
        }))
        const unwritten = new Set(deferred.map((f) => f.path))
        const paths = planned.written.paths.map((p) => resolve(p)).filter((p) => !unwritten.has(p))
        await durable(paths)
        const files = [...deferred, ...loggedFiles(paths)].map((f) => ({
          path: tableRelative(this.core.path, f.path),
          bytes: f.bytes,
        }))
        const replaces = planned.replaces ?? []
        const record = encodeInsertRecord(planned.adds, files, snap.state, replaces)
        const log = await this.openLog()
        await this.mark(log)
        let end: number
        try {
          end = await log.append(record)
        } catch (error) {
          // Its tail may hold this record unflushed: nothing more is appended to it (see openLog).
          this.broken = true
          throw error
        }
        const pending: Pending = {
          adds: planned.adds,
          replaces,
          keys: planned.keys,
          claims,
          end,
          small: deferred,
          written: false,
          metadata: snap.metadata,
        }
        this.pending.push(pending)
        for (const k of planned.keys) this.keys.set(k, pending)
        for (const c of claims) this.claimed.add(c)
        for (const k of replaces) this.replaced.add(k)
        this.schedulePublication()
        return 'done' as const
      }).finally(() => {
        // Whatever the insert's outcome (a refused key, a declined plan): the session ends when idle or old.
        if (this.session?.open) this.keepSession(this.session)
      })
      if (outcome === 'done') return true
      if (outcome === 'declined') return false
    }
  }

  /**
   * For a read of one key (encoded) that need not publish first: 'published' when no record pending here holds the
   * key (the newest published version answers for it: pending records touch only their own keys), or the record
   * that holds it, when it is one small data file whose bytes are here (they are what its publication adds).
   * Undefined when the read must publish first (or the logs of writers that are gone were not looked for yet).
   */
  pendingKey(
    encoded: string,
  ): 'published' | { add: AddAction; bytes: Uint8Array; metadata: TableMetadata } | undefined {
    if (!this.orphansChecked || this.failure !== undefined) return undefined
    const record = this.keys.get(encoded)
    if (!record) return 'published'
    const [add, ...more] = record.adds
    const [file, ...others] = record.small
    if (!add || !file || more.length > 0 || others.length > 0) return undefined
    return { add, bytes: file.bytes, metadata: record.metadata }
  }

  /**
   * What has left the pending records so far: a count that changes whenever some are dropped (published and adopted,
   * or gone with a replaced table) and the version the last adopted publication made. `Table.pendingView` checks
   * that a version it read holds whatever left while it read it.
   */
  get dropped(): { readonly count: number; readonly version: number } {
    return { count: this.droppedCount, version: this.publishedVersion }
  }

  /**
   * For a read of several keys that need not publish first (an indexed findBy: `Table.pendingView`): every record
   * pending here, in order, each as the one small data file its publication adds (bytes, add action, the schema its
   * rows are in) with the keys it adds and those whose stored rows it replaces. Undefined when the read must publish
   * first: a record of several files or without their bytes, a failed publication, orphans not looked for yet.
   */
  pendingFiles(): PendingFile[] | undefined {
    if (!this.orphansChecked || this.failure !== undefined) return undefined
    const out: PendingFile[] = []
    for (const record of this.pending) {
      const [add, ...more] = record.adds
      const [file, ...others] = record.small
      if (!add || !file || more.length > 0 || others.length > 0) return undefined
      out.push({
        add,
        bytes: file.bytes,
        metadata: record.metadata,
        keys: record.keys,
        replaces: record.replaces,
      })
    }
    return out
  }

  /** Publishes every record pending now (what `Table.snapshot()` waits for); rejects when publishing fails. */
  async published(): Promise<void> {
    while (this.pending.length > 0) {
      await this.publishPending().catch(() => undefined)
      if (this.pending.length > 0 && this.failure !== undefined) throw this.failureError()
    }
  }

  /** Ends the session (publishing first) so this process's next write takes the write lock as usual. */
  async release(): Promise<void> {
    if (this.opening) await this.opening.catch(() => undefined)
    const session = this.session
    if (!session) return
    session.end?.()
    await session.ended
  }

  /** Publishes, ends the session and deletes this process's log of the table once nothing in it is pending. */
  async close(): Promise<void> {
    await this.release()
    await this.exclusive(async () => {
      if (this.pending.length > 0 || !this.log) return
      const log = this.log
      this.log = undefined
      await this.retire(log)
    })
  }

  /**
   * Before a read: this process's pending records published. Once per table object, the logs of writers that are
   * gone are published too (after a power loss their marker may be lost). Another process's pending records are
   * waited for by the read's freshness check (`awaitOtherWriters`, when the log folder changed).
   */
  async beforeRead(): Promise<void> {
    if (this.pending.length > 0) await this.published()
    if (!this.orphansChecked) {
      await this.publishOrphans()
      this.orphansChecked = true
    }
  }

  // ---- the session: the write lock held across inserts ------------------------------------------------------

  private enterSession(): Promise<void> {
    if (this.session?.open) return Promise.resolve()
    this.opening ??= new Promise<void>((ready, fail) => {
      const session: Session = { open: false, started: Date.now() }
      session.ended = withWriteLock(
        tableLockPath(this.core.path),
        async () => {
          // A writer that died holding records left its marker: they are published first, the marker removed.
          await this.clearDeadMarker()
          session.open = true
          this.session = session
          ready()
          await new Promise<void>((end) => {
            session.end = end
          })
          clearTimeout(session.idle)
          for (;;) {
            await this.exclusive(async () => {
              session.open = false
            })
            await this.publishPending().catch(() => undefined)
            // The lock is not let go while records are pending: no other writer may add keys before they are
            // published. A failing disk keeps it until publication succeeds (or the process ends: recovery); a
            // table folder deleted meanwhile took them with it.
            if (this.pending.length === 0 || (await this.exclusive(() => this.forgetDeletedTable()))) break
            await sleep(50)
          }
        },
        { fs: this.fs, table: this.core.name, handOver: true },
      )
      session.ended.then(
        () => {
          if (this.session === session) this.session = undefined
        },
        (error: unknown) => {
          if (this.session === session) this.session = undefined
          fail(error)
        },
      )
    }).finally(() => {
      this.opening = undefined
    })
    return this.opening
  }

  /** After an insert: publication scheduled, at once when records are many. */
  private schedulePublication(): void {
    if (this.pending.length >= MAX_PENDING) void this.publishPending().catch(() => undefined)
    else if (!this.publishTimer) {
      this.publishTimer = setTimeout(() => {
        this.publishTimer = undefined
        void this.publishPending().catch(() => undefined)
      }, PUBLISH_AFTER_MS)
    }
  }

  /** After each insert in a session, done or not: the session ends once idle, or now when it is old. */
  private keepSession(session: Session): void {
    if (Date.now() - session.started >= SESSION_MS) {
      session.end?.()
      return
    }
    if (session.idle) session.idle.refresh()
    else session.idle = setTimeout(() => session.end?.(), SESSION_IDLE_MS)
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.mutex.then(fn, fn)
    this.mutex = run.catch(() => undefined)
    return run
  }

  // ---- the log and the marker ------------------------------------------------------------------------------

  /**
   * The table folder was deleted and a table made again at the path: the log and its pending records belonged to
   * the deleted one (gone with it); the next insert starts a log in the new one.
   */
  private forgetReplacedTable(): void {
    if (this.log && this.logOf !== this.core.log.tableIdentity) this.forgetLog()
  }

  /** True (and the log forgotten) when the log's file is gone: its table folder was deleted, records and all. */
  private async forgetDeletedTable(): Promise<boolean> {
    if (!this.log) return true
    if (
      await orWhenMissing(
        this.fs.stat(this.log.path).then(() => false),
        true,
      )
    ) {
      this.forgetLog()
      return true
    }
    return false
  }

  private forgetLog(): void {
    if (!this.log) return
    void this.log.close().catch(() => undefined)
    ownLogs.delete(resolve(this.log.path))
    writing.delete(this)
    this.log = undefined
    this.pending.splice(0)
    this.droppedCount++
    this.keys.clear()
    this.claimed.clear()
    this.replaced.clear()
    this.marked = false
    this.broken = false
  }

  private async openLog(): Promise<InsertLogFile> {
    if (this.log && this.broken) {
      // The records before the failed append were published (`insert`), then the log goes: a crash can no longer
      // make the record its caller was told failed durable (a later flush of that log would have).
      const old = this.log
      this.log = undefined
      this.broken = false
      await this.retire(old)
    }
    if (this.log && this.log.size >= LOG_MAX_BYTES && this.pending.length === 0) {
      const old = this.log
      this.log = undefined
      await this.retire(old)
    }
    if (!this.log) {
      if (!this.fs.openLog)
        throw new Error('log-first inserts need a file system that appends to logs (openLog)')
      this.log = await InsertLogFile.open(this.fs as AppendingFs, this.core.path)
      this.logOf = this.core.log.tableIdentity
      writing.add(this)
      if (!exitHook) {
        // A process that ends normally publishes what it acknowledged; one that crashes leaves it to the next reader.
        process.on('beforeExit', publishAllBeforeExit)
        exitHook = true
      }
      ownLogs.add(resolve(this.log.path))
    }
    return this.log
  }

  /** Deletes a log whose records are all published (and durable: publication's commit is). */
  private async retire(log: InsertLogFile): Promise<void> {
    await log.close().catch(() => undefined)
    await this.fs.unlink(log.path).catch(() => undefined)
    await this.fs.unlink(markerFile(log.path)).catch(() => undefined)
    ownLogs.delete(resolve(log.path))
    if (!this.log) writing.delete(this)
  }

  /** Sets the pending marker (before the first record a reader elsewhere must not miss). */
  private async mark(log: InsertLogFile): Promise<void> {
    if (this.marked) return
    await this.fs.rename(markerFile(log.path), this.markerPath())
    this.marked = true
  }

  private async unmark(): Promise<void> {
    if (!this.marked || !this.log) return
    await this.fs.rename(this.markerPath(), markerFile(this.log.path))
    this.marked = false
  }

  private markerPath(): string {
    return pendingMarkerPath(this.core.path)
  }

  // ---- publication ----------------------------------------------------------------------------------------

  /** Publishes the records pending now, one publication at a time (never call it inside `exclusive`). */
  private publishPending(): Promise<void> {
    const run = this.publishing.then(
      () => this.publishOnce(),
      () => this.publishOnce(),
    )
    this.publishing = run.catch(() => undefined)
    return run
  }

  /**
   * One publication. The batch is taken, and later the version holding it adopted with its keys dropped from the
   * pending ones, each inside `exclusive`; writing its files and committing in between are not, so inserts go on
   * meanwhile: one checks its keys either while they are pending or against a version that holds them (it reads the
   * newest from the log, committed or adopted). The records stay pending until the table has them.
   */
  private async publishOnce(): Promise<void> {
    clearTimeout(this.publishTimer)
    this.publishTimer = undefined
    const taken = await this.exclusive(async () => {
      this.forgetReplacedTable()
      return this.log && this.pending.length > 0 ? { batch: this.pending.slice(), log: this.log } : undefined
    })
    if (!taken) return
    const { batch, log } = taken
    try {
      await this.writeFiles(batch)
      const outcome = await publishRecords(
        this.core,
        log.appId,
        batch.map((p) => ({ adds: p.adds, replaces: p.replaces, end: p.end })),
      )
      await this.exclusive(async () => {
        await this.core.adopt(outcome)
        // A table replaced meanwhile took the records with it (forgetReplacedTable).
        if (this.log !== log) return
        this.pending.splice(0, batch.length)
        this.droppedCount++
        this.publishedVersion = Math.max(this.publishedVersion, outcome.result.version)
        for (const p of batch) {
          for (const k of p.keys) this.keys.delete(k)
          for (const c of p.claims) this.claimed.delete(c)
          for (const k of p.replaces) this.replaced.delete(k)
        }
        if (this.pending.length === 0) await this.unmark()
      })
    } catch (error) {
      this.failure = error
      throw error
    }
    this.failure = undefined
    this.onPublished()
  }

  /**
   * Writes the data files of records about to be published, unflushed: the publication's commit record (commit-wal.ts)
   * holds their bytes, as the insert log does until then.
   */
  private async writeFiles(batch: readonly Pending[]): Promise<void> {
    const writes: Promise<void>[] = []
    for (const p of batch) {
      if (p.written) continue
      for (const f of p.small) {
        const write = this.fs.writeFile(f.path, f.bytes, { durable: false })
        writtenForLog(f.path, f.bytes, write)
        writes.push(write)
      }
    }
    await Promise.all(writes)
    for (const p of batch) p.written = true
  }

  private failureError(): Error {
    return new TableWriteError(this.core.name, 'publishing log-first inserts', { cause: this.failure })
  }

  /**
   * Publishes the records of insert logs whose writers are gone (restoring the data files a power loss lost from
   * their bytes), then deletes those logs and a marker they left. Under the write lock: two processes never
   * publish one log at once, and no writer adds keys meanwhile.
   */
  private async publishOrphans(): Promise<void> {
    if (this.publishingOrphans) return
    this.publishingOrphans = true
    try {
      await this.publishOrphanLogs()
    } finally {
      this.publishingOrphans = false
    }
  }

  private async publishOrphanLogs(): Promise<void> {
    for (const path of await insertLogs(this.fs, this.core.path)) {
      const decoded = await orphanedInsertLog(this.fs, path, this.core.name, ownLogs)
      if (!decoded) continue
      // No lock needed: two processes publishing one log commit it once (its `txn`), and no writer that is alive
      // has checked a key against the table without publishing these first (each does so before its first read).
      const snap = await this.core.freshSnapshot()
      const done = snap.state.appTxns?.get(insertLogAppId(path))?.version ?? 0
      const tail = decoded.records.filter((r) => r.end > done)
      if (tail.length > 0) {
        await restoreInsertedFiles(this.fs, this.core.path, this.core.name, path, tail)
        await this.core.adopt(await publishRecords(this.core, insertLogAppId(path), tail))
      }
      await this.fs.unlink(markerFile(path)).catch(() => undefined)
      await this.fs.unlink(path).catch(() => undefined)
    }
  }

  /**
   * Removes the pending marker of a writer that is gone (its records published first). Only a holder of the write
   * lock does: no live writer can be setting a marker of its own meanwhile.
   */
  private async clearDeadMarker(): Promise<void> {
    const marker = await readPendingMarker(this.fs, this.core.path)
    if (!marker || !(await this.markerGone(marker))) return
    await this.publishOrphans()
    await this.fs.unlink(this.markerPath()).catch(() => undefined)
  }

  /**
   * True when the pending marker may be another writer's (it is there and this object did not set it): one `lstat`
   * on the real file system (the freshness check's probe, log-freshness.ts); elsewhere always true.
   */
  othersMarked(): boolean {
    if (this.marked) return false
    return this.fs instanceof NodeFileSystem ? this.fs.entryAt(this.markerPath()) : true
  }

  /** True when the writer a marker names is gone (see `writerGone`). */
  private markerGone(marker: PendingMarker): Promise<boolean> {
    return writerGone(marker, ownLogs.has(resolve(join(this.core.path, INSERTS_DIR, marker.log))))
  }

  /**
   * Waits while another live process holds records of this table not published; publishes a dead one's. Called
   * before a full check of the log (the marker is in the log folder: an unchanged folder has no new marker).
   */
  async awaitOtherWriters(): Promise<void> {
    if (this.publishingOrphans) return
    const path = this.markerPath()
    // Synchronous on the real file system (a few microseconds on every read; see commit-turn.ts).
    const there =
      this.fs instanceof NodeFileSystem
        ? this.fs.entryAt(path)
        : await orWhenMissing(
            this.fs.stat(path).then(() => true),
            false,
          )
    if (!there) return
    const started = Date.now()
    for (;;) {
      if (this.marked) return
      const marker = await readPendingMarker(this.fs, this.core.path)
      if (!marker) return
      if (await this.markerGone(marker)) {
        // Its records published here; the marker stays until the next writer's session removes it.
        await this.publishOrphans()
        return
      }
      if (Date.now() - started > MARKER_TIMEOUT_MS) {
        throw new LockError(
          this.core.name,
          path,
          undefined,
          `process ${marker.writer.pid} on ${marker.writer.host} has held inserts unpublished for over ${MARKER_TIMEOUT_MS / 1000} s`,
        )
      }
      await sleep(MARKER_POLL_MS)
    }
  }
}

/**
 * True when a marker's writer no longer runs: recovery's rule for a log (`fateOf`), except that a marker of this
 * process names a log it writes (`ownLog`) while it runs (else the marker is a copy's).
 */
async function writerGone(marker: PendingMarker, ownLog: boolean): Promise<boolean> {
  if (ownLog) return false
  // A marker has no modification time of interest: only its writer's boot and liveness decide.
  return (await fateOf(marker.writer, Number.POSITIVE_INFINITY)) !== 'leave'
}

/**
 * Commits records of the insert log `appId` as one version carrying `txn` (appId, the last record's end), except
 * those a version published already (its `txn` says how far): applied once however often it is retried. The rows
 * of keys a record replaces are deleted from the files of the version each attempt commits on (none of the
 * records' own files: a record never replaces a key pending before it, see `insert`).
 */
async function publishRecords(
  core: TableCore,
  appId: string,
  records: readonly {
    readonly adds: readonly AddAction[]
    readonly replaces?: readonly string[]
    readonly end: number
  }[],
): Promise<CommitOutcome> {
  const end = records.at(-1)?.end ?? 0
  // Nothing for the commit to discard if it fails: the files stay for the next try (the entry waits for their writes
  // and logs their bytes, table-log.ts, by the paths its adds name).
  const written = new WrittenFiles(core.fs)
  const start = await core.freshSnapshot()
  const vectors = new AttemptVectors()
  return core.commit({
    operation: records.some((r) => r.replaces?.length) ? 'UPSERT' : 'INSERT',
    start,
    written,
    options: {},
    planAttempt: async (snap, attempt, files) => {
      const done = snap.state.appTxns?.get(appId)?.version ?? 0
      const tail = records.filter((r) => r.end > done)
      const add = tail.flatMap((r) => r.adds)
      if (add.length === 0) return { add: [], remove: [], rowsAdded: 0, rowsRemoved: 0 }
      vectors.begin(attempt)
      const replaced = tail.flatMap((r) => r.replaces ?? [])
      const removal =
        replaced.length > 0
          ? await removeLocated(core, snap, await snap.locateKeys(replaced), files, vectors)
          : undefined
      return {
        add: [...(removal?.add ?? []), ...add],
        remove: removal?.remove ?? [],
        rowsAdded: add.reduce((n, a) => n + a.stats.numRows, 0),
        rowsRemoved: removal?.rowsRemoved ?? 0,
        appTxns: [{ appId, version: end, lastUpdated: Date.now() }],
      }
    },
  })
}
