import { randomUUID } from 'node:crypto'
import type pl from 'nodejs-polars'
import { ParquetFrameError } from '../errors/pf-error.js'
import type { EntityIR, EnumIR, StorageFormatName } from '../schema/schema-ir.js'
import { BackgroundWork } from './background-work.js'
import { ColumnRangeError } from './column-range-error.js'
import { DataFileStore, WrittenFiles } from './data-file-store.js'
import { AttemptVectors } from './deletion-vector-plan.js'
import { type FileSystem, isAlreadyExists } from './file-system.js'
import { type Key, KeyCodec } from './key-codec.js'
import { KeyIndexCache } from './key-index-cache.js'
import type { AddAction, LogEntry, OperationName, TableMetadata, TxnRef } from './log-entry.js'
import { type InsertClaim, LogFirstInserts } from './log-first-inserts.js'
import { LogFreshness } from './log-freshness.js'
import { metadataCacheKey } from './metadata-cache-key.js'
import type {
  EvolveSchemaOptions,
  EvolveSchemaResult,
  RewriteOptions,
  RewriteResult,
} from './migration-options.js'
import { nodeFileSystem } from './node-file-system.js'
import type { PendingFile } from './pending-file.js'
import { planRemovals } from './removal-plan.js'
import type { RowBatch } from './row-batch.js'
import { smallRowsOfBytes } from './small-file-rows.js'
import { type FoundRow, foundPointRow, type ScanOptions, Snapshot, type SnapshotContext } from './snapshot.js'
import { commitWithRetries } from './table-commit.js'
import type { CommitOutcome, PreparedWrite, TableCore } from './table-core.js'
import { TableExistsError, TableNotFoundError, TableSchemaError, TableWriteError } from './table-errors.js'
import { readHistory } from './table-history.js'
import { TableLog } from './table-log.js'
import { AUTO_COMPACT, autoCompact, autoCompactionDue, compactTable } from './table-maintenance.js'
import { evolveSchema, rewriteFormat } from './table-migration.js'
import type {
  CommitOptions,
  CommitResult,
  CreateTableOptions,
  HistoryEntry,
  TableOptions,
} from './table-options.js'
import { protocolOf } from './table-protocol.js'
import { publishTxn } from './table-publish.js'
import { replay, type TableState } from './table-state.js'
import { TableTransaction } from './table-transaction.js'
import { type VacuumOptions, type VacuumResult, vacuumTable } from './table-vacuum.js'
import { firstUnpublished } from './txn-publish.js'
import { batchInsert, batchUpsert, planWrite, type TableOperation, type WritePlan } from './write-plan.js'

/** @internal Multi-table commits (multi-table-commit.ts) hold these between prepare and publish. */
export type { CommitOutcome, PreparedWrite } from './table-core.js'
export type {
  CommitOptions,
  CommitResult,
  CreateTableOptions,
  HistoryEntry,
  TableOptions,
} from './table-options.js'
export { TableTransaction } from './table-transaction.js'

const sharedKeyIndex = new KeyIndexCache()

/** A write's plan and the data files written for its new rows (not yet part of any version). */
interface WrittenRows {
  readonly plan: WritePlan
  readonly written: WrittenFiles
  readonly newRows: AddAction[]
}

/**
 * A table: a directory of immutable data files plus a commit log. Every write
 * is one atomic commit (a new version); readers see whole versions only.
 * Commits are serializable: a writer that loses the race for a version re-plans
 * against the new version and retries, so each commit takes effect as if it ran
 * alone at the version it created. It fails with ConflictError only when the
 * schema changed meanwhile, an insert's key appeared, a `readVersion` check
 * failed, or retries ran out.
 */
export class Table {
  private current: Snapshot
  private readonly contexts = new WeakMap<TableMetadata, SnapshotContext>()
  private readonly maxRetries: number
  private readonly maxRowsPerFile: number
  private readonly keyIndex: KeyIndexCache
  /** Answers "is there a newer version?" with one stat while the log folder is unchanged. */
  private readonly freshness: LogFreshness
  /** What the concern modules (commit loop, maintenance, migrations, publication) see of this table. */
  private readonly core: TableCore
  /** Checkpoints and automatic compactions running after the commits that made them due (see `settled`). */
  private readonly background = new BackgroundWork<'checkpoint' | 'cache' | 'compact'>()
  /** Small inserts acknowledged at their log record, published in batches (log-first-inserts.ts). */
  private readonly logFirst: LogFirstInserts

  /** @internal use `createTable` / `openTable`. */
  constructor(
    /** The table directory. */
    readonly path: string,
    private log: TableLog,
    state: TableState,
    options: TableOptions,
    /** What the open found of the log folder (its first `snapshot()` then needs no second full check). */
    freshness?: LogFreshness,
  ) {
    this.maxRetries = options.maxRetries ?? 100
    this.maxRowsPerFile = options.maxRowsPerFile ?? 1_048_576
    this.keyIndex = options.keyIndex ?? sharedKeyIndex
    this.freshness = freshness ?? new LogFreshness(log.fs, log.dir)
    this.current = this.snapshotOf(state)
    this.core = this.coreOf()
    // A publication starts the maintenance it made due, as any commit does.
    this.logFirst = new LogFirstInserts(this.core, this.log.fs, () => this.maintain())
    this.freshness.pendingElsewhere = () => this.logFirst.othersMarked()
  }

  private coreOf(): TableCore {
    const table = this
    return {
      get name() {
        return table.name
      },
      path: table.path,
      get fs() {
        return table.fs
      },
      get log() {
        return table.log
      },
      get current() {
        return table.current
      },
      maxRetries: table.maxRetries,
      maxRowsPerFile: table.maxRowsPerFile,
      context: (metadata) => table.context(metadata),
      snapshot: () => table.snapshot(),
      freshSnapshot: () => table.freshSnapshot(),
      settledSnapshot: (except) => table.settledSnapshot(except),
      adopt: (outcome) => table.adopt(outcome),
      commit: (request) => commitWithRetries(table.core, request),
    }
  }

  /** @internal The file-system seam this table reads and writes through. */
  get fs(): FileSystem {
    return this.log.fs
  }

  /** The entity name (used in error messages). */
  get name(): string {
    return this.current.entity.name
  }
  /** The newest version this object has seen (call `snapshot()` to look for newer ones). */
  get version(): number {
    return this.current.version
  }
  /** Metadata of the newest version seen. */
  get metadata(): TableMetadata {
    return this.current.metadata
  }

  private context(state: TableMetadata): SnapshotContext {
    // Keyed by schema, not object: a commit raising only identity marks writes a new metaData (metadata-cache-key.ts).
    const metadata = metadataCacheKey(state)
    let ctx = this.contexts.get(metadata)
    if (!ctx) {
      const table = metadata.entity.name
      ctx = {
        table,
        identity: `${metadata.id}:${this.log.tableIdentity}`,
        store: new DataFileStore(this.path, this.fs, table, metadata, this.maxRowsPerFile),
        codec: new KeyCodec(metadata.entity, table),
        keyIndex: this.keyIndex,
      }
      this.contexts.set(metadata, ctx)
    }
    return ctx
  }

  private snapshotOf(state: TableState): Snapshot {
    return new Snapshot(this.context(state.metadata), state)
  }

  /**
   * The newest version (reads log entries committed since the last call). When the table folder was deleted
   * and a table created again at its path, this object starts over with that table: nothing read from the old
   * one (entries, states, key index, verified files) is used for it.
   */
  async snapshot(): Promise<Snapshot> {
    // Every insert acknowledged before this call is in the version returned: this process's published first,
    // another's waited for (log-first-inserts.ts).
    await this.logFirst.beforeRead()
    return this.rolledForward()
  }

  /**
   * The newest version after publishing what committed multi-table transactions reserved here (a crashed
   * coordinator's), except transaction `except`: a pf reader never sees a committed transaction's table without
   * its changes. TxnUnpublishedError when publishing fails (e.g. no write access).
   */
  private async rolledForward(except?: string): Promise<Snapshot> {
    for (;;) {
      const snap = await this.freshSnapshot()
      const reservation = firstUnpublished(snap.state, except)
      if (!reservation) return snap
      await this.publish(reservation.id, reservation.version)
    }
  }

  /** The newest version on disk, as the log says (committed reservations not published yet stay so). */
  private async freshSnapshot(): Promise<Snapshot> {
    // One stat of the log folder: unchanged since a recorded full check, that check's version is still the newest
    // (see log-freshness.ts). Without a recorded check it runs alongside the full check.
    const probing = this.freshness.probe()
    if (this.freshness.armed && this.freshness.fresh(await probing, this.current.state)) return this.current
    // Not proven: another process's inserts acknowledged but not yet published are waited for before the log is read.
    await probing
    await this.logFirst.awaitOtherWriters()
    // All at once (one round of file-system calls); what was read of a replaced table is dropped.
    const end = { missing: false }
    const [probe, same, read] = await Promise.all([
      probing,
      this.log.sameTable(),
      this.log.latest(this.current.state, end).then(
        (state) => ({ state }),
        (error: unknown) => ({ error }),
      ),
    ])
    if (!same) {
      this.freshness.forget()
      this.log = new TableLog(this.path, this.log.fs, this.name)
      this.current = this.snapshotOf(await this.log.latest())
      return this.current
    }
    if ('error' in read) throw read.error
    if (read.state !== this.current.state) this.current = this.snapshotOf(read.state)
    const { state } = read
    await this.freshness.record(probe, state.version, () => atLogEnd(this.log, state, end))
    return this.current
  }

  /** An older (or the current) version. */
  async at(version: number): Promise<Snapshot> {
    if (version === this.current.version) return this.current
    const state = await this.log.at(version)
    if (!state)
      throw new ParquetFrameError('PF_TABLE_VERSION', `Table ${this.name} has no version ${version}`)
    return this.snapshotOf(state)
  }

  /** The newest version committed at or before a time. */
  async asOf(time: Date): Promise<Snapshot> {
    const history = await this.history()
    const hit = history.filter((h) => h.timestamp.getTime() <= time.getTime()).at(-1)
    if (!hit)
      throw new ParquetFrameError(
        'PF_TABLE_VERSION',
        `Table ${this.name} has no version at or before ${time.toISOString()}`,
      )
    return this.at(hit.version)
  }

  /** Every version, oldest first. Reads the whole log. */
  history(): Promise<HistoryEntry[]> {
    return readHistory(this.log)
  }

  /** A lazy frame over the newest version; see `Snapshot.scan`. */
  async scan(options: ScanOptions = {}): Promise<pl.LazyDataFrame> {
    return (await this.snapshot()).scan(options)
  }

  /** The newest version, read eagerly; see `Snapshot.read`. */
  async read(options: ScanOptions = {}): Promise<pl.DataFrame> {
    return (await this.snapshot()).read(options)
  }

  /** Rows in the newest version (from the log; reads data files only where the log recorded no row count). */
  async count(): Promise<number> {
    return (await this.snapshot()).countRows()
  }

  /** The row of a primary key in the newest version, or null. Reads only files whose key range holds it; warm lookups are answered from memory. */
  async findByKey(key: Key): Promise<pl.DataFrame | null> {
    return (await this.snapshot()).findByKey(key)
  }

  /**
   * The row of a primary key in the newest version, as `snapshot().findRow` gives it, without publishing this
   * process's pending log-first records first unless one holds the key: none of them touches another key, and the
   * row of one that holds it is decoded from the bytes its publication adds (log-first-inserts.ts, `pendingKey`).
   */
  async findRow(key: Key): Promise<FoundRow | null> {
    if (this.logFirst.holding) {
      const encoded = this.context(this.current.metadata).codec.encode(key)
      const pending = this.logFirst.pendingKey(encoded)
      if (pending === 'published') return (await this.rolledForward()).findRow(key)
      if (pending) {
        const { store, codec } = this.context(pending.metadata)
        const rows = await smallRowsOfBytes(
          store,
          pending.bytes,
          pending.add.stats.numRows,
          codec.columns,
          (values) => codec.encodeValues(values),
        )
        const position = rows?.positions.get(encoded)
        const row = position === undefined ? undefined : await rows?.row(position)
        if (row) return foundPointRow(row)
      }
    }
    return (await this.snapshot()).findRow(key)
  }

  /**
   * @internal For a read that can take this process's pending log-first records as they are (an indexed findBy):
   * the newest published version without publishing them, and the records (`LogFirstInserts.pendingFiles`), each one
   * small data file in that version's schema. Undefined when nothing is pending or the read must publish first.
   * The records are those pending once the version is read (see the checks below).
   */
  async pendingView(): Promise<{ snapshot: Snapshot; records: PendingFile[] } | undefined> {
    if (!this.logFirst.holding) return undefined
    const before = this.logFirst.dropped.count
    const snapshot = await this.rolledForward()
    // The records pending now: any that left while the version was read was published; the version must hold that
    // publication (then it holds their rows, and whatever this process committed after it: a delete publishes
    // first, then deletes), else the caller reads after publishing. A record still pending is answered from its
    // bytes, even if its publication's commit is in the version already (its keys' rows there are left out).
    const dropped = this.logFirst.dropped
    if (dropped.count !== before && snapshot.version < dropped.version) return undefined
    const records = this.logFirst.pendingFiles()
    if (!records) return undefined
    // Rows in another schema than the version's (a migration since) are left to the publishing read.
    const schema = metadataCacheKey(snapshot.metadata)
    if (records.some((r) => metadataCacheKey(r.metadata) !== schema)) return undefined
    return { snapshot, records }
  }

  /** The rows of several primary keys in the newest version. */
  async findByKeys(keys: readonly Key[]): Promise<pl.DataFrame> {
    return (await this.snapshot()).findByKeys(keys)
  }

  /** Adds rows without looking at existing keys (a blind append: never conflicts). */
  append(df: pl.DataFrame, options: CommitOptions = {}): Promise<CommitResult> {
    return this.write('APPEND', [{ kind: 'append', df }], options)
  }
  /** Adds rows; fails with DuplicateKeyError if a key exists (ConflictError if a concurrent commit added it). */
  insert(df: pl.DataFrame, options: CommitOptions = {}): Promise<CommitResult> {
    return this.write('INSERT', [{ kind: 'insert', df }], options)
  }
  /** @internal `insert` of rows held as JS values: a small insert is written from them (see small-rows.ts). */
  insertBatch(batch: RowBatch, options: CommitOptions = {}): Promise<CommitResult> {
    return this.write('INSERT', [batchInsert(batch)], options)
  }
  /** Replaces the rows with the frame's keys and adds the rest (last writer wins). */
  upsert(df: pl.DataFrame, options: CommitOptions = {}): Promise<CommitResult> {
    return this.write('UPSERT', [{ kind: 'upsert', df }], options)
  }
  /** @internal `upsert` of rows held as JS values: a small upsert is written from them (see small-rows.ts). */
  upsertBatch(batch: RowBatch, options: CommitOptions = {}): Promise<CommitResult> {
    return this.write('UPSERT', [batchUpsert(batch)], options)
  }
  /** Deletes rows by primary key; missing keys are ignored. */
  deleteKeys(keys: readonly Key[], options: CommitOptions = {}): Promise<CommitResult> {
    return this.write('DELETE', [{ kind: 'deleteKeys', keys }], options)
  }
  /** Deletes the rows for which the predicate is true. */
  deleteWhere(predicate: pl.Expr, options: CommitOptions = {}): Promise<CommitResult> {
    return this.write('DELETE', [{ kind: 'deleteWhere', predicate }], options)
  }
  /** Replaces all rows with the frame. */
  overwrite(df: pl.DataFrame, options: CommitOptions = {}): Promise<CommitResult> {
    return this.write('OVERWRITE', [{ kind: 'overwrite', df }], options)
  }

  /**
   * Several operations as ONE commit of this table: all become visible together
   * or none does; later operations see earlier ones (an upsert then a delete of
   * the same key deletes it). Not atomic across tables.
   */
  async transaction(
    build: (tx: TableTransaction) => void | Promise<void>,
    options: CommitOptions = {},
  ): Promise<CommitResult> {
    const tx = new TableTransaction()
    await build(tx)
    return this.write('TRANSACTION', tx.operations, options)
  }

  private async write(
    operation: OperationName,
    operations: readonly TableOperation[],
    options: CommitOptions,
  ): Promise<CommitResult> {
    const prepared = await this.prepare(operation, operations, options)
    const { result } = await this.commitPrepared(prepared)
    this.maintain()
    return result
  }

  /**
   * @internal After a write has landed: starts the automatic compaction it made due (see
   * `CreateTableOptions.autoCompact`) in the background, so the write's caller is not kept waiting. One at a time; a
   * write that finds one running starts none. Its failure or lost race changes nothing and is nobody's error (see
   * `autoCompact` in table-maintenance.ts).
   */
  maintain(): void {
    if (this.background.busy('compact')) return
    const rows = autoCompactionDue(this.core)
    if (rows !== undefined) this.background.start('compact', () => autoCompact(this.core, rows))
  }

  /**
   * @internal Validates operations and writes their new rows' data files (not yet part of any version).
   * Used by `write` and by `commitTables`.
   */
  async prepare(
    operation: OperationName,
    operations: readonly TableOperation[],
    options: CommitOptions = {},
  ): Promise<PreparedWrite> {
    // The new rows' files depend only on the schema: they are planned and written against the version this object
    // knows while the log is checked for a newer one, and again only if that one has another schema.
    const fresh = this.snapshot()
    fresh.catch(() => undefined)
    const guess = this.current
    const early = await this.writeRows(guess, operations).then(
      (rows) => ({ rows }),
      (error: unknown) => ({ error }),
    )
    let start: Snapshot
    try {
      start = await fresh
    } catch (error) {
      if ('rows' in early) await early.rows.written.discard()
      throw error
    }
    let rows: WrittenRows
    if (this.context(start.metadata) === this.context(guess.metadata)) {
      if ('error' in early) throw early.error
      rows = early.rows
    } else {
      if ('rows' in early) await early.rows.written.discard()
      rows = await this.writeRows(start, operations)
    }
    const { plan, written, newRows } = rows
    const rowsAdded = plan.small?.height ?? plan.rows?.height ?? 0
    const vectors = new AttemptVectors()
    return {
      table: this,
      operation,
      start,
      written,
      options,
      plan,
      planAttempt: async (snap, attempt, files) => {
        const base = await planRemovals(this.core, snap, plan, attempt, files, vectors)
        return { ...base, add: [...newRows, ...base.add], rowsAdded }
      },
    }
  }

  /** Validates operations against a version's schema and writes their new rows' data files (see `prepare`). */
  private async writeRows(
    snap: Snapshot,
    operations: readonly TableOperation[],
    options: { deferred?: boolean } = {},
  ): Promise<WrittenRows> {
    const ctx = this.context(snap.metadata)
    const plan = planWrite(operations, snap.entity, snap.metadata.enums, ctx.codec, this.name)
    const written = new WrittenFiles(this.fs, options)
    try {
      const newRows = plan.small
        ? await ctx.store.writeSmall(plan.small, () => plan.rows as pl.DataFrame, written)
        : plan.rows
          ? await ctx.store.write(plan.rows, written)
          : []
      return { plan, written, newRows }
    } catch (error) {
      await written.discard()
      // A value the table's column cannot hold is the caller's to fix, not a failed write.
      if (error instanceof ColumnRangeError) throw error
      throw new TableWriteError(this.name, 'writing data files', { cause: error })
    }
  }

  /**
   * @internal Commits a prepared write. With `txn`, the entry is the reservation of that multi-table transaction
   * (a version that changes nothing; its actions are published by `publish` once the transaction commits).
   */
  commitPrepared(prepared: PreparedWrite, txn?: TxnRef): Promise<CommitOutcome> {
    const { operation, start, written, options, planAttempt, plan } = prepared
    return this.core.commit({
      operation,
      start,
      written,
      options,
      planAttempt,
      plan,
      ...(txn ? { txn } : {}),
    })
  }

  /** @internal Makes a committed transaction's entry this table's current version. */
  async adopt(outcome: CommitOutcome): Promise<void> {
    if (!outcome.entry || !outcome.base) return
    if (this.current.version < outcome.entry.version) {
      this.current = this.snapshotOf(replay(outcome.base.state, [outcome.entry]))
      this.maybeCheckpoint(outcome.base.state)
    }
  }

  /**
   * A snapshot with no undecided multi-table transaction right after it (waits for, or aborts, one) and every
   * committed one published (except transaction `except`, the one being published).
   */
  private async settledSnapshot(except?: string): Promise<Snapshot> {
    for (;;) {
      const snap = await this.rolledForward(except)
      const pending = await this.log.pendingAfter(snap.state)
      if (!pending) return snap
      await this.log.decisions.settle(this.path, pending)
    }
  }

  /**
   * @internal Publishes the actions a committed multi-table transaction reserved at `reserved` as the next
   * version, unless some version published them already; returns the version that holds them (see
   * table-publish.ts).
   */
  publish(txnId: string, reserved: number): Promise<number> {
    return publishTxn(this.core, txnId, reserved)
  }

  /**
   * Starts the checkpoint a commit made due, in the background: the commit is durable without it, so its caller is
   * not kept waiting. One at a time; a commit that finds one running starts none. A failure is harmless (the log
   * stays the truth; files are written temp + rename), so it is dropped, never the commit's error.
   */
  private maybeCheckpoint(before: TableState): void {
    const { log, current } = this
    log.committed(current.version)
    if (!this.background.busy('checkpoint') && log.checkpointDue(before, current.state))
      this.background.start('checkpoint', () => log.writeCheckpoint(current.state))
    // Otherwise pf's state cache (table/state-cache.ts): a fresh process then replays only the commits after it.
    else if (!this.background.busy('cache') && log.snapshotDue(current.state))
      this.background.start('cache', () => log.writeSnapshotWhenIdle(() => this.current.state))
  }

  /**
   * Resolves once the work commits started in the background (checkpoints, automatic compactions) is done or has
   * failed. Nothing is lost without it (the log is the truth); call it before exiting to leave that work finished.
   */
  async settled(): Promise<void> {
    // Log-first inserts published (their session's write lock let go, their log deleted).
    await this.logFirst.close()
    // A state cache waiting for a pause in the commits is written now.
    this.log.flushCache()
    await this.background.settled()
  }

  /**
   * @internal A small insert of new rows acknowledged once its record in this process's insert log is durable, and
   * published with others a few milliseconds later (or before this process's next read): see log-first-inserts.ts.
   * Checks its keys like `insert`; `check` checks what else its rows must not share with stored rows (`@unique`
   * values) against the version given, and returns the values they claim, or undefined when it cannot check them
   * (the insert is declined). It runs inside the insert's turn: it must not read through this table object, whose
   * reads wait for the inserts pending here. `check` is also given the keys whose stored rows pending records replace
   * (values they hold in the version are freed). A small upsert qualifies while none of its keys is pending; one that
   * replaces stored rows is a log-first update (the stored rows of its keys are deleted when it is published). False
   * when it is not such an insert (or the file system cannot append to a log): nothing was done, commit it as usual.
   */
  async insertLogFirst(
    operations: readonly TableOperation[],
    check?: (snap: Snapshot, replaced: ReadonlySet<string>) => Promise<readonly InsertClaim[] | undefined>,
  ): Promise<boolean> {
    if (!this.fs.openLog) return false
    // Validated and written against the version this object knows, before the write lock is taken (a refused value
    // leaves nothing behind, not even the lock); again only if the newest version has another schema.
    const guess = this.current
    // Small files are not written yet: their bytes go into the insert's log record, the files at its publication.
    let rows = await this.writeRows(guess, operations, { deferred: true })
    let logged = false
    try {
      if (!smallInsert(rows.plan)) return false
      logged = await this.logFirst.insert(async (snap, replaced) => {
        if (this.context(snap.metadata) !== this.context(guess.metadata)) {
          await rows.written.discard()
          rows = await this.writeRows(snap, operations, { deferred: true })
          if (!smallInsert(rows.plan)) return undefined
        }
        const keys = rows.plan.small?.keys ?? []
        const upsert = rows.plan.smallUpsert === true
        let replaces: string[] = []
        if (upsert) {
          // An upsert of a stored key replaces its row: an update.
          const stored = await snap.locateKeys(keys)
          replaces = [...stored.values()].flatMap((l) => l.keys)
        } else {
          // The keys must not exist in the newest version (DuplicateKeyError); pending ones are checked by the caller.
          await planRemovals(this.core, snap, rows.plan, 0, rows.written, new AttemptVectors())
        }
        const claims = check ? await check(snap, replaced) : []
        if (!claims) return undefined
        return { adds: rows.newRows, written: rows.written, keys, claims, replacesPending: upsert, replaces }
      })
      return logged
    } finally {
      if (!logged) await rows.written.discard()
    }
  }

  /** @internal Ends this process's log-first insert session (publishing it), so a write can take the write lock. */
  releaseLogFirst(): Promise<void> {
    return this.logFirst.release()
  }

  /** Writes a checkpoint of the newest version now (opening then reads no older entry). */
  async checkpoint(): Promise<number> {
    const snap = await this.snapshot()
    await this.log.writeCheckpoint(snap.state)
    return snap.version
  }

  /**
   * Merges small files (and files with deleted rows) of each partition into
   * files of about `targetFileRows` rows, in one commit. Rows do not change.
   * `onlyBelowRows`: merge only files with fewer rows than that (automatic compaction).
   */
  async compact(options: { targetFileRows?: number; onlyBelowRows?: number } = {}): Promise<CommitResult> {
    return compactTable(this.core, options)
  }

  /**
   * Rewrites every live data file in another format and switches the table to it,
   * as ONE commit (metadata + remove the old files + add the new ones). Files are
   * rewritten one at a time (memory holds one file's rows), each read back and
   * checked (rows and content checksum) before the commit. Until that commit the
   * table reads exactly as before; a crash leaves only orphan files (vacuum removes
   * them). Concurrent writes are taken along (files added meanwhile are rewritten
   * too); a concurrent schema change is a ConflictError. Same format: no commit. To Parquet, the Avro reader
   * feature is then dropped and the history before that drop removed (see drop-feature.ts).
   */
  rewriteFormat(to: StorageFormatName, options: RewriteOptions = {}): Promise<RewriteResult> {
    return rewriteFormat(this.core, to, options, () => this.settled())
  }

  /**
   * Changes the table's schema to `entity` (see `planSchemaChanges` for what is
   * allowed) as one SET_SCHEMA commit whose details list the changes. Added fields,
   * drops, renames, optionality, defaults and enum additions change only the
   * metadata: readers fill added fields (default or null) for older files, ignore
   * dropped columns and read renamed ones from their stored column. A widened type
   * (Int→Float, Int→Decimal, Date→DateTime) rewrites the data files in that commit.
   * Throws SchemaChangeRefusedError (nothing changed) if any change is incompatible.
   */
  async evolveSchema(
    entity: EntityIR,
    enums: readonly EnumIR[],
    options: EvolveSchemaOptions = {},
  ): Promise<EvolveSchemaResult> {
    return evolveSchema(this.core, entity, enums, options)
  }

  /**
   * Deletes data files no version younger than `retentionMs` (default 7 days) references, and files no version
   * ever referenced once a day old. Never follows links, enters nested tables or touches log, lock or marks
   * files. See table-vacuum.ts and docs/tables.md ("Vacuum").
   */
  async vacuum(options: VacuumOptions = {}): Promise<VacuumResult> {
    // This table's own background work is a running writer: its temp files must not look like a crash's leftovers.
    await this.settled()
    return vacuumTable(
      {
        path: this.path,
        fs: this.fs,
        snapshot: () => this.snapshot(),
        // The log of the table at the path now (snapshot() replaces it when the folder was re-created).
        readEntry: (version) => this.log.readEntry(version),
      },
      options,
    )
  }
}

/**
 * A small write that only adds rows when its keys are new: an insert, or an upsert (its `deleteKeys`, built on
 * demand, not read: the log-first path checks its keys itself).
 */
function smallInsert(plan: WritePlan): boolean {
  if (plan.small === undefined || plan.clearBase || plan.deleteWhere.length > 0) return false
  return plan.smallUpsert === true || plan.deleteKeys === undefined
}

/** Creates an empty table (version 0) at a path. Throws TableExistsError if one is there. */
export async function createTable(path: string, options: CreateTableOptions): Promise<Table> {
  const { entity } = options
  const fs = options.fs ?? nodeFileSystem
  const enums = options.enums ?? []
  if (entity.primaryKey.length === 0)
    throw new TableSchemaError(entity.name, undefined, 'a table needs a primary key')
  new KeyCodec(entity, entity.name)
  const columnOf = (name: string): string => {
    const field = entity.fields.find((f) => f.name === name)
    if (!field) throw new TableSchemaError(entity.name, name, 'partition field is not a field of the entity')
    return field.column
  }
  const metadata: TableMetadata = {
    id: randomUUID(),
    entity,
    enums,
    format: options.format ?? entity.format,
    primaryKey: entity.primaryKey.map(columnOf),
    partitionBy: (options.partitionBy ?? entity.partitionBy).map(columnOf),
    updateMode: options.updateMode ?? 'merge-on-read',
    checkpointInterval: options.checkpointInterval ?? 100,
    ...(options.autoCompact === false
      ? { autoCompactFiles: 0 }
      : options.autoCompact
        ? {
            autoCompactFiles: options.autoCompact.files ?? AUTO_COMPACT.files,
            smallFileRows: options.autoCompact.fileRows ?? AUTO_COMPACT.fileRows,
          }
        : {}),
    createdTime: Date.now(),
  }
  const log = new TableLog(path, fs, entity.name)
  // A table of 0.1 (`_pf_log/`) is refused as opening it is, never hidden behind a new Delta log.
  await log.identity().catch((error: unknown) => {
    if (!(error instanceof TableNotFoundError)) throw error
  })
  await fs.mkdir(log.dir)
  // Entries or checkpoints without version 0: a damaged table, never replaced by a new one.
  await log.assertVersion0OrEmpty()
  const entry: LogEntry = {
    version: 0,
    commitInfo: {
      timestamp: metadata.createdTime,
      operation: 'CREATE',
      readVersion: -1,
      rowsAdded: 0,
      rowsRemoved: 0,
      txnId: randomUUID(),
    },
    protocol: protocolOf(metadata),
    metadata,
  }
  try {
    await log.writeEntry(entry, undefined)
  } catch (error) {
    if (isAlreadyExists(error)) throw new TableExistsError(path)
    throw new TableWriteError(entity.name, 'creating the table', { cause: error })
  }
  await log.sameTable() // records which table this is
  return new Table(path, log, replay(undefined, [entry]), options)
}

/** Opens the table at a path at its newest version: the newest checkpoint, then the entries after it. */
export async function openTable(path: string, options: TableOptions = {}): Promise<Table> {
  const log = new TableLog(path, options.fs ?? nodeFileSystem, path)
  // The log folder as the open starts: unchanged at the first read, the state read is still the newest.
  const freshness = new LogFreshness(log.fs, log.dir)
  const probe = await freshness.probe()
  // Replay refuses a protocol pf cannot read (TableProtocolError naming the version and feature).
  const end = { missing: false }
  const state = await log.latest(undefined, end)
  await freshness.record(probe, state.version, () => atLogEnd(log, state, end))
  // The log object that read the state keeps its cache and identity; errors from now on name the entity.
  log.rename(state.metadata.entity.name)
  return new Table(path, log, state, options, freshness)
}

/**
 * True when no entry follows a state (a freshness probe is trusted only then): no undecided or unpublished
 * transaction. `end.missing`: the read that found the state already saw no entry after it (after the probe).
 */
async function atLogEnd(log: TableLog, state: TableState, end: { missing: boolean }): Promise<boolean> {
  return !state.unpublished?.size && (end.missing || !(await log.readEntry(state.version + 1)))
}
