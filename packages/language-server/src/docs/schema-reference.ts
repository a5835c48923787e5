import type { ScalarTypeName } from '@parquetframe/runtime/schema'

/** How a scalar type appears in TypeScript and in Parquet files (schema/README.md, "Fields"); Avro types come from the runtime. */
export interface ScalarTypeDoc {
  readonly typescript: string
  /** The Parquet column type the runtime writes. */
  readonly parquet: string
  readonly doc: string
}

/** The scalar types, in the order completion offers them. */
export const SCALAR_TYPES: Readonly<Record<ScalarTypeName, ScalarTypeDoc>> = {
  Int: { typescript: 'number', parquet: 'int64', doc: 'A safe integer (±2^53−1).' },
  BigInt: { typescript: 'bigint', parquet: 'int64', doc: 'A 64-bit integer.' },
  Float: { typescript: 'number', parquet: 'float64 (double)', doc: 'A 64-bit float.' },
  Decimal: {
    typescript: 'string',
    parquet: 'DECIMAL(p, s); a bare Decimal is DECIMAL(38, 18)',
    doc: 'A decimal number kept exactly: Decimal(precision, scale), as in SQL (precision 1..38, scale 0..precision).',
  },
  String: { typescript: 'string', parquet: 'string (UTF-8)', doc: 'UTF-8 text.' },
  Boolean: { typescript: 'boolean', parquet: 'boolean', doc: '`true` or `false`.' },
  DateTime: {
    typescript: 'Date',
    parquet: 'timestamp, microseconds, UTC',
    doc: 'An instant, UTC, microsecond precision.',
  },
  Date: {
    typescript: "DateOnly ('YYYY-MM-DD')",
    parquet: 'date (days)',
    doc: 'A calendar date without time.',
  },
  Json: { typescript: 'any JSON value', parquet: 'string (JSON text)', doc: 'Any JSON value.' },
  Bytes: {
    typescript: 'Uint8Array',
    parquet: 'binary (BYTE_ARRAY)',
    doc: 'Binary data (Avro tables store it as Avro bytes).',
  },
}

/** What an attribute is for, as completion and hover show it. */
export interface AttributeDoc {
  /** How it is written, with placeholders: `@default(value)`. */
  readonly signature: string
  /** What the editor inserts (a snippet: `$1` marks the cursor). */
  readonly snippet: string
  readonly doc: string
}

/** Attributes after a field's type. */
export const FIELD_ATTRIBUTE_DOCS: Readonly<Record<string, AttributeDoc>> = {
  id: {
    signature: '@id',
    snippet: 'id',
    doc: 'The primary key. Exactly one per entity, not optional, of type Int, BigInt, String, Decimal, Date, DateTime or an enum.',
  },
  unique: {
    signature: '@unique',
    snippet: 'unique',
    doc: 'Values are unique. Not on lists, Json or Bytes.',
  },
  index: {
    signature: '@index',
    snippet: 'index',
    doc: 'Keep an index on the field for lookups. Not on lists, Json or Bytes.',
  },
  default: {
    signature: '@default(value)',
    snippet: 'default($1)',
    doc: 'The value used when a create leaves the field out: a literal, `now()` (DateTime), `autoincrement()` (Int, BigInt), `uuid()` (String), an enum value, or `null` on an optional field. Not on lists.',
  },
  map: {
    signature: '@map("column")',
    snippet: 'map("$1")',
    doc: 'The column name in storage; defaults to the field name.',
  },
  relation: {
    signature: '@relation(foreignKey: field, references: field)',
    snippet: 'relation(foreignKey: $1)',
    doc: "Only on relation fields. `foreignKey` names the key field (on this entity for a single relation, on the target for a list relation); `references` the field it points at (default: the other side's `@id`).",
  },
}

/** Attributes after an entity's name. */
export const ENTITY_ATTRIBUTE_DOCS: Readonly<Record<string, AttributeDoc>> = {
  storage: {
    signature: '@storage("dir")',
    snippet: 'storage("$1")',
    doc: 'The table directory, relative to the store base directory. Default: the entity name in snake_case.',
  },
  format: {
    signature: '@format(parquet|avro)',
    snippet: 'format($1)',
    doc: 'The file format of this table. Default: `config format`, else `parquet`.',
  },
  partitionBy: {
    signature: '@partitionBy(field, ...)',
    snippet: 'partitionBy($1)',
    doc: 'Hive partitioning (`day=2024-05-01/`) by one or more scalar fields.',
  },
}

/** `@@` attributes inside an entity's body. */
export const BLOCK_ATTRIBUTE_DOCS: Readonly<Record<string, AttributeDoc>> = {
  index: {
    signature: '@@index([a, b])',
    snippet: 'index([$1])',
    doc: 'A composite index over stored fields.',
  },
  unique: {
    signature: '@@unique([a, b])',
    snippet: 'unique([$1])',
    doc: 'A composite unique key over stored fields.',
  },
}

/** Keys of the `config` block. */
export const CONFIG_KEY_DOCS: Readonly<Record<string, { readonly snippet: string; readonly doc: string }>> = {
  storage: {
    snippet: 'storage = "$1"',
    doc: 'Base directory of the store; table directories are relative to it.',
  },
  format: { snippet: 'format = $1', doc: 'Default format of every entity: `parquet` (default) or `avro`.' },
  output: { snippet: 'output = "$1"', doc: 'Where `pf generate` writes the generated code.' },
}
