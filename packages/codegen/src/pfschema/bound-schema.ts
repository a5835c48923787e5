import type { ScalarTypeName, StorageFormatName } from '@parquetframe/runtime/schema'
import type {
  AstSpan,
  AttributeNode,
  EntityNode,
  EnumNode,
  FieldNode,
  NameNode,
  ValueNode,
} from './pfschema-ast.js'

// The schema after name resolution and attribute binding: what the checks and the IR lowering read.

/** What a field's type name refers to. */
export type ResolvedType =
  | { readonly kind: 'scalar'; readonly name: ScalarTypeName }
  | { readonly kind: 'enum'; readonly name: string }
  | { readonly kind: 'entity'; readonly name: string }
  | { readonly kind: 'unknown'; readonly name: string }

/** A string argument with its position. */
export interface Located<T> {
  readonly value: T
  readonly span: AstSpan
}

export interface BoundRelationAttribute {
  readonly attribute: AttributeNode
  readonly foreignKey: NameNode | undefined
  readonly references: NameNode | undefined
}

export interface BoundField {
  readonly node: FieldNode
  readonly name: string
  readonly type: ResolvedType
  readonly typeSpan: AstSpan
  readonly listDepth: number
  readonly optional: boolean
  /** `Decimal(precision, scale)` as written (scale 0 when only the precision is given); undefined without arguments. */
  readonly decimal: { readonly precision: number; readonly scale: number } | undefined
  readonly id: AttributeNode | undefined
  readonly unique: AttributeNode | undefined
  readonly index: AttributeNode | undefined
  readonly default: { readonly attribute: AttributeNode; readonly value: ValueNode } | undefined
  readonly map: Located<string> | undefined
  readonly relation: BoundRelationAttribute | undefined
}

export interface BoundFieldList {
  readonly fields: readonly NameNode[]
  readonly span: AstSpan
}

export interface BoundEntity {
  readonly node: EntityNode
  readonly name: string
  readonly fields: readonly BoundField[]
  readonly storage: Located<string> | undefined
  readonly format: Located<StorageFormatName> | undefined
  readonly partitionBy: readonly NameNode[]
  readonly indexes: readonly BoundFieldList[]
  readonly uniques: readonly BoundFieldList[]
}

export interface BoundEnum {
  readonly node: EnumNode
  readonly name: string
  readonly values: readonly string[]
}

export interface BoundConfig {
  readonly storage: Located<string> | undefined
  readonly format: Located<StorageFormatName> | undefined
  readonly output: Located<string> | undefined
}

export interface BoundSchema {
  readonly config: BoundConfig
  readonly enums: readonly BoundEnum[]
  readonly entities: readonly BoundEntity[]
  readonly entityByName: ReadonlyMap<string, BoundEntity>
  readonly enumByName: ReadonlyMap<string, BoundEnum>
  readonly files: readonly string[]
}

/** Stored fields are the ones with a column: everything but relation fields. */
export function isStoredField(field: BoundField): boolean {
  return field.type.kind !== 'entity'
}

/** `Int`, `String[]`, `Role?`: a field's type as written, for messages. */
export function typeLabel(field: BoundField): string {
  return `${field.type.name}${'[]'.repeat(field.listDepth)}${field.optional ? '?' : ''}`
}
