import { isDeepStrictEqual } from 'node:util'
import pl from 'nodejs-polars'
import { ThriftCompactReader, type ThriftStruct, type ThriftValue } from '../format/thrift-compact-reader.js'
import type { EntityIR } from '../schema/schema-ir.js'
import { encodeParquet } from './parquet-encoder.js'
import { polarsTypeForField } from './polars-schema.js'
import { encodeSmallParquet, type SmallColumn, type SmallParquetLayout } from './small-parquet-writer.js'
import { smallColumnType } from './small-rows.js'

/** How a table's small files are written so that they have its other files' schema, byte for byte. */
export interface SmallWriteLayout {
  /** Whose schema conventions the table's writer follows. */
  readonly layout: SmallParquetLayout
  /** The ARROW:schema its files carry (base64 text); undefined when it writes none. */
  readonly arrowSchema: string | undefined
}

/** Layouts already decided, by the stored fields' columns and types (tables of one entity share one). */
const cache = new Map<string, SmallWriteLayout | undefined>()
/** The same, by entity object: a table's metadata keeps one, so an insert costs a lookup, not a JSON key. */
const byEntity = new WeakMap<EntityIR, SmallWriteLayout | null>()

/** A Parquet file's footer (FileMetaData), its binary fields plain Uint8Arrays (never Buffers) to compare. */
function footerOf(bytes: Uint8Array): ThriftStruct {
  const n = bytes.length
  const plain = new Uint8Array(bytes.buffer, bytes.byteOffset, n)
  const length = Buffer.from(plain.buffer, plain.byteOffset, n).readUInt32LE(n - 8)
  return new ThriftCompactReader(plain.subarray(n - 8 - length, n - 8)).readStruct()
}

function text(value: ThriftValue | undefined): string | undefined {
  return value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : undefined
}

function arrowSchemaOf(meta: ThriftStruct): string | undefined {
  let found: string | undefined
  for (const kv of Array.isArray(meta.get(5)) ? (meta.get(5) as ThriftValue[]) : [])
    if (kv instanceof Map && text(kv.get(1)) === 'ARROW:schema') found = text(kv.get(2))
  return found
}

/**
 * The layout of small files of a stored entity, read from an empty file the table's writer (encodeParquet: polars,
 * or arrow-rs for Decimal/Bytes fields) writes once per schema: its ARROW:schema, and the layout whose schema
 * elements equal the writer's (physical types, annotations, names, nesting). Undefined when no layout does, or a
 * field has a type the small writer does not store: small inserts of the entity then take the polars path, so a
 * table's files never differ in physical types (readers like Spark refuse such a table).
 */
export function smallWriteLayout(entity: EntityIR): SmallWriteLayout | undefined {
  const known = byEntity.get(entity)
  if (known !== undefined) return known ?? undefined
  const key = JSON.stringify(entity.fields.map((f) => [f.column, f.type]))
  const layout = cache.has(key) ? cache.get(key) : decide(entity)
  cache.set(key, layout)
  byEntity.set(entity, layout ?? null)
  return layout
}

function decide(entity: EntityIR): SmallWriteLayout | undefined {
  const columns: SmallColumn[] = []
  for (const field of entity.fields) {
    const type = smallColumnType(field)
    if (type === undefined) return undefined
    columns.push({ ...type, name: field.column, values: [] })
  }
  let reference: ThriftStruct
  try {
    // nodejs-polars builds no empty List series from an empty array: each column is an empty Utf8 one cast to its
    // dtype.
    const empty = pl.DataFrame(
      entity.fields.map((f) => pl.Series(f.column, [], pl.Utf8).cast(polarsTypeForField(f.type))),
    )
    reference = footerOf(encodeParquet(empty, 'uncompressed', { entity }))
  } catch {
    // The writer cannot write this schema empty: the polars path writes the rows, and words its error if any.
    return undefined
  }
  for (const layout of ['polars', 'arrow-rs'] as const) {
    const ours = footerOf(encodeSmallParquet(columns, 0, { layout }).bytes)
    if (isDeepStrictEqual(ours.get(2), reference.get(2)))
      return { layout, arrowSchema: arrowSchemaOf(reference) }
  }
  return undefined
}
