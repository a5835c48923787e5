import { withDecimalArguments } from '../schema/decimal-spec.js'
import type {
  DefaultValue,
  EntityIR,
  EnumIR,
  FieldIR,
  RelationIR,
  StorageFormatName,
} from '../schema/schema-ir.js'
import {
  metaForContext,
  metaForPrototype,
  type PendingField,
  type PendingMeta,
  pendingField,
  takeMetaForContext,
  takeMetaForPrototype,
} from './decorator-metadata.js'
import { EntityDeclarationError } from './entity-errors.js'
import type { EntityClass, RelationTarget } from './entity-registry.js'
import {
  type FieldTypeSpec,
  missingDesignTypeReason,
  resolveFieldTypeSpec,
  typeFromDesignType,
  typeSuggestion,
} from './field-type-spec.js'
import { registerEntity } from './register-entity.js'
import { relationAccessor } from './relation-accessor.js'

/** Options of `@entity(...)`. */
export interface EntityOptions {
  /** Table directory relative to the store's base path (an absolute path is used as is). Default: the entity name. */
  readonly storage?: string
  /** Primary key field; default: the field marked `@id()`. */
  readonly primaryKey?: string
  /** Storage format; default: the store's format (config `entityFormat`, env PARQUETFRAME_ENTITY_FORMAT). */
  readonly format?: StorageFormatName
  /** Entity name (relations by name use it); default: the class name. */
  readonly name?: string
  /** Multi-field unique constraints, besides `@unique()` fields. */
  readonly uniques?: readonly (readonly string[])[]
  /** Multi-field indexes, besides `@index()` fields. */
  readonly indexes?: readonly (readonly string[])[]
  /** Hive partition columns. Default none. */
  readonly partitionBy?: readonly string[]
  readonly doc?: string
}

/** Options of the field decorators. */
export interface FieldOptions {
  /** Storage type; needed wherever TypeScript cannot tell (see FieldTypeSpec). */
  readonly type?: FieldTypeSpec
  /** The value may be null / omitted. Default false (a `?` type suffix also sets it). */
  readonly optional?: boolean
  /** Column name in storage. Default: the field name. */
  readonly column?: string
  /** Decimal only: total digits, 1..38. Default 38 (with `scale` 18 when neither is given). */
  readonly precision?: number
  /** Decimal only: digits after the point, 0..precision. Default 0 when `precision` is given, else 18. */
  readonly scale?: number
  /** Default value applied on create: a literal, or `{ kind: 'now' }` / `{ kind: 'uuid' }`. */
  readonly default?: DefaultValue | string | number | boolean | null
  readonly doc?: string
}

/** Options of `@rel(...)`. */
export interface RelOptions {
  /** The foreign key field: on this entity (default), or on the target when `reverse` is true. */
  readonly foreignKey: string
  /** True when the target holds the key (one-to-many: `user.posts`). Default false (`post.author`). */
  readonly reverse?: boolean
  /** The field the key points at on the referenced side. Default: its primary key. */
  readonly references?: string
  /**
   * Many-to-many through a join entity (by name): `foreignKey` is then the join field pointing at this entity,
   * and `targetKey` the join field pointing at the target.
   */
  readonly through?: string
  readonly targetKey?: string
}

/** A field decorator usable with both standard and legacy (`experimentalDecorators`) decorators. */
export interface FieldDecorator {
  (value: undefined, context: ClassFieldDecoratorContext): void
  (target: object, propertyKey: string | symbol): void
}

/** A class decorator usable with both standard and legacy decorators. */
export interface ClassDecorator {
  <C extends EntityClass>(value: C, context: ClassDecoratorContext): C
  <C extends EntityClass>(target: C): C
}

/** A relation decorator for a field (`posts!: HasMany<Post>`) or a method, in both decorator modes. */
export interface RelDecorator {
  <V>(value: undefined, context: ClassFieldDecoratorContext<unknown, V>): (initial: V) => V
  <F>(value: F, context: ClassMethodDecoratorContext): F
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor
  (target: object, propertyKey: string | symbol): void
}

type StandardContext = {
  kind: string
  name: string | symbol
  metadata?: DecoratorMetadataObject
  static?: boolean
}

function isStandardContext(value: unknown): value is StandardContext {
  return typeof value === 'object' && value !== null && 'kind' in value && 'name' in value
}

function memberName(key: string | symbol, where: string): string {
  if (typeof key !== 'string')
    throw new EntityDeclarationError(`${where}: symbol and private members cannot be fields`)
  return key
}

function className(target: object): string {
  const ctor = (target as { constructor?: { name?: string } }).constructor
  return ctor?.name || '(anonymous class)'
}

/** Records `design:type` when a reflect-metadata implementation is installed and the compiler emitted it, else why not. */
function readDesignType(field: PendingField, target: object, key: string): void {
  const reflect = Reflect as unknown as { getMetadata?: (k: string, t: object, p: string) => unknown }
  if (typeof reflect.getMetadata !== 'function') {
    field.noDesignType = 'no-reflect-metadata'
    return
  }
  const type = reflect.getMetadata('design:type', target, key)
  if (type === undefined) field.noDesignType = 'not-emitted'
  else {
    field.designType = type
    delete field.noDesignType
  }
}

function normalizeOptions(arg: FieldTypeSpec | FieldOptions | undefined): FieldOptions {
  if (arg === undefined) return {}
  if (typeof arg === 'string' || 'kind' in arg) return { type: arg as FieldTypeSpec }
  return arg as FieldOptions
}

function toDefault(value: FieldOptions['default']): DefaultValue | undefined {
  if (value === undefined) return undefined
  if (value !== null && typeof value === 'object') return value
  return { kind: 'literal', value }
}

function fieldDecorator(apply: (field: PendingField) => void, decoratorName: string): FieldDecorator {
  return ((target: unknown, context: unknown) => {
    if (isStandardContext(context)) {
      if (context.kind !== 'field' || context.static) {
        throw new EntityDeclarationError(
          `@${decoratorName}() applies to instance fields, not to ${String(context.name)}`,
        )
      }
      const field = pendingField(
        metaForContext(context.metadata),
        memberName(context.name, `@${decoratorName}`),
      )
      field.noDesignType = 'standard-decorators'
      field.decorator ??= decoratorName
      apply(field)
      return
    }
    const prototype = target as object
    const name = memberName(context as string | symbol, `${className(prototype)} @${decoratorName}`)
    const field = pendingField(metaForPrototype(prototype), name)
    if (field.designType === undefined) readDesignType(field, prototype, name)
    field.decorator ??= decoratorName
    apply(field)
  }) as FieldDecorator
}

function applyOptions(field: PendingField, options: FieldOptions): void {
  if (options.type !== undefined) field.spec = options.type
  if (options.optional !== undefined) field.optional = options.optional
  if (options.column !== undefined) field.column = options.column
  if (options.precision !== undefined) field.precision = options.precision
  if (options.scale !== undefined) field.scale = options.scale
  const def = toDefault(options.default)
  if (def !== undefined) field.default = def
  if (options.doc !== undefined) field.doc = options.doc
}

/** Declares a stored field. The type is needed wherever TypeScript cannot tell (always, without `emitDecoratorMetadata`). */
export function field(type?: FieldTypeSpec | FieldOptions, options: FieldOptions = {}): FieldDecorator {
  const opts = { ...normalizeOptions(type), ...options }
  return fieldDecorator((f) => applyOptions(f, opts), 'field')
}

/** Marks the primary key field (optionally with its type: `@id('int')`). */
export function id(type?: FieldTypeSpec | FieldOptions): FieldDecorator {
  const opts = normalizeOptions(type)
  return fieldDecorator((f) => {
    f.isId = true
    applyOptions(f, opts)
  }, 'id')
}

/** Marks a field unique: enforced at write time. */
export function unique(type?: FieldTypeSpec | FieldOptions): FieldDecorator {
  const opts = normalizeOptions(type)
  return fieldDecorator((f) => {
    f.unique = true
    applyOptions(f, opts)
  }, 'unique')
}

/** Marks a field indexed (metadata for the table layer). */
export function index(type?: FieldTypeSpec | FieldOptions): FieldDecorator {
  const opts = normalizeOptions(type)
  return fieldDecorator((f) => {
    f.index = true
    applyOptions(f, opts)
  }, 'index')
}

/**
 * Declares a relation. `target` is an entity name, a class, or an arrow function returning the class (forward
 * references). Without `reverse`, `foreignKey` is on this entity (`post.author`); with it, on the target (`user.posts`).
 */
export function rel(target: RelationTarget, options: RelOptions): RelDecorator {
  return ((value: unknown, context: unknown, descriptor?: PropertyDescriptor) => {
    const standard = isStandardContext(context)
    const meta = standard ? metaForContext(context.metadata) : metaForPrototype(value as object)
    const name = memberName(
      standard ? context.name : (context as string | symbol),
      `@rel on ${standard ? 'a class' : className(value as object)}`,
    )
    if (options.through && !options.targetKey) {
      throw new EntityDeclarationError(
        `${name}: @rel({ through }) also needs targetKey (the join field pointing at the target)`,
      )
    }
    meta.relations.set(name, {
      name,
      target,
      kind: options.reverse || options.through ? 'many' : 'one',
      foreignKey: options.foreignKey,
      ...(options.references !== undefined ? { references: options.references } : {}),
      ...(options.through
        ? { through: { entity: options.through, targetKey: options.targetKey as string } }
        : {}),
    })
    const accessor = relationAccessor(name)
    if (standard) return context.kind === 'method' ? accessor : () => accessor
    if (descriptor) return { ...descriptor, value: accessor }
    return undefined
  }) as RelDecorator
}

/** Declares a class as an entity stored in a table. Works with standard and legacy decorators. */
export function entity(options: EntityOptions = {}): ClassDecorator {
  return ((ctor: EntityClass, context?: unknown) => {
    if (typeof ctor !== 'function') {
      throw new EntityDeclarationError(`@entity() must decorate a class, got ${typeof ctor}`)
    }
    const standard = isStandardContext(context)
    const meta = standard ? takeMetaForContext(context.metadata) : takeMetaForPrototype(ctor.prototype)
    const { ir, enums } = buildEntityIR(ctor.name, options, meta)
    const target =
      !standard && meta.relations.size > 0 ? withoutRelationShadows(ctor, [...meta.relations.keys()]) : ctor
    registerEntity(target, ir, enums, {
      formatExplicit: options.format !== undefined,
      relationTargets: Object.fromEntries([...meta.relations.values()].map((r) => [r.name, r.target])),
    })
    return target
  }) as ClassDecorator
}

/** Builds the IR of a decorated class; throws EntityDeclarationError naming class and field. */
export function buildEntityIR(
  className: string,
  options: EntityOptions,
  meta: PendingMeta,
): { ir: EntityIR; enums: EnumIR[] } {
  const name = options.name ?? className
  const enums = new Map<string, EnumIR>()
  const fields: FieldIR[] = []
  for (const pending of meta.fields.values()) {
    let type: FieldIR['type']
    let optional = pending.optional ?? false
    if (pending.spec !== undefined) {
      const resolved = resolveFieldTypeSpec(pending.spec)
      if (typeof resolved === 'string')
        throw EntityDeclarationError.unsupportedType(name, pending.name, resolved)
      type = resolved.type
      optional ||= resolved.optional
      for (const e of resolved.enums) {
        const existing = enums.get(e.name)
        if (existing && existing.values.join('\u0000') !== e.values.join('\u0000')) {
          throw new EntityDeclarationError(
            `${name}.${pending.name}: enum ${e.name} declared with different values`,
          )
        }
        enums.set(e.name, e)
      }
    } else {
      const fromDesign = typeFromDesignType(pending.designType, pending.isId)
      if (typeof fromDesign === 'string') {
        const decorator = pending.isId ? 'id' : (pending.decorator ?? 'field')
        throw EntityDeclarationError.unknownType(
          name,
          pending.name,
          pending.designType === undefined ? missingDesignTypeReason(pending.noDesignType) : fromDesign,
          typeSuggestion(decorator, pending.designType, pending.isId),
        )
      }
      type = fromDesign
    }
    fields.push({
      name: pending.name,
      id: fields.length + 1,
      column: pending.column ?? pending.name,
      type: withDecimalArguments(type, pending.precision, pending.scale),
      optional,
      isId: false,
      unique: pending.unique,
      index: pending.index,
      ...(pending.default !== undefined ? { default: pending.default } : {}),
      ...(pending.doc !== undefined ? { doc: pending.doc } : {}),
    })
  }
  if (fields.length === 0) {
    throw new EntityDeclarationError(
      `Entity ${name} declares no fields: it must be a class with decorated fields`,
    )
  }
  const marked = [...meta.fields.values()].filter((f) => f.isId).map((f) => f.name)
  if (marked.length > 1) {
    throw EntityDeclarationError.multiplePrimaryKeys(name, marked)
  }
  const primaryKey = options.primaryKey ?? marked[0]
  if (primaryKey === undefined) throw EntityDeclarationError.missingPrimaryKey(name)
  if (marked[0] !== undefined && marked[0] !== primaryKey) {
    throw new EntityDeclarationError(
      `Entity ${name}: @entity({ primaryKey: '${primaryKey}' }) disagrees with @id() on ${marked[0]}`,
    )
  }
  const withId = fields.map((f) => (f.name === primaryKey ? { ...f, isId: true } : f))
  const relations: RelationIR[] = [...meta.relations.values()].map((r) => ({
    name: r.name,
    target: typeof r.target === 'string' ? r.target : '',
    kind: r.kind,
    foreignKey: r.foreignKey,
    references: r.references ?? '',
    ...(r.through ? { through: r.through } : {}),
  }))
  const ir: EntityIR = {
    name,
    storage: options.storage ?? name,
    format: options.format ?? 'parquet',
    primaryKey: [primaryKey],
    partitionBy: [...(options.partitionBy ?? [])],
    fields: withId,
    relations,
    indexes: [
      ...withId.filter((f) => f.index).map((f) => [f.name]),
      ...(options.indexes ?? []).map((g) => [...g]),
    ],
    uniques: [
      ...withId.filter((f) => f.unique).map((f) => [f.name]),
      ...(options.uniques ?? []).map((g) => [...g]),
    ],
    ...(options.doc !== undefined ? { doc: options.doc } : {}),
  }
  return { ir, enums: [...enums.values()] }
}

/**
 * Legacy decorators cannot give fields an initializer, and with `useDefineForClassFields` a relation field is
 * defined as an own `undefined` that hides the accessor on the prototype: this subclass removes those.
 */
function withoutRelationShadows(ctor: EntityClass, names: readonly string[]): EntityClass {
  const Base = ctor as unknown as new (...args: unknown[]) => object
  const Sub = class extends Base {
    constructor(...args: unknown[]) {
      super(...args)
      for (const n of names) {
        if (Object.hasOwn(this, n) && (this as Record<string, unknown>)[n] === undefined) {
          delete (this as Record<string, unknown>)[n]
        }
      }
    }
  }
  Object.defineProperty(Sub, 'name', { value: ctor.name })
  return Sub as unknown as EntityClass
}
