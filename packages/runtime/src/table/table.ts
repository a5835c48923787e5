import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pl from 'nodejs-polars'
import { encodeDeletionVectorFile, writeDeletionVectorFile } from '../delta/deletion-vector.js'
import { RoaringBitmapArray } from '../delta/roaring-bitmap-array.js'
import { ParquetFrameError } from '../errors/pf-error.js'
import { stackFrames } from '../frame/stack-frames.js'
import type { EntityIR, EnumIR, StorageFormatName } from '../schema/schema-ir.js'
import { mapBounded } from './bounded-map.js'
import { ContentChecksum } from './content-checksum.js'
import { DataFileStore, WrittenFiles } from './data-file-store.js'
import { FileRewriter, type RewrittenFile } from './file-rewriter.js'
import { type FileSystem, isAlreadyExists } from './file-system.js'
import { type Key, KeyCodec } from './key-codec.js'
import { KeyIndexCache } from './key-index-cache.js'
import type {
  AddAction,
  AppTxn,
  LogEntry,
  OperationName,
  RemoveAction,
  TableMetadata,
  TxnRef,
  UpdateMode,
} from './log-entry.js'
import { LogFreshness } from './log-freshness.js'
import type {
  EvolveSchemaOptions,
  EvolveSchemaResult,
  RewriteCheck,
  RewriteOptions,
  RewriteResult,
} from './migration-options.js'
import { nodeFileSystem } from './node-file-system.js'
import { planSchemaChanges } from './schema-change-plan.js'
import { evolveMetadata, withFillsMaterialised } from './schema-evolution.js'
import { type KeyLocations, type ScanOptions, Snapshot, type SnapshotContext } from './snapshot.js'
import {
  ConflictError,
  DuplicateKeyError,
  RewriteVerificationError,
  SchemaChangeRefusedError,
  TableExistsError,
  TableProtocolError,
  TableSchemaError,
  TableWriteError,
  TxnUnpublishedError,
} from './table-errors.js'
import { TableLog } from './table-log.js'
import { protocolOf, writerProblem } from './table-protocol.js'
import { type LiveFile, removeOf, replay, type TableState, totalsOf } from './table-state.js'
import { type VacuumOptions, type VacuumResult, vacuumTable } from './table-vacuum.js'
import { firstUnpublished, publicationPlan, publishedBy } from './txn-publish.js'
import { planWrite, type TableOperation, type WritePlan } from './write-plan.js'

/** Options shared by `createTable` and `openTable`. */
export interface TableOptions {
  /** File-system seam. Default: the real file system. */
  readonly fs?: FileSystem
  /** Attempts after losing the race for a version before a ConflictError. Default 100. */
  readonly maxRetries?: number
  /** Largest number of rows per written data file. Default 1,048,576. */
  readonly maxRowsPerFile?: number
  /** Warm key index. Default: one cache shared by the process. */
  readonly keyIndex?: KeyIndexCache
}

/** What `createTable` needs besides the path. */
export interface CreateTableOptions extends TableOptions {
  readonly entity: EntityIR
  readonly enums?: readonly EnumIR[]
  /** Data file format. Default: `entity.format`. */
  readonly format?: StorageFormatName
  /** Hive partition fields (names). Default: `entity.partitionBy`. */
  readonly partitionBy?: readonly string[]
  /** Default 'merge-on-read' (see docs/tables.md). */
  readonly updateMode?: UpdateMode
  /** Commits between checkpoints. Default 100. */
  readonly checkpointInterval?: number
  /**
   * Automatic compaction after a write, when at least `files` live files hold fewer than `fileRows` rows each:
   * those are merged (per partition) in a COMPACT commit of their own. Default `{ files: 256, fileRows: 65_536 }`;
   * `false` turns it off (call `compact()` yourself).
   */
  readonly autoCompact?: false | { readonly files?: number; readonly fileRows?: number }
}

/** Options of a write. */
export interface CommitOptions {
  /**
   * Optimistic check: the version the caller read before deciding this write.
   * If a later commit touched any key this one writes or deletes, the write
   * fails with ConflictError('keys-touched') instead of being rebased.
   */
  readonly readVersion?: number
}

/** What a commit did. */
export interface CommitResult {
  /** The version created (the current one when the write changed nothing). */
  readonly version: number
  readonly rowsAdded: number
  readonly rowsRemoved: number
  /** Commit attempts (1 + rebases after losing a race). */
  readonly attempts: number
}

/** One line of `history()`. */
export interface HistoryEntry {
  readonly version: number
  readonly timestamp: Date
  readonly operation: OperationName
  readonly rowsAdded: number
  readonly rowsRemoved: number
  /** What a migration changed (SET_SCHEMA, SET_FORMAT), one line each. */
  readonly details?: readonly string[]
  /** The version belongs to a multi-table transaction that aborted: it changes nothing. */
  readonly aborted?: true
  /** The id of the multi-table transaction this version reserves (it changes nothing; a later one publishes it). */
  readonly reserves?: string
  /** The ids of the multi-table transactions whose changes this version publishes. */
  readonly publishes?: readonly string[]
}

/** Collects the operations of a multi-operation commit; see `Table.transaction`. */
export class TableTransaction {
  /** @internal */
  readonly operations: TableOperation[] = []
  /** Adds rows (no key check). */
  append(df: pl.DataFrame): this {
    this.operations.push({ kind: 'append', df })
    return this
  }
  /** Adds rows whose keys must not exist. */
  insert(df: pl.DataFrame): this {
    this.operations.push({ kind: 'insert', df })
    return this
  }
  /** Replaces rows with the same keys, adds the others. */
  upsert(df: pl.DataFrame): this {
    this.operations.push({ kind: 'upsert', df })
    return this
  }
  /** Deletes rows by primary key. */
  deleteKeys(keys: readonly Key[]): this {
    this.operations.push({ kind: 'deleteKeys', keys })
    return this
  }
  /** Deletes rows matching a predicate (rows with a null result stay). */
  deleteWhere(predicate: pl.Expr): this {
    this.operations.push({ kind: 'deleteWhere', predicate })
    return this
  }
  /** Replaces every row. */
  overwrite(df: pl.DataFrame): this {
    this.operations.push({ kind: 'overwrite', df })
    return this
  }
}

/** What one commit attempt changes, planned against a snapshot. */
interface AttemptPlan {
  readonly add: AddAction[]
  readonly remove: RemoveAction[]
  readonly rowsAdded: number
  readonly rowsRemoved: number
  /** New metadata committed with the files (a migration). */
  readonly metadata?: TableMetadata
  /** Recorded in the commit info. */
  readonly details?: readonly string[]
  /** Delta `txn` actions committed with the files (a multi-table transaction's publication). */
  readonly appTxns?: readonly AppTxn[]
}

/** @internal A write validated and with its new rows on disk, waiting to be committed. */
export interface PreparedWrite {
  readonly table: Table
  readonly operation: OperationName
  readonly start: Snapshot
  /** Data files of the new rows (discard them if the write is given up). */
  readonly written: WrittenFiles
  readonly options: CommitOptions
  readonly plan: WritePlan
  readonly planAttempt: (snap: Snapshot, attempt: number, files: WrittenFiles) => Promise<AttemptPlan>
}

/** @internal What the commit loop did: the result, and the entry it created (none when nothing changed). */
export interface CommitOutcome {
  readonly result: CommitResult
  readonly entry?: LogEntry
  /** The snapshot the entry applies to. */
  readonly base?: Snapshot
  /** Files rewritten for the winning attempt (copy-on-write). */
  readonly files?: WrittenFiles
}

const sharedKeyIndex = new KeyIndexCache()
/** Automatic compaction when a table's metadata names no thresholds. */
const AUTO_COMPACT = { files: 256, fileRows: 65_536 } as const

function sameSchema(a: TableMetadata, b: TableMetadata): boolean {
  return (
    a === b ||
    (a.id === b.id &&
      JSON.stringify([a.entity, a.enums, a.format]) === JSON.stringify([b.entity, b.enums, b.format]))
  )
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

  /** @internal use `createTable` / `openTable`. */
  constructor(
    /** The table directory. */
    readonly path: string,
    private log: TableLog,
    state: TableState,
    options: TableOptions,
  ) {
    this.maxRetries = options.maxRetries ?? 100
    this.maxRowsPerFile = options.maxRowsPerFile ?? 1_048_576
    this.keyIndex = options.keyIndex ?? sharedKeyIndex
    this.freshness = new LogFreshness(log.fs, log.dir)
    this.current = this.snapshotOf(state)
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

  private context(metadata: TableMetadata): SnapshotContext {
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
    if (this.freshness.armed && this.freshness.fresh(await probing, this.current.version)) return this.current
    // All at once (one round of file-system calls); what was read of a replaced table is dropped.
    const [probe, same, read] = await Promise.all([
      probing,
      this.log.sameTable(),
      this.log.latest(this.current.state).then(
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
    // Trusted later only at the end of the log: no undecided or unpublished multi-table transaction after it.
    await this.freshness.record(
      probe,
      state.version,
      async () => !state.unpublished?.size && !(await this.log.readEntry(state.version + 1)),
    )
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
  async history(): Promise<HistoryEntry[]> {
    const { entries } = await this.log.listComplete()
    const out: HistoryEntry[] = []
    for (let i = 0; i < entries.length; i += 64) {
      const batch = await Promise.all(entries.slice(i, i + 64).map((v) => this.log.readResolved(v)))
      for (const e of batch) {
        // Versions from an undecided multi-table transaction on are not visible yet.
        if (e === 'pending') return out
        if (!e) continue
        const c = e.commitInfo
        out.push({
          version: e.version,
          timestamp: new Date(c.timestamp),
          operation: c.operation,
          rowsAdded: c.rowsAdded,
          rowsRemoved: c.rowsRemoved,
          ...(c.details ? { details: c.details } : {}),
          ...(c.aborted ? { aborted: true as const } : {}),
          ...(e.reserved && e.txn ? { reserves: e.txn.id } : {}),
          ...(publishedBy(e).length > 0 ? { publishes: publishedBy(e) } : {}),
        })
      }
    }
    return out
  }

  /** A lazy frame over the newest version; see `Snapshot.scan`. */
  async scan(options: ScanOptions = {}): Promise<pl.LazyDataFrame> {
    return (await this.snapshot()).scan(options)
  }

  /** The newest version, read eagerly; see `Snapshot.read`. */
  async read(options: ScanOptions = {}): Promise<pl.DataFrame> {
    return (await this.snapshot()).read(options)
  }

  /** Rows in the newest version (from the log; reads no data file). */
  async count(): Promise<number> {
    return (await this.snapshot()).numRows
  }

  /** The row of a primary key in the newest version, or null. Reads only files whose key range holds it; warm lookups are answered from memory. */
  async findByKey(key: Key): Promise<pl.DataFrame | null> {
    return (await this.snapshot()).findByKey(key)
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
  /** Replaces the rows with the frame's keys and adds the rest (last writer wins). */
  upsert(df: pl.DataFrame, options: CommitOptions = {}): Promise<CommitResult> {
    return this.write('UPSERT', [{ kind: 'upsert', df }], options)
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
    await this.maintain()
    return result
  }

  /**
   * @internal After a write: merges small files when there are too many (see `CreateTableOptions.autoCompact`).
   * The write has landed already, so a compaction that fails (a conflict, an I/O error) changes nothing and is
   * not reported; the next write tries again.
   */
  async maintain(): Promise<void> {
    const meta = this.current.metadata
    const files = meta.autoCompactFiles ?? AUTO_COMPACT.files
    const rows = meta.smallFileRows ?? AUTO_COMPACT.fileRows
    if (files <= 0) return
    let small = 0
    for (const f of this.current.state.files.values()) if (f.add.stats.numRows < rows) small++
    if (small < files) return
    await this.compact({ onlyBelowRows: rows }).catch(() => undefined)
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
    const start = await this.snapshot()
    const ctx = this.context(start.metadata)
    const plan = planWrite(operations, start.entity, start.metadata.enums, ctx.codec, this.name)
    const written = new WrittenFiles(this.fs)
    let newRows: AddAction[]
    try {
      newRows = plan.rows ? await ctx.store.write(plan.rows, written) : []
    } catch (error) {
      await written.discard()
      throw new TableWriteError(this.name, 'writing data files', { cause: error })
    }
    const rowsAdded = plan.rows?.height ?? 0
    return {
      table: this,
      operation,
      start,
      written,
      options,
      plan,
      planAttempt: async (snap, attempt, files) => {
        const base = await this.planBase(snap, plan, attempt, files)
        return { ...base, add: [...newRows, ...base.add], rowsAdded }
      },
    }
  }

  /**
   * @internal Commits a prepared write. With `txn`, the entry is the reservation of that multi-table transaction
   * (a version that changes nothing; its actions are published by `publish` once the transaction commits).
   */
  commitPrepared(prepared: PreparedWrite, txn?: TxnRef): Promise<CommitOutcome> {
    const { operation, start, written, options, planAttempt, plan } = prepared
    return this.commit(operation, start, written, options, planAttempt, plan, txn)
  }

  /** @internal Makes a committed transaction's entry this table's current version. */
  async adopt(outcome: CommitOutcome): Promise<void> {
    if (!outcome.entry || !outcome.base) return
    if (this.current.version < outcome.entry.version) {
      this.current = this.snapshotOf(replay(outcome.base.state, [outcome.entry]))
      await this.maybeCheckpoint(outcome.base.state)
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
   * @internal Publishes the actions a committed multi-table transaction reserved at `reserved` (see
   * txn-publish.ts) as the next version, unless some version published them already; returns the version that
   * holds them. Anyone may call it: the coordinator, or a reader or writer rolling a crashed one forward.
   */
  async publish(txnId: string, reserved: number): Promise<number> {
    const start = await this.freshSnapshot()
    let outcome: CommitOutcome
    try {
      outcome = await this.commit(
        'TRANSACTION',
        start,
        new WrittenFiles(this.fs),
        {},
        async (snap) => {
          const reservation = snap.state.unpublished?.get(txnId)
          const plan = reservation && publicationPlan(snap.state, reservation, this.name)
          return plan ?? { add: [], remove: [], rowsAdded: 0, rowsRemoved: 0 }
        },
        undefined,
        undefined,
        txnId,
      )
    } catch (error) {
      if (error instanceof ConflictError) throw error
      throw new TxnUnpublishedError(this.name, txnId, {
        cause: error instanceof TableWriteError ? error.cause : error,
      })
    }
    if (outcome.entry) return outcome.entry.version
    // Published by another process meanwhile: the version carrying the transaction's `txn` action.
    for (let v = reserved + 1; v <= outcome.result.version; v++) {
      const entry = await this.log.readEntry(v)
      if (entry && publishedBy(entry).includes(txnId)) return v
    }
    throw new TxnUnpublishedError(this.name, txnId, {
      cause: new Error(`no version after ${reserved} publishes it, and it is not waiting to be published`),
    })
  }

  /** Which existing rows the plan removes, against one snapshot. */
  private async planBase(
    snap: Snapshot,
    plan: WritePlan,
    attempt: number,
    files: WrittenFiles,
  ): Promise<AttemptPlan> {
    const empty: AttemptPlan = { add: [], remove: [], rowsAdded: 0, rowsRemoved: 0 }
    if (plan.clearBase) {
      return {
        ...empty,
        remove: snap.files.map(removeOf),
        rowsRemoved: snap.numRows,
      }
    }
    const ctx = this.context(snap.metadata)
    if (plan.mustNotExist) {
      const found = await snap.locateKeyFrame(plan.mustNotExist)
      if (found.size > 0) {
        const keys = [...found.values()].flatMap((l) => l.keys)
        if (attempt === 0) throw new DuplicateKeyError(this.name, keys)
        throw new ConflictError(
          this.name,
          snap.version + 1,
          'keys-touched',
          `key ${keys[0]} was inserted by a concurrent commit`,
        )
      }
    }
    const locations: KeyLocations = plan.deleteKeys ? await snap.locateKeyFrame(plan.deleteKeys) : new Map()
    if (plan.deleteWhere.length > 0) {
      const predicate = plan.deleteWhere.reduce((a, b) => a.or(b))
      for (const file of snap.files) {
        const lf = ctx.store.lazy
          ? await ctx.store.scan(file, (k) => ctx.codec.frame(k), ctx.codec.columns)
          : (await ctx.store.read(file, (k) => ctx.codec.frame(k), ctx.codec.columns)).lazy()
        const hits = lf
          .filter(predicate.fillNull(false))
          .select(...ctx.codec.columns)
          .collectSync()
        if (hits.height === 0) continue
        const known = locations.get(file.add.path)
        const keys = new Set([...(known?.keys ?? []), ...ctx.codec.encodeFrame(hits)])
        // A row matched by key and by predicate counts once; both matches hold live rows only, one per key.
        locations.set(file.add.path, { keys: [...keys], rows: keys.size })
      }
    }
    if (locations.size === 0) return empty
    if (snap.metadata.updateMode === 'merge-on-read') return this.deleteByVectors(snap, ctx, locations, files)
    // copy-on-write: rewrite each touched file without the keys.
    const add: AddAction[] = []
    const remove: RemoveAction[] = []
    let rowsRemoved = 0
    for (const [path, l] of locations) {
      const file = snap.state.files.get(path)
      if (!file) continue
      const df = await ctx.store.read(file, (k) => ctx.codec.frame(k), ctx.codec.columns)
      const kept = df.join(ctx.codec.frame(l.keys), { on: [...ctx.codec.columns], how: 'anti' })
      rowsRemoved += df.height - kept.height
      add.push(...(await ctx.store.write(kept, files)))
      remove.push(removeOf(file))
    }
    return { ...empty, add, remove, rowsRemoved }
  }

  /**
   * Merge-on-read deletes as Delta deletion vectors: for each touched file, the positions of the keys' rows
   * joined with the file's current vector into a new vector file (in the table folder, listed in `files` so a lost
   * attempt removes it); the logical file is removed and added again with the new vector. A file whose rows are
   * all deleted is only removed.
   */
  private async deleteByVectors(
    snap: Snapshot,
    ctx: SnapshotContext,
    locations: KeyLocations,
    files: WrittenFiles,
  ): Promise<AttemptPlan> {
    const add: AddAction[] = []
    const remove: RemoveAction[] = []
    let rowsRemoved = 0
    for (const [path, l] of locations) {
      const file = snap.state.files.get(path)
      if (!file) continue
      const positions = await ctx.store.positionsOf(file, ctx.codec.frame(l.keys), ctx.codec.columns)
      if (positions.length === 0) continue
      const before = (await ctx.store.deletionVector(file)) ?? RoaringBitmapArray.empty()
      const after = before.union(RoaringBitmapArray.fromPositions(positions))
      rowsRemoved += after.size - before.size
      remove.push(removeOf(file))
      if (after.size >= file.add.stats.numRows) continue
      const vector = encodeDeletionVectorFile([after])
      files.paths.push(join(this.path, ...vector.path.split('/')))
      await writeDeletionVectorFile(this.fs, this.path, vector)
      const [descriptor] = vector.descriptors
      if (!descriptor) throw new Error('a deletion vector file without its descriptor')
      add.push({ ...file.add, deletionVector: descriptor })
    }
    return { add, remove, rowsAdded: 0, rowsRemoved }
  }

  /**
   * Keys whose rows commits after `readVersion` up to the snapshot changed, among `ours`: a row of a file they
   * added that no file they removed held as it is (new or updated), or a key of a removed file that no added file
   * holds (deleted). Rows carried over unchanged by a rewrite touch nothing; compaction touches nothing.
   */
  private async touchedSince(
    readVersion: number,
    snap: Snapshot,
    ours: ReadonlySet<string>,
  ): Promise<string | undefined> {
    const ctx = this.context(snap.metadata)
    // Each row as key → hash of the whole row.
    const rowsOf = async (files: readonly LiveFile[]): Promise<Map<string, string>> => {
      const out = new Map<string, string>()
      for (const file of files) {
        const df = await ctx.store.read(file, (k) => ctx.codec.frame(k), ctx.codec.columns)
        const keys = ctx.codec.encodeFrame(df)
        const hashes = df.hashRows().toArray()
        for (const [i, key] of keys.entries()) out.set(key, String(hashes[i]))
      }
      return out
    }
    let state = await this.log.at(readVersion)
    if (!state) return undefined
    for (let v = readVersion + 1; v <= snap.version; v++) {
      const entry = await this.log.readResolved(v)
      if (!entry || entry === 'pending') return undefined
      const next = replay(state, [entry])
      if (entry.commitInfo.operation !== 'COMPACT') {
        const before = state
        const removed = (entry.remove ?? [])
          .map((r) => before.files.get(r.path))
          .filter((f) => f !== undefined)
        const added = (entry.add ?? []).map((a) => next.files.get(a.path)).filter((f) => f !== undefined)
        const old = await rowsOf(removed)
        const now = await rowsOf(added)
        for (const [key, hash] of now) if (ours.has(key) && old.get(key) !== hash) return key
        for (const key of old.keys()) if (ours.has(key) && !now.has(key)) return key
      }
      state = next
    }
    return undefined
  }

  /** The commit loop: plan against the newest snapshot, create the next entry exclusively, rebase on a lost race. */
  private async commit(
    operation: OperationName,
    start: Snapshot,
    written: WrittenFiles,
    options: CommitOptions,
    planAttempt: (snap: Snapshot, attempt: number, files: WrittenFiles) => Promise<AttemptPlan>,
    plan?: WritePlan,
    txn?: TxnRef,
    /** The multi-table transaction this commit publishes (it is not rolled forward by the commit itself). */
    publishing?: string,
  ): Promise<CommitOutcome> {
    const txnId = randomUUID()
    let snap = start
    try {
      for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
        if (attempt > 0) snap = await this.settledSnapshot(publishing)
        const unwritable = writerProblem(snap.state.protocol)
        if (unwritable !== undefined) throw new TableProtocolError(this.name, unwritable)
        if (!sameSchema(snap.metadata, start.metadata)) {
          throw new ConflictError(
            this.name,
            snap.version + 1,
            'metadata-changed',
            'the schema changed since this write was validated',
          )
        }
        if (options.readVersion !== undefined && plan && options.readVersion < snap.version) {
          const key = await this.touchedSince(options.readVersion, snap, plan.touchedKeys())
          if (key !== undefined) {
            throw new ConflictError(
              this.name,
              snap.version + 1,
              'keys-touched',
              `key ${key} was changed after version ${options.readVersion}`,
            )
          }
        }
        const attemptFiles = new WrittenFiles(this.fs)
        let planned: AttemptPlan
        try {
          planned = await planAttempt(snap, attempt, attemptFiles)
        } catch (error) {
          await attemptFiles.discard()
          throw error
        }
        const empty = planned.add.length === 0 && planned.remove.length === 0
        if (empty && !planned.metadata) {
          return { result: { version: snap.version, rowsAdded: 0, rowsRemoved: 0, attempts: attempt + 1 } }
        }
        // A schema change may need a higher protocol (e.g. the first enum field's CHECK constraint).
        const protocol = planned.metadata
          ? protocolOf(planned.metadata, snap.state.protocol)
          : snap.state.protocol
        const draft: LogEntry = {
          version: snap.version + 1,
          commitInfo: {
            timestamp: Date.now(),
            operation,
            readVersion: snap.version,
            // A reservation changes nothing: its rows count in the version that publishes it.
            rowsAdded: txn ? 0 : planned.rowsAdded,
            rowsRemoved: txn ? 0 : planned.rowsRemoved,
            txnId,
            ...(planned.details ? { details: planned.details } : {}),
          },
          ...(protocol !== snap.state.protocol ? { protocol } : {}),
          ...(planned.metadata ? { metadata: planned.metadata } : {}),
          ...(txn
            ? {
                txn,
                reserved: {
                  remove: planned.remove,
                  add: planned.add,
                  rowsAdded: planned.rowsAdded,
                  rowsRemoved: planned.rowsRemoved,
                },
              }
            : {
                ...(planned.remove.length > 0 ? { remove: planned.remove } : {}),
                ...(planned.add.length > 0 ? { add: planned.add } : {}),
              }),
          ...(planned.appTxns?.length ? { appTxns: planned.appTxns } : {}),
        }
        // The entry records the live files and rows after it: every later replay and checkpoint is checked by them.
        const after = replay(snap.state, [draft])
        const entry: LogEntry = {
          ...draft,
          commitInfo: { ...draft.commitInfo, ...totalsOf(after) },
        }
        try {
          await this.log.writeEntry(entry, snap.state)
        } catch (error) {
          if (isAlreadyExists(error)) {
            await attemptFiles.discard()
            // Random backoff, growing to 250 ms: with a 50 ms cap a writer whose re-plan is slower than its rivals'
            // commits (4 processes upserting overlapping keys on a loaded machine) could lose 31 races in a row.
            await sleep(Math.random() * Math.min(250, 2 ** attempt))
            continue
          }
          // The entry may exist even though a later step (the directory fsync) failed.
          const landed = await this.log.readEntry(entry.version).catch(() => undefined)
          if (landed?.commitInfo.txnId !== txnId) {
            await attemptFiles.discard()
            throw new TableWriteError(this.name, `creating log entry ${entry.version}`, { cause: error })
          }
        }
        const outcome = {
          result: {
            version: entry.version,
            rowsAdded: planned.rowsAdded,
            rowsRemoved: planned.rowsRemoved,
            attempts: attempt + 1,
          },
          entry,
          base: snap,
          files: attemptFiles,
        }
        if (!txn) await this.adopt(outcome)
        return outcome
      }
      throw new ConflictError(
        this.name,
        snap.version + 1,
        'too-many-retries',
        `lost the race for a version ${this.maxRetries + 1} times`,
      )
    } catch (error) {
      await written.discard()
      if (error instanceof ParquetFrameError) throw error
      throw new TableWriteError(this.name, 'committing', { cause: error })
    }
  }

  private async maybeCheckpoint(before: TableState): Promise<void> {
    if (this.log.checkpointDue(before, this.current.state)) {
      await this.log.writeCheckpoint(this.current.state).catch(() => undefined)
    }
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
    const target = options.targetFileRows ?? this.maxRowsPerFile
    const below = options.onlyBelowRows
    const start = await this.snapshot()
    const outcome = await this.commit(
      'COMPACT',
      start,
      new WrittenFiles(this.fs),
      {},
      async (snap, _attempt, files) => {
        const ctx = this.context(snap.metadata)
        const groups = new Map<string, (typeof snap.files)[number][]>()
        for (const f of snap.files) {
          if (
            below === undefined
              ? f.add.stats.numRows >= target && f.deletedRows === 0
              : f.add.stats.numRows >= below
          )
            continue
          const key = JSON.stringify(f.add.partitionValues)
          const group = groups.get(key)
          if (group) group.push(f)
          else groups.set(key, [f])
        }
        const add: AddAction[] = []
        const remove: RemoveAction[] = []
        const store = new DataFileStore(this.path, this.fs, this.name, snap.metadata, target)
        for (const group of groups.values()) {
          if (group.length < 2 && (group[0]?.deletedRows ?? 0) === 0) continue
          for (const f of group) remove.push(removeOf(f))
          add.push(...(await store.write(await this.mergeFiles(ctx, group), files)))
        }
        return { add, remove, rowsAdded: 0, rowsRemoved: 0 }
      },
    )
    return outcome.result
  }

  /**
   * The rows of several files as one frame (deleted keys dropped). Scannable files are read by one lazy query
   * (polars reads them in parallel); if its row count differs from the log's, the files are read one by one,
   * which names the damaged one.
   */
  private async mergeFiles(ctx: SnapshotContext, group: readonly LiveFile[]): Promise<pl.DataFrame> {
    const keyFrame = (k: readonly string[]) => ctx.codec.frame(k)
    if (ctx.store.lazy && group.length > 1) {
      const expected = group.reduce((n, f) => n + f.add.stats.numRows - f.deletedRows, 0)
      const scans = await mapBounded(group, (f) => ctx.store.scan(f, keyFrame, ctx.codec.columns))
      const merged = await pl.concat(scans, { how: 'vertical' }).collect()
      if (merged.height === expected) return merged
    }
    const frames: pl.DataFrame[] = []
    for (const f of group) frames.push(await ctx.store.read(f, keyFrame, ctx.codec.columns))
    return stackFrames(frames)
  }

  /**
   * Rewrites every live data file in another format and switches the table to it,
   * as ONE commit (metadata + remove the old files + add the new ones). Files are
   * rewritten one at a time (memory holds one file's rows), each read back and
   * checked (rows and content checksum) before the commit. Until that commit the
   * table reads exactly as before; a crash leaves only orphan files (vacuum removes
   * them). Concurrent writes are taken along (files added meanwhile are rewritten
   * too); a concurrent schema change is a ConflictError. Same format: no commit.
   */
  async rewriteFormat(to: StorageFormatName, options: RewriteOptions = {}): Promise<RewriteResult> {
    const start = await this.snapshot()
    const from = start.metadata.format
    if (from === to) return { version: start.version, rowsAdded: 0, rowsRemoved: 0, attempts: 0 }
    const target: TableMetadata = {
      ...start.metadata,
      format: to,
      entity: { ...start.metadata.entity, format: to },
    }
    return this.rewriteAll('SET_FORMAT', start, target, [`format ${from} → ${to}`], options)
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
    const start = await this.snapshot()
    const changes = planSchemaChanges(start.entity, start.metadata.enums, entity, enums, options)
    const refused = changes.filter((c) => c.cost === 'incompatible')
    if (refused.length > 0)
      throw new SchemaChangeRefusedError(
        this.name,
        refused.map((c) => `${c.subject}: ${c.message}`),
      )
    if (changes.length === 0) {
      return { version: start.version, rowsAdded: 0, rowsRemoved: 0, attempts: 0, changes, rewritten: false }
    }
    const target = evolveMetadata(start.metadata, entity, enums, options, new Date())
    new KeyCodec(target.entity, this.name)
    const details = changes.map((c) => `${c.subject}: ${c.message}`)
    // Widenings, and added fields whose default existing rows must read (Delta readers know no fill values).
    if (changes.some((c) => c.cost === 'rewrite')) {
      const result = await this.rewriteAll('SET_SCHEMA', start, target, details, options)
      return { ...result, changes, rewritten: (result.check?.filesBefore ?? 0) > 0 }
    }
    const { result } = await this.commit('SET_SCHEMA', start, new WrittenFiles(this.fs), {}, async () => ({
      add: [],
      remove: [],
      rowsAdded: 0,
      rowsRemoved: 0,
      metadata: target,
      details,
    }))
    return { ...result, changes, rewritten: false }
  }

  /** Rewrites every live file under `target` metadata and commits them with it (see `rewriteFormat`). */
  private async rewriteAll(
    operation: OperationName,
    start: Snapshot,
    target: TableMetadata,
    details: readonly string[],
    options: RewriteOptions,
  ): Promise<RewriteResult> {
    // Old files are read in their format through the target schema; new ones written and read back with it.
    const source = new DataFileStore(
      this.path,
      this.fs,
      this.name,
      { ...target, format: start.metadata.format },
      this.maxRowsPerFile,
    )
    // Every live file is rewritten with every field, so the committed metadata needs no fill value.
    const filled = withFillsMaterialised(target)
    const store = new DataFileStore(this.path, this.fs, this.name, filled, this.maxRowsPerFile)
    const codec = new KeyCodec(target.entity, this.name)
    const rewriter = new FileRewriter(this.name, source, store, (k) => codec.frame(k), codec.columns)
    // Rewritten files by source path, reused when a lost race makes the commit re-plan.
    const done = new Map<string, RewrittenFile & { deletedRows: number }>()
    const written = new WrittenFiles(this.fs)
    let check: RewriteCheck | undefined
    let committed: readonly AddAction[] = []
    const { result } = await this.commit(operation, start, written, {}, async (snap) => {
      const files = snap.files
      const rowsTotal = snap.numRows
      const progress = { table: this.name, filesDone: 0, filesTotal: files.length, rowsDone: 0, rowsTotal }
      options.onProgress?.(progress)
      const add: AddAction[] = []
      const remove: RemoveAction[] = []
      const before = new ContentChecksum()
      const after = new ContentChecksum()
      for (const [i, file] of files.entries()) {
        if (options.signal?.aborted) {
          throw new ParquetFrameError(
            'PF_ABORTED',
            `Rewrite of table ${this.name} stopped after ${i} of ${files.length} files; nothing was committed`,
          )
        }
        let out = done.get(file.add.path)
        if (!out || out.deletedRows !== file.deletedRows) {
          out = { ...(await rewriter.rewrite(file, written)), deletedRows: file.deletedRows }
          done.set(file.add.path, out)
        }
        add.push(...out.adds)
        remove.push(removeOf(file))
        before.merge(out.before)
        after.merge(out.after)
        progress.filesDone = i + 1
        progress.rowsDone += out.before.rows
        options.onProgress?.({ ...progress })
      }
      if (before.rows !== rowsTotal) {
        throw new RewriteVerificationError(
          this.name,
          this.path,
          `the log counts ${rowsTotal} rows, the files hold ${before.rows}`,
        )
      }
      check = {
        table: this.name,
        before: { rows: before.rows, checksum: before.value },
        after: { rows: after.rows, checksum: after.value },
        filesBefore: files.length,
        filesAfter: add.length,
      }
      await options.verify?.(check)
      committed = add
      return { add, remove, rowsAdded: 0, rowsRemoved: 0, metadata: filled, details }
    })
    // Files rewritten for an attempt that lost a race and were not needed again.
    const keep = new Set(committed.map((a) => join(this.path, a.path)))
    await Promise.all(
      written.paths.filter((p) => !keep.has(p)).map((p) => this.fs.unlink(p).catch(() => undefined)),
    )
    return check ? { ...result, check } : result
  }

  /**
   * Deletes data files no version younger than `retentionMs` (default 7 days) references, and files no version
   * ever referenced once a day old. Never follows links, enters nested tables or touches log, lock or marks
   * files. See table-vacuum.ts and docs/tables.md ("Vacuum").
   */
  vacuum(options: VacuumOptions = {}): Promise<VacuumResult> {
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
  // Replay refuses a protocol pf cannot read (TableProtocolError naming the version and feature).
  const state = await log.latest()
  // The log object that read the state keeps its cache and identity; errors from now on name the entity.
  log.rename(state.metadata.entity.name)
  return new Table(path, log, state, options)
}
