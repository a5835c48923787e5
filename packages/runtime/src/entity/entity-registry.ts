import type { EntityIR, EnumIR, FieldIR, RelationIR, StorageFormatName } from '../schema/schema-ir.js'
import { checkRelation, storageClash } from '../schema/schema-rules.js'
import { EntityDeclarationError, EntityNotRegisteredError } from './entity-errors.js'
import { checkEntityIR } from './entity-ir-check.js'

/** Any class whose instances are entities. Constructor arguments do not matter: loading never calls it. */
export interface EntityClass<T extends object = object> {
  new (...args: never[]): T
  readonly prototype: T
  readonly name: string
}

/** Target of a relation: an entity name, a class, or a thunk returning a class (for forward references). */
export type RelationTarget = string | EntityClass | (() => EntityClass)

/** Options of `registerEntity` beyond the IR. */
export interface RegisterEntityOptions {
  /** Relation name → target class (or thunk), when the class is known; otherwise targets resolve by name. */
  readonly relationTargets?: Readonly<Record<string, RelationTarget>>
  /**
   * True when `ir.format` was chosen by the entity (`@entity({ format })`, `@format(...)`); false lets the store's
   * format (config `entityFormat`) decide. Default true.
   */
  readonly formatExplicit?: boolean
}

/** One registered entity: its unique identity, class and IR. */
export interface RegisteredEntity {
  /** Unique identity: two classes with the same name get different ids. */
  readonly id: symbol
  /** The registry holding it (relations by name resolve there). */
  readonly registry: EntityRegistry
  readonly ctor: EntityClass
  readonly ir: EntityIR
  /** Enums used by the entity's fields, by name. */
  readonly enums: ReadonlyMap<string, EnumIR>
  /** Whether `ir.format` was chosen by the entity (else the store's format applies). */
  readonly formatExplicit: boolean
  /** Fields by name. */
  readonly fieldsByName: ReadonlyMap<string, FieldIR>
  /** The primary key field (the first, composite keys are not supported yet). */
  readonly primaryKey: FieldIR
}

/** A relation with both ends known. */
export interface ResolvedRelation {
  readonly relation: RelationIR
  readonly source: RegisteredEntity
  readonly target: RegisteredEntity
  /** Field on the side that is referenced (target for `one`, source for `many`); defaults to its primary key. */
  readonly references: string
  /** Many-to-many through a join entity. */
  readonly through?: {
    readonly join: RegisteredEntity
    /** Join field pointing at the source (`relation.foreignKey`). */
    readonly sourceKey: string
    /** Join field pointing at the target. */
    readonly targetKey: string
  }
}

/**
 * Entities by unique identity (a Symbol per class), also findable by class and by name. Both decorators and
 * generated code (`registerEntity`) end here.
 */
export class EntityRegistry {
  private readonly byClass = new Map<EntityClass, RegisteredEntity>()
  private readonly byName = new Map<string, RegisteredEntity[]>()
  private readonly targets = new Map<RegisteredEntity, Map<string, RelationTarget>>()
  private readonly resolved = new Map<RegisteredEntity, Map<string, ResolvedRelation>>()

  /**
   * Registers a class with its IR; re-registering the same class replaces its entry. Throws on an invalid IR, and
   * when its table folder is, contains or lies inside another registered entity's (PF5003, PF5004).
   */
  register(
    ctor: EntityClass,
    ir: EntityIR,
    enums: readonly EnumIR[] = [],
    options: RegisterEntityOptions = {},
  ): RegisteredEntity {
    if (typeof ctor !== 'function' || !ctor.prototype) {
      throw new EntityDeclarationError(`Entity ${ir.name}: must be a class, got ${typeof ctor}`)
    }
    const enumMap = new Map(enums.map((e) => [e.name, e]))
    checkEntityIR(ir, enumMap)
    // The cross-entity storage rule `pf validate` applies, against the other entities of this registry.
    const others = [...this.byClass.values()].filter((e) => e.ctor !== ctor).map((e) => e.ir)
    const clash = storageClash(ir, others)
    if (clash !== undefined) throw EntityDeclarationError.fromIssues([clash])
    const fieldsByName = new Map(ir.fields.map((f) => [f.name, f]))
    const pkName = ir.primaryKey[0] as string
    const entry: RegisteredEntity = {
      id: Symbol(ir.name),
      registry: this,
      ctor,
      ir,
      enums: enumMap,
      formatExplicit: options.formatExplicit ?? true,
      fieldsByName,
      primaryKey: fieldsByName.get(pkName) as FieldIR,
    }
    const previous = this.byClass.get(ctor)
    if (previous) this.forget(previous)
    this.byClass.set(ctor, entry)
    const sameName = this.byName.get(ir.name) ?? []
    sameName.push(entry)
    this.byName.set(ir.name, sameName)
    this.targets.set(entry, new Map(Object.entries(options.relationTargets ?? {})))
    this.resolved.clear()
    registries.set(ctor, this)
    return entry
  }

  /** The entry of a class, or undefined. Subclasses of an entity are not the entity. */
  tryGet(ctor: EntityClass): RegisteredEntity | undefined {
    return this.byClass.get(ctor)
  }

  /** The entry of a class; throws when the class is not registered. */
  get(ctor: EntityClass): RegisteredEntity {
    const entry = this.byClass.get(ctor)
    if (!entry) {
      throw new EntityNotRegisteredError(
        ctor?.name ?? String(ctor),
        'decorate the class with @entity or call registerEntity',
      )
    }
    return entry
  }

  /** The entries registered under a name (several when classes in different modules share a name). */
  named(name: string): readonly RegisteredEntity[] {
    return this.byName.get(name) ?? []
  }

  /** Every registered entity. */
  all(): readonly RegisteredEntity[] {
    return [...this.byClass.values()]
  }

  /** Resolves a target given as name, class or thunk; throws EntityNotRegisteredError. */
  resolveTarget(target: RelationTarget): RegisteredEntity {
    if (typeof target === 'string') {
      const found = this.named(target)
      if (found.length === 1) return found[0] as RegisteredEntity
      if (found.length > 1) {
        throw new EntityNotRegisteredError(
          target,
          `${found.length} classes share this name; give the class instead`,
        )
      }
      throw new EntityNotRegisteredError(target)
    }
    const ctor = isThunk(target) ? target() : target
    const entry = ctor ? (this.byClass.get(ctor) ?? registries.get(ctor)?.tryGet(ctor)) : undefined
    if (!entry) throw new EntityNotRegisteredError(ctor?.name ?? String(ctor))
    return entry
  }

  /** A relation of an entity with its target resolved (lazily, so forward references work). Cached. */
  relation(entry: RegisteredEntity, name: string): ResolvedRelation {
    let cache = this.resolved.get(entry)
    if (!cache) {
      cache = new Map()
      this.resolved.set(entry, cache)
    }
    const hit = cache.get(name)
    if (hit) return hit
    const relation = entry.ir.relations.find((r) => r.name === name)
    if (!relation) {
      const names = entry.ir.relations.map((r) => r.name)
      throw new EntityDeclarationError(
        `${entry.ir.name}.${name} is not a relation. Relations: ${names.join(', ') || '(none)'}`,
      )
    }
    const resolved = this.resolveRelation(entry, relation)
    checkResolvedRelation(resolved)
    cache.set(name, resolved)
    return resolved
  }

  /** The name a relation's target has (resolving a class target), for IR output. */
  targetName(entry: RegisteredEntity, relation: RelationIR): string {
    const given = this.targets.get(entry)?.get(relation.name)
    if (given === undefined || typeof given === 'string') return given ?? relation.target
    return this.resolveTarget(given).ir.name
  }

  private resolveRelation(source: RegisteredEntity, relation: RelationIR): ResolvedRelation {
    const given = this.targets.get(source)?.get(relation.name)
    const target = this.resolveTarget(given ?? relation.target)
    const where = `${source.ir.name}.${relation.name}`
    if (relation.through) {
      const join = this.resolveTarget(relation.through.entity)
      requireField(join, relation.foreignKey, `${where}: join entity`)
      requireField(join, relation.through.targetKey, `${where}: join entity`)
      return {
        relation,
        source,
        target,
        references: source.primaryKey.name,
        through: { join, sourceKey: relation.foreignKey, targetKey: relation.through.targetKey },
      }
    }
    if (relation.kind === 'one') {
      requireField(source, relation.foreignKey, `${where}: foreign key`)
      const references = relation.references || target.primaryKey.name
      requireField(target, references, `${where}: referenced field`)
      return { relation, source, target, references }
    }
    requireField(target, relation.foreignKey, `${where}: foreign key`)
    const references = relation.references || source.primaryKey.name
    requireField(source, references, `${where}: referenced field`)
    return { relation, source, target, references }
  }

  private forget(entry: RegisteredEntity): void {
    const list = this.byName.get(entry.ir.name)?.filter((e) => e !== entry) ?? []
    if (list.length > 0) this.byName.set(entry.ir.name, list)
    else this.byName.delete(entry.ir.name)
    this.targets.delete(entry)
  }
}

/** The shared relation rules (key types match, PF4004), once both ends are known: as `pf validate` checks them. */
function checkResolvedRelation(resolved: ResolvedRelation): void {
  const { relation, source, target, through } = resolved
  const named: RelationIR = {
    ...relation,
    target: target.ir.name,
    ...(through ? { through: { entity: through.join.ir.name, targetKey: through.targetKey } } : {}),
  }
  const byName = new Map([source, target, ...(through ? [through.join] : [])].map((e) => [e.ir.name, e.ir]))
  const errors = checkRelation(source.ir, named, byName).filter((i) => i.severity === 'error')
  if (errors.length > 0) throw EntityDeclarationError.fromIssues(errors)
}

function requireField(entry: RegisteredEntity, field: string, what: string): void {
  if (!entry.fieldsByName.has(field)) {
    throw new EntityDeclarationError(
      `${what} '${field}' does not exist on ${entry.ir.name}. Fields: ${[...entry.fieldsByName.keys()].join(', ')}`,
    )
  }
}

/** An arrow function (no prototype) is a thunk; a class has a prototype. */
function isThunk(target: EntityClass | (() => EntityClass)): target is () => EntityClass {
  return typeof target === 'function' && !Object.hasOwn(target, 'prototype')
}

/** The process-wide registry that decorators and `registerEntity` use (unless inside `withRegistry`). */
export const defaultRegistry = new EntityRegistry()

const registries = new WeakMap<EntityClass, EntityRegistry>()
let current: EntityRegistry = defaultRegistry

/** The registry declarations go to now: `defaultRegistry`, or the one of the enclosing `withRegistry`. */
export function currentRegistry(): EntityRegistry {
  return current
}

/**
 * Declares entities into an isolated registry: classes decorated (or registered) while `declare` runs go there,
 * and relation targets named by string resolve among them. For tests and plugins that reuse entity names.
 */
export function withRegistry<T>(registry: EntityRegistry, declare: () => T): T {
  const previous = current
  current = registry
  try {
    return declare()
  } finally {
    current = previous
  }
}

/** The registry entry of a class, whichever registry holds it; throws EntityNotRegisteredError. */
export function entryOf(ctor: EntityClass): RegisteredEntity {
  return (registries.get(ctor) ?? defaultRegistry).get(ctor)
}

/** The unique identity of a registered class. */
export function entityId(ctor: EntityClass): symbol {
  return entryOf(ctor).id
}

/** The IR of a registered class, with relation targets given as classes resolved to names. */
export function entityIR(ctor: EntityClass): EntityIR {
  const entry = entryOf(ctor)
  return {
    ...entry.ir,
    relations: entry.ir.relations.map((r) => ({ ...r, target: entry.registry.targetName(entry, r) })),
  }
}

/** The storage format of an entity in a store whose default format is `storeFormat`. */
export function effectiveFormat(entry: RegisteredEntity, storeFormat: StorageFormatName): StorageFormatName {
  return entry.formatExplicit ? entry.ir.format : storeFormat
}
