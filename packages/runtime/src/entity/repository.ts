import pl from 'nodejs-polars'
import { stackFrames } from '../frame/stack-frames.js'
import type { FieldIR } from '../schema/schema-ir.js'
import { type IndexGroup, indexGroups } from '../secondary-index/index-group.js'
import { type FetchedRow, type FileMatch, SecondaryIndexes } from '../secondary-index/secondary-indexes.js'
import { CommitQueue, type QueuedOutcome } from '../table/commit-queue.js'
import { type Key, KeyCodec } from '../table/key-codec.js'
import type { OperationName } from '../table/log-entry.js'
import type { InsertClaim } from '../table/log-first-inserts.js'
import { metadataCacheKey } from '../table/metadata-cache-key.js'
import { RowBatch } from '../table/row-batch.js'
import type { ColumnPredicate } from '../table/scan-predicate.js'
import { smallRows } from '../table/small-rows.js'
import type { Snapshot } from '../table/snapshot.js'
import type { CommitResult, Table } from '../table/table.js'
import type { PreparedWrite } from '../table/table-core.js'
import { DuplicateKeyError } from '../table/table-errors.js'
import type { LiveFile } from '../table/table-state.js'
import { tableLockPath, type WriteLockOptions, withWriteLock } from '../table/write-lock.js'
import { batchInsert, batchUpsert, type TableOperation } from '../table/write-plan.js'
import { z } from '../vendor/zod.js'
import { raiseAutoMarks, readAutoMarks } from './autoincrement-marks.js'
import { QueryError, UniqueConstraintError, ValidationError, type ValidationIssue } from './entity-errors.js'
import {
  entitiesFromFrame,
  entityFromRow,
  frameFromEntities,
  seriesForField,
  valuesFromSeries,
} from './entity-frame-codec.js'
import type { RegisteredEntity } from './entity-registry.js'
import { validateRecord, zodForField } from './entity-schema.js'
import { bindStore, isPartial, prototypeFor } from './entity-state.js'
import { defaultStore, type EntityStore } from './entity-store.js'
import {
  assignAutoValues,
  autoincrementFields,
  clearAutoValues,
  defaultValue,
  type PendingAuto,
  storedMaxes,
} from './field-defaults.js'
import {
  applyPlan,
  type IndexProbe,
  type PlannableQuery,
  planQuery,
  type QueryPath,
  type QueryPlan,
} from './query-planner.js'
import type {
  CreateInput,
  FindManyQuery,
  FindResult,
  IncludeInput,
  PrimaryKeyOf,
  RelationQuery,
  StreamQuery,
  WhereInput,
} from './query-types.js'
import { includeRelations, loadRelation } from './relation-loader.js'
import { clashValue, uniqueGroupRows, uniquePruning } from './unique-check-values.js'
import { checkValue, describe, type WhereContext } from './where-compiler.js'

/** @internal A validated save waiting for its commit. */
export interface SaveOperation<T> {
  readonly kind: 'save'
  readonly mode: 'insert' | 'upsert'
  readonly input: readonly T[]
  /** Entities whose autoincrement fields get values at commit time. */
  readonly pending: readonly PendingAuto<T>[]
}

/** A caller's staged writes waiting in the group commit queue. */
interface StagedWrite<T> {
  readonly ops: readonly TxOperation<T>[]
  readonly input: readonly T[]
}

/** @internal One staged write of a repository: a save, or a delete (or deleteAll's overwrite) already compiled. */
export type TxOperation<T> =
  | SaveOperation<T>
  | Exclude<TableOperation, { kind: 'append' | 'insert' | 'upsert' }>

/** Scanning unique checks of batches up to this size prune files by the values' statistics (and filter by them). */
const MAX_PRUNED_VALUES = 32
/** Unique checks of batches up to this many rows use the group's index (larger ones scan). */
const MAX_INDEXED_UNIQUE_VALUES = 4096
/** Validation reports at most this many issues. */
const MAX_ISSUES = 20
/** Default entities per batch of `stream`. */
const DEFAULT_BATCH = 10_000

/**
 * The persistence API of one entity class in one store. The active-record statics of `Entity` delegate here;
 * get one with `store.repository(User)` or `User.repo(store)`.
 */
export class Repository<T extends object> {
  readonly store: EntityStore
  readonly entry: RegisteredEntity
  /** Field lookup and enums, for compiling queries. */
  readonly context: WhereContext
  /** The secondary indexes of the entity's `@index`/`@unique` groups (see docs/entities.md, "Indexes"). */
  readonly indexes = new SecondaryIndexes()
  private zod: z.ZodObject | undefined
  private keyCodec: KeyCodec | undefined
  private groups: IndexGroup[] | undefined
  /** Group commit of saves, per table object (a re-created table gets its own queue). */
  private readonly queues = new WeakMap<Table, CommitQueue<StagedWrite<T>, CommitResult>>()

  constructor(store: EntityStore, entry: RegisteredEntity) {
    this.store = store
    this.entry = entry
    this.context = { entity: entry.ir.name, fields: entry.fieldsByName, enums: entry.enums }
  }

  /** The entity name. */
  get name(): string {
    return this.entry.ir.name
  }

  /** The entity's table (opened, or created on first use). */
  table(): Promise<Table> {
    return this.store.table(this.entry)
  }

  private get fields(): readonly FieldIR[] {
    return this.entry.ir.fields
  }

  private get pk(): FieldIR {
    return this.entry.primaryKey
  }

  // ---- reading ------------------------------------------------------------------------------------------------

  /** The entity with this primary key, or null. Reads only files whose key range can hold it. */
  async find(pk: PrimaryKeyOf<T>): Promise<T | null> {
    checkValue(this.context, this.pk, pk, 'find')
    const table = await this.table()
    this.store.stats.keyLookups++
    // A key no log-first record pending here holds is read without publishing them (Table.findRow).
    const found = await table.findRow(pk as Key)
    if (!found) return null
    // A row read from a file held in memory comes with its values: one entity built, no frame sliced.
    if (found.values && found.columns) {
      const prototype = prototypeFor(this.store, this.entry.ctor.prototype, false)
      const entity = entityFromRow<T>(this.fields, found.columns, found.values, prototype)
      if (entity) return entity
    }
    return this.materialize(found.df.slice(found.row, 1), this.fields, false)[0] ?? null
  }

  /** Every entity, in insertion order. */
  findAll(): Promise<T[]> {
    return this.findMany() as Promise<T[]>
  }

  /** Entities matching a filter (see `WhereInput`; an unknown field is an error). */
  findBy(where: WhereInput<T>): Promise<T[]> {
    return this.findMany({ where }) as Promise<T[]>
  }

  /** The first entity matching a filter, or null. */
  async findOne(where: WhereInput<T>): Promise<T | null> {
    const [first] = (await this.findMany({ where, limit: 1 })) as T[]
    return first ?? null
  }

  /** Entities matching a query: where, orderBy (nulls last), limit, offset, select, include. */
  async findMany<const Q extends FindManyQuery<T>>(query?: Q): Promise<FindResult<T, Q>[]> {
    const q: FindManyQuery<T> = query ?? {}
    checkWindow(this.name, q.limit, q.offset)
    const plan = this.plan(q)
    let entities = await this.fetchIndexedPending(plan, q.offset, q.limit)
    if (!entities) {
      const snapshot = await this.snapshot()
      entities =
        (await this.fetchIndexed(snapshot, plan, q.offset, q.limit)) ??
        this.materialize(
          await this.collect(snapshot, plan, q.offset, q.limit),
          plan.fields,
          plan.columns !== undefined,
        )
    }
    if (q.include) await includeRelations(this, entities, q.include as IncludeInput<object>)
    return entities as FindResult<T, Q>[]
  }

  /** Number of entities, optionally matching a filter. Without a filter it reads only the log. */
  async count(where?: WhereInput<T>): Promise<number> {
    const plan = this.plan({ where })
    const snapshot = await this.snapshot()
    if (plan.probe?.covers) return countMatches(await this.lookup(snapshot, plan.probe))
    if (!plan.filter) return snapshot.countRows()
    const lf = await this.scan(snapshot, plan)
    const df = await lf.filter(plan.filter).select(pl.len().alias('n')).collect()
    return Number(df.getColumn('n').get(0))
  }

  /** Whether any entity matches the filter. */
  async exists(where: WhereInput<T>): Promise<boolean> {
    const plan = this.plan({ where })
    const snapshot = await this.snapshot()
    if (plan.probe?.covers) return countMatches(await this.lookup(snapshot, plan.probe)) > 0
    if (!plan.filter) return (await snapshot.countRows()) > 0
    const lf = await this.scan(snapshot, plan)
    return (await lf.filter(plan.filter).select(this.pk.column).limit(1).collect()).height > 0
  }

  /**
   * Entities matching a query, one at a time, read in batches of `batchSize` (default 10,000) from one
   * snapshot, so memory stays bounded by the batch.
   */
  async *stream(query: StreamQuery<T> = {}): AsyncGenerator<T, void, undefined> {
    const batchSize = query.batchSize ?? DEFAULT_BATCH
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new QueryError(`${this.name}: stream batchSize must be a positive integer, got ${batchSize}`)
    }
    checkWindow(this.name, query.limit, query.offset)
    const plan = this.plan(query)
    const snapshot = await this.snapshot()
    let offset = query.offset ?? 0
    let remaining = query.limit ?? Number.POSITIVE_INFINITY
    while (remaining > 0) {
      const take = Math.min(batchSize, remaining)
      const df = await this.collect(snapshot, plan, offset, take)
      for (const entity of this.materialize(df, plan.fields, plan.columns !== undefined)) yield entity
      if (df.height < take) return
      offset += df.height
      remaining -= df.height
    }
  }

  /**
   * Which way a query's where clause reads now: `{ path: 'index', index, files, rows }` (the index used, the data
   * files holding matches, the matched live rows) or `{ path: 'scan', files }` (the live files a scan considers
   * before statistics pruning). Reads indexes (building missing ones), never the matched rows.
   */
  async explain(query: { where?: WhereInput<T> } = {}): Promise<QueryPath> {
    const plan = this.plan(query)
    const snapshot = await this.snapshot()
    if (!plan.probe) return { path: 'scan', files: snapshot.files.length }
    const matches = await this.lookup(snapshot, plan.probe)
    return {
      path: 'index',
      index: plan.probe.group.name,
      files: matches.length,
      rows: countMatches(matches),
      fetch: plan.probe.covers ? 'rows' : 'frame',
      decoded: this.indexes.inMemory(snapshot, matches),
    }
  }

  /** A lazy frame of the query over the current version (filter, sort and projection pushed into the scan). */
  async lazy(query: Omit<FindManyQuery<T>, 'include'> = {}): Promise<pl.LazyDataFrame> {
    const plan = this.plan(query)
    const lf = applyPlan(await this.scan(await this.snapshot(), plan), plan)
    const offset = query.offset ?? 0
    return query.limit !== undefined || offset > 0 ? window(lf, offset, query.limit) : lf
  }

  /** Loads relation `name` of an entity of this repository (what `entity.rel(query)` calls). */
  related(entity: T, name: string, query?: RelationQuery<object>): Promise<unknown> {
    return loadRelation(entity, name, query, this)
  }

  // ---- writing ------------------------------------------------------------------------------------------------

  /** Creates and stores a new entity (runs the class constructor without arguments, then assigns `data`). Fails if the key exists. */
  async create(data: CreateInput<T>): Promise<T> {
    const entity = this.instantiate(data)
    await this.write([entity], 'insert')
    return entity
  }

  /** Stores an entity: inserts it, or replaces the stored one with the same primary key. */
  async save(entity: T): Promise<T> {
    await this.write([entity], 'upsert')
    return entity
  }

  /** Stores many entities (or plain data) in ONE commit; a later duplicate key wins. */
  async saveAll(items: readonly (T | CreateInput<T>)[]): Promise<T[]> {
    const entities = items.map((item) => this.instantiate(item))
    if (entities.length === 0) return []
    await this.write(entities, 'upsert')
    return entities
  }

  /** Inserts or replaces by primary key, from an entity or plain data. */
  async upsert(data: T | CreateInput<T>): Promise<T> {
    const entity = this.instantiate(data)
    await this.write([entity], 'upsert')
    return entity
  }

  /** Deletes an entity by its primary key; true when a row was removed. */
  async delete(entity: T): Promise<boolean> {
    return (await this.commitStaged([this.stageDelete(entity)])).rowsRemoved > 0
  }

  /** Deletes the entities matching a filter; returns how many. */
  async deleteBy(where: WhereInput<T>): Promise<number> {
    return (await this.commitStaged([this.stageDeleteBy(where)])).rowsRemoved
  }

  /** Deletes every entity (the table stays; saving again works). Returns how many. */
  async deleteAll(): Promise<number> {
    return (await this.commitStaged([{ kind: 'overwrite', df: frameFromEntities(this.fields, []) }]))
      .rowsRemoved
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  private plan(query: PlannableQuery): QueryPlan {
    return planQuery(this.context, this.pk, query, this.indexGroups())
  }

  private indexGroups(): IndexGroup[] {
    this.groups ??= indexGroups(this.entry.ir)
    return this.groups
  }

  /**
   * The entities of a query that is exactly an index lookup, unsorted: only the matched rows are fetched, from
   * their data files decoded in memory (see docs/entities.md, "Indexes"). Undefined when the query needs a frame
   * (other conditions, a sort) or a value is not exact outside one (then `collect` reads it).
   */
  private async fetchIndexed(
    snapshot: Snapshot,
    plan: QueryPlan,
    offset?: number,
    limit?: number,
  ): Promise<T[] | undefined> {
    if (!plan.probe?.covers || plan.sort) return undefined
    const table = await this.table()
    const matches = await this.lookup(snapshot, plan.probe)
    const rows = await this.indexes.fetchMatches(table, snapshot, matches, offset, limit)
    return this.entitiesOfRows(plan, rows)
  }

  /**
   * `fetchIndexed` while this process holds log-first records (creates or saves acknowledged, not yet published),
   * without publishing them: the published version's matches but the rows of the records' keys (added or replaced
   * by them), then the records' own matching rows: the rows the query finds once they are published (without an
   * orderBy, in the version's file order, then the records'). Undefined when nothing is pending, or the query or a
   * record is not one this path takes (then the caller's read publishes first).
   */
  private async fetchIndexedPending(plan: QueryPlan, offset = 0, limit?: number): Promise<T[] | undefined> {
    if (!plan.probe?.covers || plan.sort) return undefined
    const table = await this.table()
    const view = await table.pendingView()
    if (!view) return undefined
    const { snapshot, records } = view
    const excluded = new Set(records.flatMap((r) => [...r.keys, ...r.replaces]))
    const matches = withoutKeys(await this.lookup(snapshot, plan.probe), excluded)
    const rows = await this.indexes.fetchMatches(table, snapshot, matches, offset, limit)
    const take = limit ?? Number.POSITIVE_INFINITY
    if (rows.length < take) {
      const { group, values } = plan.probe
      const pending = await this.indexes.pendingMatches(table, snapshot, group, values, records)
      if (!pending) return undefined
      const skip = Math.max(0, offset - countMatches(matches))
      rows.push(...pending.slice(skip, skip + (take - rows.length)))
    }
    return this.entitiesOfRows(plan, rows)
  }

  /** Entities of fetched rows (the plan's fields), or undefined when a value is not exact outside a frame. */
  private entitiesOfRows(plan: QueryPlan, rows: readonly FetchedRow[]): T[] | undefined {
    const prototype = prototypeFor(this.store, this.entry.ctor.prototype, plan.columns !== undefined)
    const out: T[] = []
    for (const row of rows) {
      const entity = entityFromRow<T>(plan.fields, row.columns, row.values, prototype)
      if (!entity) return undefined
      out.push(entity)
    }
    return out
  }

  /** The live rows an index probe matches, per data file. */
  private async lookup(snapshot: Snapshot, probe: IndexProbe): Promise<FileMatch[]> {
    return this.indexes.lookup(await this.table(), snapshot, probe.group, probe.values)
  }

  private async snapshot(): Promise<Snapshot> {
    return (await this.table()).snapshot()
  }

  /**
   * A counted scan of a snapshot: with an index probe, of only the data files holding matches (the plan's filter
   * then picks the rows); else of the live files pruned by the plan's simple predicates.
   */
  private async scan(snapshot: Snapshot, plan: QueryPlan): Promise<pl.LazyDataFrame> {
    this.store.stats.scans++
    if (plan.probe) {
      const matches = await this.lookup(snapshot, plan.probe)
      return this.indexes.scanMatches(await this.table(), snapshot, matches)
    }
    // The plan's filter is applied to every scan: the simple predicates only prune files.
    return snapshot.scan(plan.prune.length > 0 ? { where: plan.prune, filterRows: false } : {})
  }

  private async collect(
    snapshot: Snapshot,
    plan: QueryPlan,
    offset = 0,
    limit?: number,
  ): Promise<pl.DataFrame> {
    const lf = applyPlan(await this.scan(snapshot, plan), plan)
    if (limit !== undefined) {
      if (offset === 0) return lf.slice(0, limit).collect()
      // The offset is skipped after collecting (see `window`: a lazy slice past every row can abort the process).
      const df = await lf.slice(0, offset + limit).collect()
      return df.slice(offset, limit)
    }
    const df = await lf.collect()
    return offset > 0 ? df.slice(offset, Math.max(0, df.height - offset)) : df
  }

  /** Entities from a frame: `Object.create` of the class prototype (bound to this store), no constructor call. */
  materialize(df: pl.DataFrame, fields: readonly FieldIR[], partial: boolean): T[] {
    return entitiesFromFrame<T>(fields, df, prototypeFor(this.store, this.entry.ctor.prototype, partial))
  }

  /** The entity itself, or a new instance holding plain data (unknown keys are a ValidationError). */
  private instantiate(data: T | CreateInput<T>): T {
    if (data instanceof this.entry.ctor) return data as T
    if (typeof data !== 'object' || data === null) {
      throw new ValidationError([{ path: this.name, message: `expected an object, got ${describe(data)}` }])
    }
    const unknown = Object.keys(data).filter((k) => !this.entry.fieldsByName.has(k))
    if (unknown.length > 0) {
      throw new ValidationError(unknown.map((k) => ({ path: `${this.name}.${k}`, message: 'unknown field' })))
    }
    const entity = new (this.entry.ctor as new () => T)()
    for (const [k, v] of Object.entries(data)) {
      if (v !== undefined) (entity as Record<string, unknown>)[k] = v
    }
    return entity
  }

  /**
   * Applies defaults, turns missing optional values into null, validates everything; throws before any write.
   * Returns the entities whose autoincrement fields are missing: they get values inside the commit.
   */
  private prepare(entities: readonly T[]): PendingAuto<T>[] {
    const issues: ValidationIssue[] = []
    const auto = autoincrementFields(this.fields)
    // Autoincrement fields may be missing here: they are assigned (valid by construction) at commit time.
    this.zod ??= z.object(
      Object.fromEntries(
        this.fields.map((f) => {
          const schema = zodForField(f, this.entry.enums)
          return [f.name, f.default?.kind === 'autoincrement' ? schema.optional() : schema]
        }),
      ),
    )
    const pending = auto.map((field) => ({ field, entities: [] as T[] }))
    const withDefaults = this.fields.filter(
      (f) => (f.default !== undefined && f.default.kind !== 'autoincrement') || f.optional,
    )
    for (const entity of entities) {
      if (isPartial(entity)) {
        throw new ValidationError([
          {
            path: this.name,
            message: 'this entity was loaded with select (some fields missing) and cannot be saved',
          },
        ])
      }
      const record = entity as Record<string, unknown>
      for (const f of withDefaults) {
        if (record[f.name] !== undefined) continue
        const value = defaultValue(f)
        if (value !== undefined) record[f.name] = value
        else if (f.optional) record[f.name] = null
      }
      for (const p of pending) if (record[p.field.name] === undefined) p.entities.push(entity)
      if (issues.length < MAX_ISSUES) issues.push(...validateRecord(this.entry.ir, this.zod, entity))
    }
    if (issues.length > 0) throw new ValidationError(issues.slice(0, MAX_ISSUES))
    return pending.filter((p) => p.entities.length > 0)
  }

  private async write(input: readonly T[], mode: 'insert' | 'upsert'): Promise<void> {
    await this.commitStaged([this.stageEntities(input, mode)], input)
  }

  /**
   * Commits staged writes of this repository as one commit: under the table's write lock when they need it
   * (unique checks, autoincrement values and marks), autoincrement values undone if the commit fails. A lone
   * save (create, save, upsert, saveAll) goes through the table's group commit (see `commitGroup`).
   */
  private async commitStaged(
    ops: readonly TxOperation<T>[],
    input: readonly T[] = [],
  ): Promise<CommitResult> {
    const table = await this.table()
    if (ops.length === 1 && ops[0]?.kind === 'save') {
      let queue = this.queues.get(table)
      if (!queue) {
        queue = new CommitQueue((writes) => this.commitGroup(table, writes))
        this.queues.set(table, queue)
      }
      return queue.submit({ ops, input })
    }
    return this.commitAlone(table, ops, input)
  }

  /**
   * Saves that waited while a commit was in flight, committed as ONE commit (each already validated). When that
   * fails (a unique value or insert key clash between callers or with the table, an I/O error), each is committed
   * alone, so every caller gets its own result or error and none fails for another's rows.
   */
  private async commitGroup(
    table: Table,
    writes: readonly StagedWrite<T>[],
  ): Promise<QueuedOutcome<CommitResult>[]> {
    if (writes.length > 1) {
      const merged = await this.commitAlone(
        table,
        mergeSaves(writes.flatMap((w) => w.ops)),
        writes.flatMap((w) => w.input),
      ).catch(() => undefined)
      if (merged) return writes.map(() => ({ ok: true, value: merged }))
    }
    const out: QueuedOutcome<CommitResult>[] = []
    for (const w of writes) {
      out.push(
        await this.commitAlone(table, w.ops, w.input).then(
          (value) => ({ ok: true, value }),
          (error: unknown) => ({ ok: false, error }),
        ),
      )
    }
    return out
  }

  private async commitAlone(
    table: Table,
    ops: readonly TxOperation<T>[],
    input: readonly T[],
  ): Promise<CommitResult> {
    const commit = async (): Promise<CommitResult> => {
      try {
        return await commitOperations(table, await this.tableOperations(table, ops))
      } catch (error) {
        this.unstage(ops)
        throw error
      }
    }
    let result: CommitResult
    try {
      const logged = this.logsFirst(ops) ? await this.insertLogFirst(table, ops) : undefined
      if (logged) result = logged
      else {
        // This process's log-first inserts are published and their session ends first: it holds the write lock.
        if (this.needsLock(ops)) await table.releaseLogFirst()
        result = !this.needsLock(ops)
          ? await commit()
          : this.writesAhead(ops)
            ? await this.commitWrittenAhead(table, ops)
            : await withWriteLock(tableLockPath(table.path), commit, this.writeLockOptions(table))
      }
    } catch (error) {
      throw this.entityError(error, input)
    }
    this.store.stats.commits++
    this.committed(ops)
    return result
  }

  /**
   * The write lock is handed over: a write returns once its commit is durable, not after the lock file's removal,
   * and this process's next locked write takes the lock in memory while that removal has not begun.
   */
  private writeLockOptions(table: Table): WriteLockOptions {
    return { fs: table.fs, table: table.name, handOver: true }
  }

  /**
   * Inserts of new rows with no autoincrement value to assign: acknowledged once their log record is durable
   * (table/log-first-inserts.ts) when small enough, and when their `@unique` values, if any, are checked from their
   * JS values through the indexes (`smallUniqueBatch`). A small `save` is tried too, an update (one that replaces
   * stored rows) as well: the table declines it while a key of it is pending, and it is committed as the upsert it
   * is then.
   */
  private logsFirst(ops: readonly TxOperation<T>[]): boolean {
    return ops.every((op) => op.kind === 'save' && op.pending.length === 0)
  }

  /** A log-first insert (see `logsFirst`); undefined when the table commits it as usual instead. */
  private async insertLogFirst(
    table: Table,
    ops: readonly TxOperation<T>[],
  ): Promise<CommitResult | undefined> {
    const { operations, saved } = this.buildOperations(ops)
    let check:
      | ((snap: Snapshot, replaced: ReadonlySet<string>) => Promise<readonly InsertClaim[] | undefined>)
      | undefined
    if (this.entry.ir.uniques.length > 0) {
      const small = this.smallUniqueBatch(saved)
      if (!small) return undefined
      // Against the version the insert is checked against; the values pending here are the table's claims, and the
      // stored values of rows that pending updates replace are free.
      check = (snap, replaced) => this.uniqueClaims(table, snap, small.rows, small.keys, ops, replaced)
    }
    if (!(await table.insertLogFirst(operations, check))) return undefined
    const rows = ops.reduce((n, op) => n + (op.kind === 'save' ? op.input.length : 0), 0)
    // Published with the next version (or a later one, with other inserts): the version seen now is what a read
    // started after this returns sees at least.
    return { version: table.version, rowsAdded: rows, rowsRemoved: 0, attempts: 1 }
  }

  /** Saves that take no autoincrement value: only their unique check needs the lock, not the writing of their rows. */
  private writesAhead(ops: readonly TxOperation<T>[]): boolean {
    return ops.every((op) => op.kind === 'save' && op.pending.length === 0)
  }

  /**
   * Commits saves whose only locked step is the unique check: their data files are written (and flushed) while the
   * write lock is taken and the check runs, as a plain write overlaps its freshness check, and removed when the
   * check refuses them. The check reads a version taken under the lock; the commit plans against it.
   */
  private async commitWrittenAhead(table: Table, ops: readonly TxOperation<T>[]): Promise<CommitResult> {
    const { operations, saved } = this.buildOperations(ops)
    const preparing = prepareOperations(table, operations)
    preparing.catch(() => undefined)
    let committing = false
    try {
      return await withWriteLock(
        tableLockPath(table.path),
        async () => {
          const checked = await this.checkSaved(table, saved, ops)
          const prepared = await preparing
          committing = true
          return commitPrepared(table, prepared, checked)
        },
        this.writeLockOptions(table),
      )
    } catch (error) {
      if (!committing)
        await preparing.then(
          (p) => p.written.discard(),
          () => undefined,
        )
      throw error
    }
  }

  // ---- staged writes (save and the writes of a transaction) ---------------------------------------------------

  /** @internal Validates entities or plain data for a write; throws ValidationError before anything is written. */
  stage(items: readonly (T | CreateInput<T>)[], mode: 'insert' | 'upsert'): SaveOperation<T> {
    return this.stageEntities(
      items.map((item) => this.instantiate(item)),
      mode,
    )
  }

  private stageEntities(input: readonly T[], mode: 'insert' | 'upsert'): SaveOperation<T> {
    return { kind: 'save', mode, input, pending: this.prepare(input) }
  }

  /** @internal A delete by the entity's primary key, checked now. */
  stageDelete(entity: T): TxOperation<T> {
    const pk = (entity as Record<string, unknown>)[this.pk.name]
    checkValue(this.context, this.pk, pk, 'delete')
    return { kind: 'deleteKeys', keys: [pk as Key] }
  }

  /** @internal A delete by filter, compiled now (an unknown field, or a filter without conditions, is an error). */
  stageDeleteBy(where: WhereInput<T>): TxOperation<T> {
    const predicate = this.plan({ where }).filter
    if (!predicate) throw QueryError.emptyDelete(this.name, 'deleteBy', where)
    return { kind: 'deleteWhere', predicate }
  }

  /** @internal True when committing these writes needs the table's write lock (unique checks, autoincrement). */
  needsLock(ops: readonly TxOperation<T>[]): boolean {
    // Deletes raise the autoincrement marks (a read-modify-write of the marks file) before rows go away.
    if (ops.some((op) => op.kind !== 'save') && autoincrementFields(this.fields).length > 0) return true
    // Every write that adds keys: a log-first insert elsewhere checked its keys against the table and its own pending
    // records under this lock, so no key may be added beside it before those are published (log-first-inserts.ts).
    return ops.some((op) => op.kind === 'save')
  }

  /**
   * @internal The table operations of staged writes, in order: assigns autoincrement values (to all saves
   * together), builds the frames and checks `@unique` values against each other and the stored rows. Call it
   * holding the write lock when `needsLock`.
   */
  async tableOperations(table: Table, ops: readonly TxOperation<T>[]): Promise<TableOperation[]> {
    const saves = ops.filter((op): op is SaveOperation<T> => op.kind === 'save')
    const pending = saves.flatMap((op) => op.pending)
    const auto = autoincrementFields(this.fields)
    if (pending.length > 0 || (auto.length > 0 && saves.length < ops.length)) {
      // Marks first, written before the commit: a failed commit leaves a gap, never a value handed out twice.
      const snapshot = await table.snapshot()
      const files = snapshot.files
      const recorded = await readAutoMarks(table, snapshot.metadata)
      const marks = storedMaxes(auto, files)
      if (pending.length > 0) {
        const assigned = assignAutoValues(
          pending,
          saves.flatMap((op) => op.input),
          files,
          recorded,
        )
        for (const [name, value] of assigned) if (value > (marks.get(name) ?? 0n)) marks.set(name, value)
      }
      await raiseAutoMarks(table, marks, recorded)
    }
    const { operations, saved } = this.buildOperations(ops)
    await this.checkSaved(table, saved, ops)
    return operations
  }

  /** The table operations of staged writes (autoincrement values assigned): saves as row batches, their frames built only if a step needs them. */
  private buildOperations(ops: readonly TxOperation<T>[]): {
    operations: TableOperation[]
    saved: RowBatch[]
  } {
    const out: TableOperation[] = []
    const saved: RowBatch[] = []
    for (const op of ops) {
      if (op.kind !== 'save') {
        out.push(op)
        continue
      }
      if (op.mode === 'insert') {
        // The frame is built only if a step needs it: a small insert is written (and unique-checked) from the JS values.
        const batch = new RowBatch(this.fields, op.input, frameFromEntities)
        saved.push(batch)
        out.push(batchInsert(batch))
        continue
      }
      // An upsert too: a small one is written (and unique-checked) from the JS values; its frame keeps the last
      // of a key given twice (saveAll), as the table replaces it.
      const batch = new RowBatch(this.fields, op.input, (fields, rows) => {
        const df = frameFromEntities(fields, rows)
        if (df.height < 2 || df.getColumn(this.pk.column).nUnique() === df.height) return df
        return df.unique({ subset: [this.pk.column], keep: 'last', maintainOrder: true })
      })
      saved.push(batch)
      out.push(batchUpsert(batch))
    }
    return { operations: out, saved }
  }

  /**
   * Checks the `@unique` values of saved rows against each other and the newest version (taken now: call it holding
   * the write lock). Returns that version, or undefined when the entity has nothing to check.
   */
  private async checkSaved(
    table: Table,
    saved: readonly RowBatch[],
    ops: readonly TxOperation<T>[],
  ): Promise<Snapshot | undefined> {
    if (this.entry.ir.uniques.length === 0 || saved.length === 0) return undefined
    const snapshot = await table.snapshot()
    const small = this.smallUniqueBatch(saved)
    if (!small || !(await this.uniqueClaims(table, snapshot, small.rows, small.keys, ops))) {
      const frames = saved.map((s) => s.frame())
      await this.checkUnique(table, snapshot, stackFrames(frames), ops)
    }
    return snapshot
  }

  /**
   * The rows and encoded keys of saves the unique check takes from their JS values (no frame): at most
   * MAX_INDEXED_UNIQUE_VALUES rows, every value valid for its field and no key twice (`smallRows`), every unique
   * group indexed. A stored row of a saved key is replaced, never a clash (`indexedClash`), so upserts qualify too.
   * Undefined otherwise: the frame path checks them (and words a validation error).
   */
  private smallUniqueBatch(batches: readonly RowBatch[]): { rows: object[]; keys: string[] } | undefined {
    if (batches.reduce((n, b) => n + b.height, 0) > MAX_INDEXED_UNIQUE_VALUES) return undefined
    const groups = new Set(this.indexGroups().map((g) => g.name))
    if (!this.entry.ir.uniques.every((g) => groups.has(g.join('+')))) return undefined
    this.keyCodec ??= new KeyCodec(this.entry.ir, this.name)
    const rows: object[] = []
    const keys: string[] = []
    for (const batch of batches) {
      const small = smallRows(batch, this.entry.ir, [...this.entry.enums.values()], this.keyCodec)
      if (!small) return undefined
      rows.push(...batch.rows)
      keys.push(...small.keys)
    }
    return { rows, keys }
  }

  /**
   * The unique check of a small batch of inserts from its JS values (see smallUniqueBatch), by the frame path's
   * rules: nulls never clash, a value twice in the batch or held by a stored row (found through the group's index
   * of the files whose statistics may hold it) clashes, unless a delete of the same commit frees it. Returns the
   * values the rows claim (InsertClaim), or undefined (nothing checked) when a value has no exact encoding: the frame
   * path checks the batch then. `freed`: encoded keys whose stored rows do not count (log-first updates pending).
   */
  private async uniqueClaims(
    table: Table,
    snapshot: Snapshot,
    rows: readonly object[],
    keys: readonly string[],
    ops: readonly TxOperation<T>[],
    freed: ReadonlySet<string> = new Set(),
  ): Promise<InsertClaim[] | undefined> {
    const groups = this.indexGroups().flatMap((group) => {
      const present = group.unique ? uniqueGroupRows(group.fields, rows) : []
      const encoded = present.map((p) => group.codec.encodeValues(p.values))
      return present.length === 0 ? [] : [{ group, present, encoded }]
    })
    if (groups.some((g) => g.encoded.includes(undefined))) return undefined
    const deletedKeys = ops.flatMap((op) => (op.kind === 'deleteKeys' ? op.keys : []))
    const deletedWhere = ops.flatMap((op) => (op.kind === 'deleteWhere' ? [op.predicate] : []))
    for (const { group, present, encoded } of groups) {
      const seen = new Set<string | undefined>()
      encoded.forEach((value, i) => {
        if (seen.has(value)) {
          throw new UniqueConstraintError(this.name, group.name, clashValue(present[i]?.values ?? []))
        }
        seen.add(value)
      })
      const where = uniquePruning(
        group.fields,
        present.length,
        (_, j) => present.map((p) => p.values[j]),
        MAX_INDEXED_UNIQUE_VALUES,
      )
      const at = await this.indexedClash(
        table,
        snapshot,
        group,
        encoded as string[],
        present.map((p) => keys[p.row] as string),
        snapshot.filesMatching(where),
        deletedKeys,
        deletedWhere,
        freed,
      )
      if (at >= 0)
        throw new UniqueConstraintError(this.name, group.name, clashValue(present[at]?.values ?? []))
    }
    return groups.flatMap(({ group, present, encoded }) =>
      present.map((p, i) => ({
        key: `${group.name}\0${encoded[i]}`,
        clash: () => new UniqueConstraintError(this.name, group.name, clashValue(p.values)),
      })),
    )
  }

  /** @internal Undoes autoincrement values of staged writes whose commit failed (a retry gets fresh ones). */
  unstage(ops: readonly TxOperation<T>[]): void {
    for (const op of ops) if (op.kind === 'save') clearAutoValues(op.pending)
  }

  /** @internal After a commit: saved instances remember a store other than the default one. */
  committed(ops: readonly TxOperation<T>[]): void {
    if (this.store === defaultStore()) return
    for (const op of ops) if (op.kind === 'save') for (const entity of op.input) bindStore(entity, this.store)
  }

  /** @internal A table's DuplicateKeyError as the entity's UniqueConstraintError (on the primary key). */
  entityError(error: unknown, input: readonly T[] = []): unknown {
    if (!(error instanceof DuplicateKeyError)) return error
    const pkOf = (e: T): unknown => (e as Record<string, unknown>)[this.pk.name]
    // The table names the key encoded; the entity that holds it gives the value as the user wrote it.
    this.keyCodec ??= new KeyCodec(this.entry.ir, this.name)
    const codec = this.keyCodec
    const hit =
      input.length === 1 ? input[0] : input.find((e) => codec.encode(pkOf(e) as Key) === error.keys[0])
    const value = hit === undefined ? error.keys[0] : pkOf(hit)
    return Object.assign(new UniqueConstraintError(this.name, this.pk.name, value), { cause: error })
  }

  /**
   * Fails with UniqueConstraintError when a `@unique` value of the batch is used twice or by another stored row.
   * Stored rows that deletes of the same commit remove (a transaction's `delete` and `deleteBy`) do not count: the
   * commit lands whole, so their values are free in the version it makes.
   */
  private async checkUnique(
    table: Table,
    snapshot: Snapshot,
    df: pl.DataFrame,
    ops: readonly TxOperation<T>[] = [],
  ): Promise<void> {
    const pkColumn = this.pk.column
    const deletedKeys = ops.flatMap((op) => (op.kind === 'deleteKeys' ? op.keys : []))
    const deletedWhere = ops.flatMap((op) => (op.kind === 'deleteWhere' ? [op.predicate] : []))
    for (const group of this.entry.ir.uniques) {
      const fields = group.map((n) => this.entry.fieldsByName.get(n) as FieldIR)
      const columns = fields.map((f) => f.column)
      const label = group.join('+')
      const batch = df.select(pkColumn, ...columns).dropNulls(...columns)
      if (batch.height === 0) continue
      // One row cannot repeat a value (the group-by cost a lone create several polars objects, ~1 ms each).
      if (batch.height > 1) {
        const dup = batch.groupBy(columns).agg(pl.len().alias('__n')).filter(pl.col('__n').gt(1))
        if (dup.height > 0) throw new UniqueConstraintError(this.name, label, firstValue(dup, fields))
      }
      const indexed = this.indexGroups().find((g) => g.name === label)
      if (indexed && batch.height <= MAX_INDEXED_UNIQUE_VALUES) {
        // Only files whose statistics may hold a value need their index (a one-row file of another value never).
        // Statistics only, no row filter: every value of the batch prunes (a group commit of 100 creates too).
        const files = snapshot.filesMatching(framePruning(batch, fields, MAX_INDEXED_UNIQUE_VALUES))
        this.keyCodec ??= new KeyCodec(this.entry.ir, this.name)
        const at = await this.indexedClash(
          table,
          snapshot,
          indexed,
          indexed.codec.encodeFrame(batch),
          this.keyCodec.encodeFrame(batch),
          files,
          deletedKeys,
          deletedWhere,
        )
        if (at >= 0) throw new UniqueConstraintError(this.name, label, firstValue(batch.slice(at, 1), fields))
        continue
      }
      this.store.stats.scans++
      let stored = await snapshot.scan({ where: framePruning(batch, fields) })
      // As the table deletes them: rows for which a predicate is null stay.
      for (const predicate of deletedWhere) stored = stored.filter(predicate.fillNull(false).not())
      if (deletedKeys.length > 0) {
        const keys = pl.DataFrame([seriesForField(this.pk, deletedKeys)]).lazy()
        stored = stored.join(keys, { on: pkColumn, how: 'anti' })
      }
      const clash = await stored
        .select(pkColumn, ...columns)
        .join(batch.select(pkColumn).lazy(), { on: pkColumn, how: 'anti' })
        .join(batch.select(...columns).lazy(), { on: columns, how: 'semi' })
        .limit(1)
        .collect()
      if (clash.height > 0) throw new UniqueConstraintError(this.name, label, firstValue(clash, fields))
    }
  }

  /**
   * The index of the batch row whose value (`encoded`, one per row) a stored row holds, found through the group's
   * index of `files` (those whose statistics may hold a value): only indexes are read, unless
   * deletes by filter in the same commit may free the row (then only the files holding such rows are read). Rows
   * the batch replaces (same primary key: `batchKeys`, encoded) or deletes by key do not count. -1 when nothing
   * clashes.
   */
  private async indexedClash(
    table: Table,
    snapshot: Snapshot,
    group: IndexGroup,
    encoded: readonly string[],
    batchKeys: readonly string[],
    files: readonly LiveFile[],
    deletedKeys: readonly Key[],
    deletedWhere: readonly pl.Expr[],
    freed: ReadonlySet<string> = new Set(),
  ): Promise<number> {
    this.keyCodec ??= new KeyCodec(this.entry.ir, this.name)
    const codec = this.keyCodec
    const replaced = new Set([...batchKeys, ...deletedKeys.map((k) => codec.encode(k)), ...freed])
    const clashes: FileMatch[] = []
    for (const m of await this.indexes.lookup(table, snapshot, group, encoded, files)) {
      const keep = m.keys.flatMap((k, i) => (replaced.has(k) ? [] : [i]))
      if (keep.length === 0) continue
      clashes.push({
        file: m.file,
        keys: keep.map((i) => m.keys[i] as string),
        positions: keep.map((i) => m.positions[i] as number),
        values: keep.map((i) => m.values[i] as string),
      })
    }
    let value = clashes[0]?.values[0]
    if (value === undefined) return -1
    if (deletedWhere.length > 0) {
      let stored = await this.indexes.scanMatches(table, snapshot, clashes)
      // As the table deletes them: rows for which a predicate is null stay.
      for (const predicate of deletedWhere) stored = stored.filter(predicate.fillNull(false).not())
      const left = await stored
        .select(...group.columns)
        .limit(1)
        .collect()
      value = group.codec.encodeFrame(left)[0]
      if (value === undefined) return -1
    }
    return Math.max(0, encoded.indexOf(value))
  }
}

/** uniquePruning of a frame's rows (at most `maxValues`; default MAX_PRUNED_VALUES). */
function framePruning(
  batch: pl.DataFrame,
  fields: readonly FieldIR[],
  maxValues = MAX_PRUNED_VALUES,
): ColumnPredicate[] {
  return uniquePruning(fields, batch.height, (f) => valuesFromSeries(f, batch.getColumn(f.column)), maxValues)
}

/** Name of the row number column while a lazy window skips its offset (`__`: never a stored column). */
const WINDOW_ROW = '__pf_window_row'

/**
 * Rows `offset` up to `offset + limit` of a lazy query. Polars 0.53 (nodejs-polars 0.24) aborts the whole process
 * (a panic in accumulate_dataframes_vertical) when a slice whose offset passes every row sits over a filtered
 * concatenation of file scans, so the slice starts at 0 and the offset is a filter on the row number.
 */
function window(lf: pl.LazyDataFrame, offset: number, limit: number | undefined): pl.LazyDataFrame {
  const head = limit === undefined ? lf : lf.slice(0, offset + limit)
  if (offset === 0) return head
  return head.withRowIndex(WINDOW_ROW).filter(pl.col(WINDOW_ROW).gtEq(offset)).drop(WINDOW_ROW)
}

/** Live rows an index lookup matched. */
/** Index matches without the rows of these encoded keys (files left with none dropped). */
function withoutKeys(matches: readonly FileMatch[], keys: ReadonlySet<string>): FileMatch[] {
  if (keys.size === 0) return [...matches]
  const out: FileMatch[] = []
  for (const m of matches) {
    const kept = m.keys.flatMap((k, i) => (keys.has(k) ? [] : [i]))
    if (kept.length === m.keys.length) out.push(m)
    else if (kept.length > 0)
      out.push({
        file: m.file,
        keys: kept.map((i) => m.keys[i] as string),
        positions: kept.map((i) => m.positions[i] as number),
        values: kept.map((i) => m.values[i] as string),
      })
  }
  return out
}

function countMatches(matches: readonly FileMatch[]): number {
  return matches.reduce((n, m) => n + m.keys.length, 0)
}

function firstValue(df: pl.DataFrame, fields: readonly FieldIR[]): unknown {
  return clashValue(fields.map((f) => df.getColumn(f.column).get(0)))
}

/** A Map key for a primary-key value (1 and 1n are the same key). */
export function keyOf(value: unknown): unknown {
  return typeof value === 'bigint'
    ? Number.isSafeInteger(Number(value))
      ? Number(value)
      : `${value}n`
    : value
}

function checkWindow(entity: string, limit: number | undefined, offset: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new QueryError(`${entity}: limit must be a non-negative integer, got ${String(limit)}`)
  }
  if (offset !== undefined && (!Number.isInteger(offset) || offset < 0)) {
    throw new QueryError(`${entity}: offset must be a non-negative integer, got ${String(offset)}`)
  }
}

/**
 * Saves of consecutive callers with the same mode as one save (one frame, one unique check): a hundred one-row
 * creates become one insert of a hundred rows, not a transaction of a hundred operations. Order is kept (for
 * upserts of one key, the last wins).
 */
function mergeSaves<T>(ops: readonly TxOperation<T>[]): TxOperation<T>[] {
  const out: TxOperation<T>[] = []
  for (const op of ops) {
    const last = out.at(-1)
    if (op.kind === 'save' && last?.kind === 'save' && last.mode === op.mode) {
      out[out.length - 1] = {
        kind: 'save',
        mode: op.mode,
        input: [...last.input, ...op.input],
        pending: [...last.pending, ...op.pending],
      }
    } else out.push(op)
  }
  return out
}

/** The name history records a commit of table operations under: one operation's own, several as one transaction. */
function operationName(ops: readonly TableOperation[]): OperationName {
  const [only] = ops
  if (ops.length !== 1 || !only) return 'TRANSACTION'
  switch (only.kind) {
    case 'append':
      return 'APPEND'
    case 'insert':
      return 'INSERT'
    case 'upsert':
      return 'UPSERT'
    case 'deleteKeys':
    case 'deleteWhere':
      return 'DELETE'
    case 'overwrite':
      return 'OVERWRITE'
  }
}

/** Validates table operations and writes their new rows' data files (not yet part of any version). */
function prepareOperations(table: Table, ops: readonly TableOperation[]): Promise<PreparedWrite> {
  return table.prepare(operationName(ops), ops)
}

/**
 * Commits a prepared write, then starts the maintenance it made due. `checked`: a newer version the caller read
 * (the unique check's, under the write lock) that the first attempt plans against when its schema is the one the
 * rows were written for; else that attempt would lose the race to it.
 */
async function commitPrepared(
  table: Table,
  prepared: PreparedWrite,
  checked?: Snapshot,
): Promise<CommitResult> {
  const start =
    checked &&
    checked.version > prepared.start.version &&
    metadataCacheKey(checked.metadata) === metadataCacheKey(prepared.start.metadata)
      ? checked
      : prepared.start
  const { result } = await table.commitPrepared({ ...prepared, start })
  table.maintain()
  return result
}

/** Commits table operations as one commit (history names a lone operation, else TRANSACTION). */
async function commitOperations(table: Table, ops: readonly TableOperation[]): Promise<CommitResult> {
  return commitPrepared(table, await prepareOperations(table, ops))
}
