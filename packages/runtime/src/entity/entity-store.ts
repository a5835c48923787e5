import { resolve } from 'node:path'
import { parseConfigValue } from '../config/config-values.js'
import { declaredEntityBasePath, getConfig } from '../config/index.js'
import { creationSettingSource, warnTableKeepsSetting } from '../config/table-kept-setting.js'
import { ConfigError } from '../errors/pf-error.js'
import { withDecimalArguments } from '../schema/decimal-spec.js'
import type { EntityIR, StorageFormatName } from '../schema/schema-ir.js'
import { DecodedFileCache, defaultDecodedFileCache } from '../secondary-index/decoded-file-cache.js'
import { handedOverLocksReleased } from '../table/file-lock.js'
import type { FileSystem } from '../table/file-system.js'
import { KeyIndexCache } from '../table/key-index-cache.js'
import type { UpdateMode } from '../table/log-entry.js'
import { createTable, openTable, type Table } from '../table/table.js'
import { adoptTable } from '../table/table-adoption.js'
import { TableExistsError, TableNotFoundError, TableProtocolError } from '../table/table-errors.js'
import { tableLockPath } from '../table/write-lock.js'
import { EntitySchemaError } from './entity-errors.js'
import { tableFolder } from './entity-ir-check.js'
import { type EntityClass, effectiveFormat, entryOf, type RegisteredEntity } from './entity-registry.js'
import { type EntityTransaction, runTransaction } from './entity-transaction.js'
import { fieldTypeToString } from './field-type-spec.js'
import { foreignTableError } from './foreign-table-check.js'
import { Repository } from './repository.js'

/** Options of `openStore`. */
export interface StoreOptions {
  /** Format of tables whose entity names none. Default: config `entityFormat` (env PARQUETFRAME_ENTITY_FORMAT). */
  readonly format?: StorageFormatName
  /**
   * How tables this store creates apply updates and deletes; a table that exists keeps the mode it was created with.
   * Default: config `updateMode` (env PARQUETFRAME_UPDATE_MODE), `'merge-on-read'`.
   */
  readonly updateMode?: UpdateMode
  /** File-system seam handed to the tables (tests inject faults with it). Default: the real file system. */
  readonly fs?: FileSystem
  /**
   * Most bytes of decoded data files this store holds in memory, one cache for `find` by key and indexed `findBy`
   * (estimated; least recently used dropped first). Default: the process-wide cache every store shares, 256 MiB.
   */
  readonly decodedFileCacheBytes?: number
}

/** Counters of the table operations a store performed: what tests and benchmarks check (e.g. one scan per include). */
export interface StoreStats {
  /** Lazy scans of a table (queries, counts with a filter, relation loads). */
  scans: number
  /** Primary-key lookups (`find`, `post.author()`). */
  keyLookups: number
  /** Commits (each save, saveAll, delete... is one). */
  commits: number
}

/**
 * Where entities live: a base directory holding one table per entity (`<base>/<storage>`). Repositories and
 * opened tables are cached per class.
 */
export class EntityStore {
  /** The absolute base directory. */
  readonly basePath: string
  /** Format of tables whose entity names none. */
  readonly format: StorageFormatName
  /** How tables this store creates apply updates and deletes (deletion vectors or rewritten files). */
  readonly updateMode: UpdateMode
  /** Operation counters, starting at 0. */
  readonly stats: StoreStats = { scans: 0, keyLookups: 0, commits: 0 }
  /** The decoded data files this store's finds hold (`bytes`, `size`: what they hold now). */
  readonly decodedFiles: DecodedFileCache
  private readonly fs: FileSystem | undefined
  /** The tables' key index when the store has a decoded-file cache of its own. */
  private readonly keyIndex: KeyIndexCache | undefined
  private readonly repositories = new Map<RegisteredEntity, Repository<object>>()
  private readonly tables = new Map<string, Promise<Table>>()
  /** Where `format` and `updateMode` were chosen, to say so when an existing table keeps other ones. */
  private readonly chosenBy: {
    readonly format?: string | undefined
    readonly updateMode?: string | undefined
  }

  constructor(basePath: string, options: StoreOptions = {}) {
    this.basePath = resolve(basePath)
    this.format = options.format ?? getConfig().entityFormat
    this.updateMode =
      options.updateMode === undefined
        ? getConfig().updateMode
        : parseConfigValue('updateMode', options.updateMode, 'openStore options')
    this.chosenBy = {
      format: creationSettingSource('entityFormat', options.format),
      updateMode: creationSettingSource('updateMode', options.updateMode),
    }
    this.fs = options.fs
    const bytes = options.decodedFileCacheBytes
    if (bytes === undefined) {
      this.decodedFiles = defaultDecodedFileCache
    } else {
      if (!Number.isSafeInteger(bytes) || bytes < 0)
        throw new ConfigError(
          `openStore: decodedFileCacheBytes must be a whole number of bytes >= 0, got ${bytes}`,
        )
      this.decodedFiles = new DecodedFileCache(bytes)
      this.keyIndex = new KeyIndexCache({ files: this.decodedFiles })
    }
  }

  /** The repository of an entity class in this store. */
  repository<T extends object>(ctor: EntityClass<T>): Repository<T> {
    const entry = entryOf(ctor)
    let repo = this.repositories.get(entry)
    if (!repo) {
      repo = new Repository<object>(this, entry)
      this.repositories.set(entry, repo)
    }
    return repo as Repository<T>
  }

  /**
   * Writes of several entities (of any classes of this store) as ONE atomic commit across their tables: all
   * or none. `build` stages them (`tx.save(user)`, `tx.create(Post, {...})`, `tx.delete(x)`,
   * `tx.deleteBy(Comment, where)`), validating each at once; the commit happens when it returns. Returns
   * what `build` returns. See docs/entities.md, "Transactions".
   */
  transaction<R>(build: (tx: EntityTransaction) => R | Promise<R>): Promise<R> {
    return runTransaction(this, build)
  }

  /**
   * Resolves once the work the store's commits started in the background (checkpoints, automatic compactions; see
   * `Table.settled`) is done or has failed, and the write locks its tables keep for a next locked write are
   * released (see `withFileLock`'s `handOver`). Nothing is lost without it (the log is the truth): call it before a
   * process exits, or before removing the store's folder, to leave that work finished.
   */
  async settled(): Promise<void> {
    const tables = (await Promise.allSettled([...this.tables.values()])).flatMap((t) =>
      t.status === 'fulfilled' ? [t.value] : [],
    )
    // Tables first: their log-first insert sessions hold write locks until they end.
    await Promise.all(tables.map((t) => t.settled()))
    await handedOverLocksReleased(tables.map((t) => tableLockPath(t.path)))
  }

  /** The repository of a registered entity entry. */
  repositoryOf(entry: RegisteredEntity): Repository<object> {
    return this.repository(entry.ctor)
  }

  /** The table directory of an entity: `storage` under the base path; throws when it would leave the base. */
  tablePath(entry: RegisteredEntity): string {
    // Resolved and checked once per entity: every find asks for its table.
    let path = this.tablePaths.get(entry)
    if (path === undefined) {
      path = tableFolder(this.basePath, entry.ir)
      this.tablePaths.set(entry, path)
    }
    return path
  }
  private readonly tablePaths = new WeakMap<RegisteredEntity, string>()

  /** The format new tables of this entity get. */
  formatOf(entry: RegisteredEntity): StorageFormatName {
    return effectiveFormat(entry, this.format)
  }

  /**
   * Adopts the Delta table another writer created in the entity's folder (`adoptTable`: one commit adding pf's
   * metadata, refused with the reasons when the entity or the stored rows do not fit); from then on the entity
   * reads and writes it. Without it, such a table stays read-only for entities.
   */
  async adopt(ctor: EntityClass): Promise<void> {
    const entry = entryOf(ctor)
    const path = this.tablePath(entry)
    const format = entry.formatExplicit ? this.formatOf(entry) : 'parquet'
    this.tables.delete(path)
    await adoptTable(path, {
      entity: this.storedEntity(entry, format),
      enums: [...entry.enums.values()],
      ...(this.fs ? { fs: this.fs } : {}),
    })
  }

  /** The entity as its table stores it: relation targets by name (classes resolve on first use). */
  private storedEntity(entry: RegisteredEntity, format: StorageFormatName): EntityIR {
    const relations = entry.ir.relations.map((r) => ({ ...r, target: entry.registry.targetName(entry, r) }))
    return { ...entry.ir, format, relations }
  }

  /** Opens the entity's table, creating it on first use; checks the stored schema matches the entity's. */
  table(entry: RegisteredEntity): Promise<Table> {
    const path = this.tablePath(entry)
    let table = this.tables.get(path)
    if (!table) {
      table = this.openOrCreate(entry, path)
      this.tables.set(path, table)
      table.catch(() => this.tables.delete(path))
    }
    return table
  }

  private async openOrCreate(entry: RegisteredEntity, path: string): Promise<Table> {
    const options = { ...(this.fs && { fs: this.fs }), ...(this.keyIndex && { keyIndex: this.keyIndex }) }
    const format = this.formatOf(entry)
    let table: Table
    try {
      table = await openTable(path, options)
      warnTableKeepsSetting(
        path,
        'updateMode',
        table.metadata.updateMode,
        this.updateMode,
        this.chosenBy.updateMode,
      )
      if (!entry.formatExplicit)
        warnTableKeepsSetting(path, 'entityFormat', table.metadata.format, format, this.chosenBy.format)
    } catch (error) {
      // Another writer's Delta table: say which fields fit it and which do not.
      if (error instanceof TableProtocolError)
        throw (await foreignTableError(entry.ir, path, this.fs)) ?? error
      if (!(error instanceof TableNotFoundError)) throw error
      try {
        // Relation targets given as classes (decorators) are stored by name: the IR holds '' until resolved.
        const entity = this.storedEntity(entry, format)
        const enums = [...entry.enums.values()]
        table = await createTable(path, { ...options, entity, enums, format, updateMode: this.updateMode })
      } catch (createError) {
        if (!(createError instanceof TableExistsError)) throw createError
        table = await openTable(path, options)
      }
    }
    checkStoredSchema(entry, table, path, entry.formatExplicit ? format : undefined)
    return table
  }
}

/** Fails when the stored table's fields differ from the entity's (a migration is needed). */
function checkStoredSchema(
  entry: RegisteredEntity,
  table: Table,
  path: string,
  format: StorageFormatName | undefined,
): void {
  const stored = table.metadata.entity
  const name = entry.ir.name
  const storedByName = new Map(stored.fields.map((f) => [f.name, f]))
  const problems: string[] = []
  for (const field of entry.ir.fields) {
    const old = storedByName.get(field.name)
    if (!old) {
      problems.push(`${name}.${field.name}: not in the stored table`)
      continue
    }
    // A Decimal without precision (an IR from before Decimal(p, s)) is the default decimal(38, 18).
    const was = `${fieldTypeToString(withDecimalArguments(old.type))}${old.optional ? '?' : ''}`
    const now = `${fieldTypeToString(withDecimalArguments(field.type))}${field.optional ? '?' : ''}`
    if (was !== now || old.column !== field.column) {
      problems.push(
        `${name}.${field.name}: stored as ${was} (column ${old.column}), declared as ${now} (column ${field.column})`,
      )
    }
    storedByName.delete(field.name)
  }
  for (const old of storedByName.values()) problems.push(`${name}.${old.name}: stored but no longer declared`)
  if (stored.primaryKey.join() !== entry.ir.primaryKey.join()) {
    problems.push(
      `${name}: primary key stored as ${stored.primaryKey.join()}, declared as ${entry.ir.primaryKey.join()}`,
    )
  }
  if (format && table.metadata.format !== format) {
    problems.push(`${name}: stored as ${table.metadata.format}, declared as ${format}`)
  }
  if (problems.length > 0) throw new EntitySchemaError(path, problems)
}

/** A store at a base directory (relative paths resolve against the working directory). */
export function openStore(basePath: string, options: StoreOptions = {}): EntityStore {
  return new EntityStore(basePath, options)
}

/** `defaultStore().transaction(build)`: an atomic commit across entity tables of the default store. */
export function transaction<R>(build: (tx: EntityTransaction) => R | Promise<R>): Promise<R> {
  return defaultStore().transaction(build)
}

const defaultStores = new Map<string, EntityStore>()

/**
 * The store active-record statics use: base path from config `entityBasePath` (setConfig/withConfig, else env
 * PARQUETFRAME_ENTITY_BASE_PATH), else the storage folder generated modules declare (the schema's config), else the
 * working directory; format and update mode from config `entityFormat` and `updateMode`. Follows config changes
 * (`setConfig`, `withConfig`).
 */
export function defaultStore(): EntityStore {
  const config = getConfig()
  const base = resolve(config.entityBasePath ?? declaredEntityBasePath() ?? process.cwd())
  const key = `${config.entityFormat}\u0000${config.updateMode}\u0000${base}`
  let store = defaultStores.get(key)
  if (!store) {
    store = new EntityStore(base) // format and update mode from the same config, with where each was chosen
    defaultStores.set(key, store)
  }
  return store
}
