import { join } from 'node:path'
import { commitTables, type TableWrite } from '../table/multi-table-commit.js'
import type { Table } from '../table/table.js'
import { DuplicateKeyError } from '../table/table-errors.js'
import { tableLockPath, withWriteLocks } from '../table/write-lock.js'
import { ValidationError } from './entity-errors.js'
import { type EntityClass, entryOf, type RegisteredEntity } from './entity-registry.js'
import type { EntityStore } from './entity-store.js'
import type { CreateInput, WhereInput } from './query-types.js'
import type { Repository, TxOperation } from './repository.js'

/**
 * Collects the writes of `store.transaction(...)`. Every call validates at once (a ValidationError is thrown
 * inside the callback, before anything is written); the writes are committed together when the callback
 * returns, as ONE atomic commit across the entities' tables: all of them or none.
 */
export class EntityTransaction {
  /** @internal Staged operations per entity, in call order. */
  readonly staged = new Map<RegisteredEntity, TxOperation<object>[]>()

  /** @internal */
  constructor(private readonly store: EntityStore) {}

  private repo(entity: object | EntityClass): Repository<object> {
    const ctor = typeof entity === 'function' ? (entity as EntityClass) : (entity.constructor as EntityClass)
    let entry: RegisteredEntity
    try {
      entry = entryOf(ctor)
    } catch (error) {
      throw new ValidationError([
        {
          path: ctor.name || 'transaction',
          message: `not a registered entity class: ${(error as Error).message}`,
        },
      ])
    }
    return this.store.repositoryOf(entry)
  }

  private push(repo: Repository<object>, op: TxOperation<object>): void {
    const list = this.staged.get(repo.entry) ?? []
    list.push(op)
    this.staged.set(repo.entry, list)
  }

  /** Saves an entity (insert, or update by primary key). */
  save<T extends object>(entity: T): T {
    const repo = this.repo(entity)
    this.push(repo, repo.stage([entity], 'upsert'))
    return entity
  }

  /** Saves several entities (of any entity classes). */
  saveAll<T extends object>(entities: readonly T[]): T[] {
    for (const e of entities) this.save(e)
    return [...entities]
  }

  /** A new entity of `cls` from plain data; the commit fails with UniqueConstraintError if its key exists. */
  create<T extends object>(cls: EntityClass<T>, data: NoInfer<CreateInput<T>>): T {
    const repo = this.repo(cls)
    const op = repo.stage([data as object], 'insert')
    this.push(repo, op)
    return op.input[0] as T
  }

  /** Inserts or replaces by primary key, from plain data. */
  upsert<T extends object>(cls: EntityClass<T>, data: NoInfer<CreateInput<T>>): T {
    const repo = this.repo(cls)
    const op = repo.stage([data as object], 'upsert')
    this.push(repo, op)
    return op.input[0] as T
  }

  /** Deletes an entity by its primary key. */
  delete<T extends object>(entity: T): void {
    const repo = this.repo(entity)
    this.push(repo, repo.stageDelete(entity))
  }

  /** Deletes the entities of `cls` matching a filter (an unknown field is an error). */
  deleteBy<T extends object>(cls: EntityClass<T>, where: NoInfer<WhereInput<T>>): void {
    const repo = this.repo(cls)
    this.push(repo, repo.stageDeleteBy(where as WhereInput<object>))
  }
}

/**
 * Runs `build` and commits what it staged as one atomic commit across the tables of the store. Entities with
 * `@unique` fields or autoincrement values take their tables' write locks (in path order) for the commit.
 */
export async function runTransaction<R>(
  store: EntityStore,
  build: (tx: EntityTransaction) => R | Promise<R>,
): Promise<R> {
  const tx = new EntityTransaction(store)
  const value = await build(tx)
  if (tx.staged.size === 0) return value
  const parts: { repo: Repository<object>; table: Table; ops: TxOperation<object>[] }[] = []
  for (const [entry, ops] of tx.staged) {
    const repo = store.repositoryOf(entry)
    parts.push({ repo, table: await repo.table(), ops })
  }
  const lockedParts = parts.filter((p) => p.repo.needsLock(p.ops))
  // This process's log-first inserts into those tables are published and their sessions end: they hold the locks.
  await Promise.all(lockedParts.map((p) => p.table.releaseLogFirst()))
  const locked = lockedParts.map((p) => ({
    path: tableLockPath(p.table.path),
    options: { fs: p.table.fs, table: p.table.name },
  }))
  await withWriteLocks(locked, async () => {
    const writes: TableWrite[] = []
    try {
      for (const p of parts) {
        const operations = await p.repo.tableOperations(p.table, p.ops)
        writes.push({ table: p.table, build: (t) => void t.operations.push(...operations) })
      }
      await commitTables(writes, { decisionDir: join(store.basePath, '_pf_txn') })
    } catch (error) {
      for (const p of parts) p.repo.unstage(p.ops)
      const owner =
        error instanceof DuplicateKeyError ? parts.find((p) => p.table.name === error.table) : undefined
      throw owner
        ? owner.repo.entityError(
            error,
            owner.ops.flatMap((op) => (op.kind === 'save' ? op.input : [])),
          )
        : error
    }
  })
  store.stats.commits++
  for (const p of parts) p.repo.committed(p.ops)
  return value
}
