// biome-ignore-all lint/complexity/noThisInStatic: the statics act on the subclass they are called on (User.find), which `this` is
import type { EntityClass } from './entity-registry.js'
import { StoreSlot, storeOf } from './entity-state.js'
import { defaultStore, type EntityStore } from './entity-store.js'
import type {
  CreateInput,
  FindManyQuery,
  FindResult,
  PrimaryKeyOf,
  RelationQuery,
  StreamQuery,
  WhereInput,
} from './query-types.js'
import type { Repository } from './repository.js'

/**
 * Base class of active-record entities. Statics are typed through `this`, so `User.find(1)` returns
 * `Promise<User | null>` and `User.findMany({ where: { nme: 'x' } })` does not compile. Statics use the default
 * store (config `entityBasePath` / `entityFormat`); `User.repo(store)` gives the same API on another store.
 * Instances remember the store they were loaded from or saved to.
 */
export abstract class Entity extends StoreSlot {
  /** The repository of this class in `store` (default: the default store). */
  static repo<T extends Entity>(this: EntityClass<T>, store?: EntityStore): Repository<T> {
    return (store ?? defaultStore()).repository(this)
  }

  /** Creates and stores a new entity; fails with UniqueConstraintError if the primary key exists. */
  static create<T extends Entity>(this: EntityClass<T>, data: NoInfer<CreateInput<T>>): Promise<T> {
    return defaultStore().repository(this).create(data)
  }

  /** The entity with this primary key, or null. */
  static find<T extends Entity>(this: EntityClass<T>, pk: NoInfer<PrimaryKeyOf<T>>): Promise<T | null> {
    return defaultStore().repository(this).find(pk)
  }

  /** Every entity, in insertion order. */
  static findAll<T extends Entity>(this: EntityClass<T>): Promise<T[]> {
    return defaultStore().repository(this).findAll()
  }

  /** Entities matching a filter. */
  static findBy<T extends Entity>(this: EntityClass<T>, where: NoInfer<WhereInput<T>>): Promise<T[]> {
    return defaultStore().repository(this).findBy(where)
  }

  /** The first entity matching a filter, or null. */
  static findOne<T extends Entity>(this: EntityClass<T>, where: NoInfer<WhereInput<T>>): Promise<T | null> {
    return defaultStore().repository(this).findOne(where)
  }

  /** Entities matching a query (where, orderBy, limit, offset, select, include). */
  static findMany<T extends Entity, const Q extends FindManyQuery<T> = FindManyQuery<T>>(
    this: EntityClass<T>,
    query?: Q,
  ): Promise<FindResult<T, Q>[]> {
    return defaultStore().repository(this).findMany(query)
  }

  /** Number of entities, optionally matching a filter. */
  static count<T extends Entity>(this: EntityClass<T>, where?: NoInfer<WhereInput<T>>): Promise<number> {
    return defaultStore().repository(this).count(where)
  }

  /** Whether an entity matches the filter. */
  static exists<T extends Entity>(this: EntityClass<T>, where: NoInfer<WhereInput<T>>): Promise<boolean> {
    return defaultStore().repository(this).exists(where)
  }

  /** Stores many entities (or plain data) in one commit. */
  static saveAll<C extends EntityClass<Entity>>(
    this: C,
    items: readonly (InstanceType<C> | CreateInput<InstanceType<C>>)[],
  ): Promise<InstanceType<C>[]> {
    return defaultStore()
      .repository(this as unknown as EntityClass<InstanceType<C>>)
      .saveAll(items)
  }

  /** Inserts or replaces by primary key. */
  static upsert<C extends EntityClass<Entity>>(
    this: C,
    data: InstanceType<C> | CreateInput<InstanceType<C>>,
  ): Promise<InstanceType<C>> {
    return defaultStore()
      .repository(this as unknown as EntityClass<InstanceType<C>>)
      .upsert(data)
  }

  /** Deletes the entities matching a filter; returns how many. */
  static deleteBy<T extends Entity>(this: EntityClass<T>, where: NoInfer<WhereInput<T>>): Promise<number> {
    return defaultStore().repository(this).deleteBy(where)
  }

  /** Deletes every entity; returns how many. */
  static deleteAll<T extends Entity>(this: EntityClass<T>): Promise<number> {
    return defaultStore().repository(this).deleteAll()
  }

  /** Entities matching a query, read in batches (default 10,000) with bounded memory. */
  static stream<T extends Entity>(
    this: EntityClass<T>,
    query?: StreamQuery<T>,
  ): AsyncGenerator<T, void, undefined> {
    return defaultStore().repository(this).stream(query)
  }

  /** Stores this entity: inserts it, or replaces the stored one with the same primary key. */
  save(): Promise<this> {
    return this.repository().save(this) as Promise<this>
  }

  /** Deletes this entity by primary key; true when a row was removed. */
  delete(): Promise<boolean> {
    return this.repository().delete(this)
  }

  /** Loads relation `name` (what generated relation methods call): entity or null for `one`, list for `many`. */
  protected related<R>(name: string, query?: RelationQuery<object>): Promise<R> {
    return this.repository().related(this, name, query) as Promise<R>
  }

  private repository(): Repository<Entity> {
    const store = storeOf(this) ?? defaultStore()
    return store.repository(this.constructor as EntityClass<Entity>)
  }
}

/** Type of a one-to-many (or many-to-many) relation accessor: `posts!: HasMany<Post>`. */
export type HasMany<T> = (query?: RelationQuery<T>) => Promise<T[]>

/** Type of a many-to-one relation accessor: `author!: BelongsTo<User>`. */
export type BelongsTo<T> = (query?: Pick<RelationQuery<T>, 'where'>) => Promise<T | null>
