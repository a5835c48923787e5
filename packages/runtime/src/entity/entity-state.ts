import type { EntityStore } from './entity-store.js'

/*
 * What the runtime remembers about an entity instance, kept off its enumerable properties: the store it came
 * from (relations and save() go back there), whether it was loaded with `select` (partial: cannot be saved),
 * and relations preloaded by `include`. Loaded entities get the store through their prototype (one
 * intermediate prototype per store and class), so materialising a million entities costs nothing extra.
 */

const STORE = Symbol('parquetframe.store')
const PARTIAL = Symbol('parquetframe.partial')
const loadedRelations = new WeakMap<object, Map<string, unknown>>()
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

/** Binds an instance (created with `new`) to the store it was saved to. */
export function bindStore(entity: object, store: EntityStore): void {
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
  return (entity as Record<symbol, EntityStore | undefined>)[STORE]
}

/** True when the entity was loaded with `select` (some fields missing). */
export function isPartial(entity: object): boolean {
  return (entity as Record<symbol, unknown>)[PARTIAL] === true
}

/** Records a relation preloaded by `include`. */
export function setLoadedRelation(entity: object, name: string, value: unknown): void {
  let map = loadedRelations.get(entity)
  if (!map) {
    map = new Map()
    loadedRelations.set(entity, map)
  }
  map.set(name, value)
}

/** A relation preloaded by `include`, if any (`has` distinguishes a loaded null). */
export function loadedRelation(entity: object, name: string): { has: boolean; value: unknown } {
  const map = loadedRelations.get(entity)
  return map?.has(name) ? { has: true, value: map.get(name) } : { has: false, value: undefined }
}

/** Forgets preloaded relations (after the entity was saved or deleted). */
export function clearLoadedRelations(entity: object): void {
  loadedRelations.delete(entity)
}
