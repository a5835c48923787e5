/**
 * The schema IR: the one description of entities that both front-ends
 * (.pfschema files and decorated classes) produce, and that the emitters and
 * the runtime read. Plain data, JSON-serialisable, no polars here.
 */

/** Scalar types of the schema language. */
export type ScalarTypeName =
  | 'Int' // JS number, safe integer; stored as int64 (Avro long)
  | 'BigInt' // JS bigint; stored as int64 (Avro long)
  | 'Float' // JS number; stored as float64 (Avro double)
  | 'Decimal' // JS string holding a decimal number; stored as decimal(precision, scale) (exact)
  | 'String'
  | 'Boolean'
  | 'DateTime' // JS Date, UTC; stored with microsecond precision
  | 'Date' // calendar date, JS string 'YYYY-MM-DD'; stored as date (days)
  | 'Json' // any JSON value; stored as a JSON string
  | 'Bytes' // Uint8Array; stored as binary (Parquet BYTE_ARRAY, Avro bytes)

export const SCALAR_TYPE_NAMES: readonly ScalarTypeName[] = [
  'Int',
  'BigInt',
  'Float',
  'Decimal',
  'String',
  'Boolean',
  'DateTime',
  'Date',
  'Json',
  'Bytes',
]

export type FieldType =
  | {
      readonly kind: 'scalar'
      readonly name: ScalarTypeName
      /** Decimal only: total digits, 1..38. The front-ends always set it (default in decimal-spec.ts). */
      readonly precision?: number
      /** Decimal only: digits after the point, 0..precision. */
      readonly scale?: number
    }
  | { readonly kind: 'enum'; readonly name: string }
  | { readonly kind: 'list'; readonly element: FieldType }

export type DefaultValue =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'now' }
  | { readonly kind: 'uuid' }
  | { readonly kind: 'autoincrement' }

/** A source location, for diagnostics that point back at the declaration. */
export interface SourceSpan {
  readonly file: string
  readonly line: number // 1-based
  readonly column: number // 1-based
  readonly length?: number
}

export interface FieldIR {
  readonly name: string
  /** Stable field id: never reused within an entity, so renames and drops need no data rewrite. */
  readonly id: number
  /** Column name in storage (`@map`); defaults to `name`. */
  readonly column: string
  readonly type: FieldType
  /** `T?`: the value may be null (and may be omitted on create). */
  readonly optional: boolean
  readonly isId: boolean
  readonly unique: boolean
  readonly index: boolean
  readonly default?: DefaultValue
  readonly doc?: string
  readonly span?: SourceSpan
}

export interface RelationIR {
  readonly name: string
  readonly target: string
  /** `one`: this entity holds the foreign key (post.author); `many`: the target holds it (user.posts). */
  readonly kind: 'one' | 'many'
  /** The field holding the key: on this entity for `one`, on the target for `many`. */
  readonly foreignKey: string
  /** The field the foreign key points at on the referenced side (default: its primary key). */
  readonly references: string
  /**
   * Many-to-many through an explicit join entity: `foreignKey` is the join entity's field pointing at this
   * entity, `targetKey` its field pointing at the target. `kind` is then `many`.
   */
  readonly through?: { readonly entity: string; readonly targetKey: string }
  readonly doc?: string
  readonly span?: SourceSpan
}

export type StorageFormatName = 'parquet' | 'avro'

export interface EntityIR {
  readonly name: string
  /** Table directory, relative to the store's base path. */
  readonly storage: string
  readonly format: StorageFormatName
  /** Field names making up the primary key (one today; a list so composite keys fit later). */
  readonly primaryKey: readonly string[]
  readonly partitionBy: readonly string[]
  readonly fields: readonly FieldIR[]
  readonly relations: readonly RelationIR[]
  readonly indexes: readonly (readonly string[])[]
  readonly uniques: readonly (readonly string[])[]
  readonly doc?: string
  readonly span?: SourceSpan
}

export interface EnumIR {
  readonly name: string
  readonly values: readonly string[]
  readonly doc?: string
  readonly span?: SourceSpan
}

export interface SchemaConfigIR {
  readonly storage?: string
  readonly format?: StorageFormatName
  readonly output?: string
}

export interface SchemaIR {
  readonly config: SchemaConfigIR
  readonly enums: readonly EnumIR[]
  readonly entities: readonly EntityIR[]
  /** The file(s) the IR came from, for generated headers. */
  readonly sources?: readonly string[]
}
