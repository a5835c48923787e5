import pl from 'nodejs-polars'
import { FormatError } from '../errors/pf-error.js'
import { readContainerBlocks, readContainerHeader } from './avro-container.js'
import { collectNamedTypes } from './avro-named-types.js'
import { type AvroColumnMapping, avroColumnMapping, buildAvroColumn } from './avro-polars-types.js'
import type { AvroField, AvroType } from './avro-schema-types.js'
import { compileAvroType, isPrecisionLoss, sanitizeForDecoding } from './avro-types.js'
import { projectEager } from './lazy-projection.js'
import type { ReadOptions } from './storage-format.js'

interface RecordSchemaLike {
  readonly type: 'record'
  readonly fields: readonly AvroField[]
}

function isRecordSchema(schema: unknown): schema is RecordSchemaLike {
  const s = schema as { type?: unknown; fields?: unknown } | null
  return typeof s === 'object' && s !== null && s.type === 'record' && Array.isArray(s.fields)
}

/** Decodes every record into one array per field, in the file's field order. */
function decodeColumns(
  bytes: Buffer,
  schema: unknown,
  width: number,
  limit: number,
  exact: boolean,
): { columns: unknown[][]; rows: number } {
  const { header, offset } = readContainerHeader(bytes)
  const type = compileAvroType(sanitizeForDecoding(schema), exact)
  const keys = Array.from({ length: width }, (_, i) => `f${i}`)
  const columns: unknown[][] = keys.map(() => [])
  let rows = 0
  for (const block of readContainerBlocks(bytes, header, offset)) {
    const data = Buffer.from(block.data.buffer, block.data.byteOffset, block.data.byteLength)
    let pos = 0
    for (let i = 0; i < block.count && rows < limit; i++, rows++) {
      const decoded = type.decode(data, pos)
      if (decoded.offset < 0) throw new Error('truncated block (a record ends past its block)')
      pos = decoded.offset
      const record = decoded.value as Record<string, unknown>
      for (let j = 0; j < width; j++) columns[j]!.push(record[keys[j]!] ?? null)
    }
    if (rows >= limit) break
  }
  return { columns, rows }
}

/**
 * Reads an Avro object container file into a frame with dtypes derived from the writer's schema, columns
 * in the file's order. Schemas this runtime cannot map (nested records, maps, fixed, multi-type unions,
 * non-record top level) are handed to polars' own reader. Throws plain errors; callers name the file.
 */
export function decodeAvroFrame(bytes: Buffer, options: ReadOptions = {}): pl.DataFrame {
  const { header } = readContainerHeader(bytes)
  const schema = JSON.parse(header.schemaJson) as unknown
  const mappings: (AvroColumnMapping | null)[] = []
  if (isRecordSchema(schema)) {
    const named = collectNamedTypes(schema as AvroType)
    for (const field of schema.fields) mappings.push(avroColumnMapping(field.type, named))
  }
  if (!isRecordSchema(schema) || mappings.some((m) => m === null)) {
    return projectEager(pl.readAvro(bytes), options)
  }
  const names = schema.fields.map((f) => f.name)
  if (options.columns) {
    const missing = options.columns.filter((c) => !names.includes(c))
    if (missing.length > 0) {
      throw new FormatError(
        `No column ${missing.map((c) => `"${c}"`).join(', ')} in the file (columns: ${names.join(', ')})`,
      )
    }
  }
  const limit = options.nRows ?? Number.POSITIVE_INFINITY
  let exact = false
  let decoded: { columns: unknown[][]; rows: number }
  try {
    decoded = decodeColumns(bytes, schema, names.length, limit, false)
  } catch (error) {
    if (!isPrecisionLoss(error)) throw error
    exact = true
    decoded = decodeColumns(bytes, schema, names.length, limit, true)
  }
  const wanted = options.columns ?? names
  const series = wanted.map((name) => {
    const j = names.indexOf(name)
    return buildAvroColumn(mappings[j]!, name, decoded.columns[j]!, exact)
  })
  return pl.DataFrame(series)
}
