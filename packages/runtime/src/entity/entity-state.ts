import type { EntityStore } from './entity-store.js'

/*
 * What the runtime remembers about an entity instance, kept off its enumerable properties: the store it came
 * from (relations and save() go back there) and whether it was loaded with `select` (partial: cannot be saved). Loaded entities get the store through their prototype (one
 * intermediate prototype per store and class), so materialising a million entities costs nothing extra.
 */

const STORE = Symbol('parquetframe.store')
const PARTIAL = Symbol('parquetframe.partial')
const storePrototypes = new WeakMap<EntityStore, Map<object, { full: object; partial: object }>>()

/** The prototype for entities of `classPrototype` loaded from `store` (full, or partial for `select`). */
export function prototypeFor(store: EntityStore, classPrototype: object, partial: boolean): object {
  let byClass = storePrototypes.get(store)
  if (!byClass) {
    byClass = new Map()
    storePrototypes.set(store, byClass)
  }
  let protos = byClass.get(classPrototype)
  if (!protos) {
    const full = Object.create(classPrototype, { [STORE]: { value: store } })
    const partialProto = Object.create(classPrototype, {
      [STORE]: { value: store },
      [PARTIAL]: { value: true },
    })
    protos = { full, partial: partialProto }
    byClass.set(classPrototype, protos)
  }
  return partial ? protos.partial : protos.full
}

/**
 * Base of `Entity`: a private slot for the store an instance created with `new` was saved to. Filling a slot the
 * constructor made costs a few nanoseconds; adding a property to a million saved objects costs ~0.35 s. Private
 * fields are invisible to `Object.keys`, `JSON.stringify`, spreading and deep equality.
 */
export abstract class StoreSlot {
  #store: EntityStore | undefined = undefined

  /** Fills the slot; false when the object has none (not constructed through `Entity`). */
  static fill(entity: object, store: EntityStore): boolean {
    if (!(#store in entity)) return false
    entity.#store = store
    return true
  }

  /** The slot's store, if the object has a filled slot. */
  static read(entity: object): EntityStore | undefined {
    return #store in entity ? entity.#store : undefined
  }
}

/** Binds an instance (created with `new`) to the store it was saved to. */
export function bindStore(entity: object, store: EntityStore): void {
  if (StoreSlot.fill(entity, store)) return
  if ((entity as Record<symbol, unknown>)[STORE] === store) return
  Object.defineProperty(entity, STORE, {
    value: store,
    configurable: true,
    enumerable: false,
    writable: true,
  })
}

/** The store an entity was loaded from or saved to, if any. */
export function storeOf(entity: object): EntityStore | undefined {
  return StoreSlot.read(entity) ?? (entity as Record<symbol, EntityStore | undefined>)[STORE]
}

/** True when the entity was loaded with `select` (some fields missing). */
export function isPartial(entity: object): boolean {
  return (entity as Record<symbol, unknown>)[PARTIAL] === true
}

/**
 * Stores a relation loaded by `include` as an own enumerable property of the entity, shadowing the accessor
 * method of the prototype (`user.posts` is then the `Post[]`; `JSON.stringify` includes it). Not a field: saving
 * ignores it.
 */
export function setLoadedRelation(entity: object, name: string, value: unknown): void {
  Object.defineProperty(entity, name, { value, writable: true, configurable: true, enumerable: true })
}
