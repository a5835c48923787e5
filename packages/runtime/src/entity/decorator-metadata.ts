import type { DefaultValue } from '../schema/schema-ir.js'
import type { RelationTarget } from './entity-registry.js'
import type { FieldTypeSpec } from './field-type-spec.js'

/** What field decorators record about one field until `@entity` builds the IR. */
export interface PendingField {
  readonly name: string
  spec?: FieldTypeSpec
  /** `design:type` from `emitDecoratorMetadata`, when Reflect.getMetadata exists. */
  designType?: unknown
  /** Why no `design:type` came, for the message when the type is needed. */
  noDesignType?: MissingDesignType
  /** The decorator that first described the field (`id`, `field`...), for the suggestion. */
  decorator?: string
  optional?: boolean
  column?: string
  /** Decimal options (`@field('decimal', { precision, scale })`). */
  precision?: number
  scale?: number
  isId: boolean
  unique: boolean
  index: boolean
  default?: DefaultValue
  doc?: string
}

/**
 * Why a field has no `design:type`: standard decorators never get one, legacy ones need a loaded reflect-metadata
 * and a compiler that emits it (tsc with emitDecoratorMetadata; tsx and esbuild never do).
 */
export type MissingDesignType = 'standard-decorators' | 'no-reflect-metadata' | 'not-emitted'

/** What `@rel` records about one relation. */
export interface PendingRelation {
  readonly name: string
  readonly target: RelationTarget
  readonly kind: 'one' | 'many'
  readonly foreignKey: string
  readonly references?: string
  readonly through?: { readonly entity: string; readonly targetKey: string }
}

/** Everything the member decorators of one class recorded. */
export interface PendingMeta {
  readonly fields: Map<string, PendingField>
  readonly relations: Map<string, PendingRelation>
}

const META = Symbol('parquetframe.entity.meta')
const legacyMeta = new WeakMap<object, PendingMeta>()
/** Standard decorators compiled without Symbol.metadata support: members of the class being defined now. */
let orphanMeta: PendingMeta | undefined

function emptyMeta(): PendingMeta {
  return { fields: new Map(), relations: new Map() }
}

/** The pending metadata of the class a standard decorator context belongs to. */
export function metaForContext(metadata: DecoratorMetadataObject | undefined): PendingMeta {
  if (!metadata) {
    orphanMeta ??= emptyMeta()
    return orphanMeta
  }
  const bag = metadata as Record<symbol, unknown>
  if (!Object.hasOwn(bag, META)) bag[META] = emptyMeta()
  return bag[META] as PendingMeta
}

/** The pending metadata of the class whose prototype a legacy decorator received. */
export function metaForPrototype(prototype: object): PendingMeta {
  let meta = legacyMeta.get(prototype)
  if (!meta) {
    meta = emptyMeta()
    legacyMeta.set(prototype, meta)
  }
  return meta
}

/** The metadata of a standard-decorated class, merged with its decorated ancestors (ancestors first). */
export function takeMetaForContext(metadata: DecoratorMetadataObject | undefined): PendingMeta {
  if (!metadata) {
    const meta = orphanMeta ?? emptyMeta()
    orphanMeta = undefined
    return meta
  }
  const chain: PendingMeta[] = []
  for (let m: object | null = metadata; m; m = Object.getPrototypeOf(m)) {
    if (Object.hasOwn(m, META)) chain.unshift((m as Record<symbol, unknown>)[META] as PendingMeta)
  }
  return merge(chain)
}

/** The metadata of a legacy-decorated class, merged with its decorated ancestors (ancestors first). */
export function takeMetaForPrototype(prototype: object): PendingMeta {
  const chain: PendingMeta[] = []
  for (let p: object | null = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const meta = legacyMeta.get(p)
    if (meta) chain.unshift(meta)
  }
  return merge(chain)
}

function merge(chain: readonly PendingMeta[]): PendingMeta {
  const out = emptyMeta()
  for (const meta of chain) {
    for (const [k, v] of meta.fields) out.fields.set(k, { ...v })
    for (const [k, v] of meta.relations) out.relations.set(k, v)
  }
  return out
}

/** The field entry for `name`, created on first use (several decorators can describe one field). */
export function pendingField(meta: PendingMeta, name: string): PendingField {
  let field = meta.fields.get(name)
  if (!field) {
    field = { name, isId: false, unique: false, index: false }
    meta.fields.set(name, field)
  }
  return field
}
