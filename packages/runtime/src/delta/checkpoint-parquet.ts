// Delta Lake checkpoints in Parquet (PROTOCOL.md "Checkpoints"): actions in, bytes out, and back. One row per action,
// one struct column per action kind (checkpoint-arrow-schema.ts). Written and read with parquet-wasm (arrow-rs) and
// apache-arrow, never polars: nodejs-polars cannot write map columns and aborts the process on some nested map files.
import type { DataType as ArrowDataType, Table as ArrowTable, Vector } from 'apache-arrow'
import { ParquetFrameError } from '../errors/pf-error.js'
import { DataType, Table, tableFromIPC, tableToIPC, vectorFromArray } from '../vendor/apache-arrow.js'
import { parquetWasm } from '../vendor/parquet-wasm.js'
import {
  CHECKPOINT_COLUMNS,
  CHECKPOINT_V2_COLUMNS,
  type CheckpointColumn,
  type CheckpointFieldKind,
  type CheckpointStructSpec,
  checkpointColumnType,
} from './checkpoint-arrow-schema.js'
import type { DeltaAction } from './delta-actions.js'

/** A string map as the spec's JSON holds it (`tags`, `checkpointMetadata.tags`...); null values allowed. */
export type DeltaStringMap = Readonly<Record<string, string | null>>

/** PROTOCOL.md "Domain Metadata" (delta-actions.ts does not define it yet). */
export interface DeltaDomainMetadata {
  readonly domain: string
  readonly configuration: string
  readonly removed: boolean
}

/** PROTOCOL.md "Checkpoint Metadata" (V2 checkpoints only). */
export interface DeltaCheckpointMetadata {
  readonly version: number
  readonly tags?: DeltaStringMap
}

/** PROTOCOL.md "Sidecar File Information" (V2 checkpoints only): `path` is relative to `_delta_log/_sidecars/`. */
export interface DeltaSidecar {
  readonly path: string
  readonly sizeInBytes: number
  readonly modificationTime: number
  readonly tags?: DeltaStringMap
}

/** One action a checkpoint holds: any commit action but commitInfo (the spec keeps provenance out), or a domain. */
export type DeltaCheckpointAction =
  | Exclude<DeltaAction, { readonly commitInfo: unknown }>
  | { readonly domainMetadata: DeltaDomainMetadata }

/** One action read from a checkpoint: a V2-spec checkpoint adds `checkpointMetadata` and `sidecar` rows. */
export type DeltaCheckpointReadAction =
  | DeltaCheckpointAction
  | { readonly checkpointMetadata: DeltaCheckpointMetadata }
  | { readonly sidecar: DeltaSidecar }

/** A checkpoint that cannot be written or read: names the file (or "checkpoint") and the column (`add.size`). */
export class CheckpointFormatError extends ParquetFrameError {
  constructor(
    /** The checkpoint file the caller named, or "checkpoint". */
    readonly file: string,
    /** The column path at fault (`add.size`), when one is. */
    readonly column: string | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      'PF_DELTA_CHECKPOINT',
      `Delta checkpoint ${file}${column === undefined ? '' : `, ${column}`}: ${detail}`,
      options,
    )
  }
}

/** Fields the spec requires, per column; a row missing one is refused, read or written. */
const REQUIRED: { readonly [column: string]: readonly string[] } = {
  add: ['path', 'partitionValues', 'size', 'modificationTime', 'dataChange'],
  remove: ['path', 'dataChange'],
  metaData: ['id', 'format', 'schemaString', 'partitionColumns', 'configuration'],
  protocol: ['minReaderVersion', 'minWriterVersion'],
  txn: ['appId', 'version'],
  domainMetadata: ['domain', 'configuration', 'removed'],
  checkpointMetadata: ['version'],
  sidecar: ['path', 'sizeInBytes', 'modificationTime'],
  'add.deletionVector': ['storageType', 'pathOrInlineDv', 'sizeInBytes', 'cardinality'],
  'remove.deletionVector': ['storageType', 'pathOrInlineDv', 'sizeInBytes', 'cardinality'],
  'metaData.format': ['provider'],
}

const INT32_MAX = 2 ** 31 - 1

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

// ---- encode -------------------------------------------------------------------------------------------------------

/** Options of {@link encodeCheckpoint}. */
export interface EncodeCheckpointOptions {
  /** The file name used in error messages. Default is "checkpoint". */
  file?: string
}

/**
 * The Parquet bytes of a classic (V1-spec) checkpoint holding `actions`, one row each, in order. Snappy-compressed
 * V1 data pages, which Spark, delta-rs, the kernels and DuckDB all read. Refuses commitInfo, cdc and unknown actions
 * (a checkpoint must not keep them) and values outside their column's type.
 */
export function encodeCheckpoint(
  actions: readonly DeltaCheckpointAction[],
  options: EncodeCheckpointOptions = {},
): Uint8Array {
  const file = options.file ?? 'checkpoint'
  const columnNames = Object.keys(CHECKPOINT_COLUMNS) as CheckpointColumn[]
  const rows = new Map<CheckpointColumn, (Record<string, unknown> | null)[]>(
    columnNames.map((column) => [
      column,
      new Array<Record<string, unknown> | null>(actions.length).fill(null),
    ]),
  )
  actions.forEach((action, index) => {
    const keys = Object.keys(action)
    const column = keys[0]
    if (keys.length !== 1 || column === undefined)
      throw new CheckpointFormatError(
        file,
        undefined,
        `action ${index} must have exactly one kind, has ${keys.length === 0 ? 'none' : keys.join(', ')}`,
      )
    const spec = (CHECKPOINT_COLUMNS as Record<string, CheckpointStructSpec>)[column]
    if (spec === undefined)
      throw new CheckpointFormatError(
        file,
        column,
        `action ${index}: a checkpoint holds only ${columnNames.join(', ')} actions`,
      )
    const value = (action as Record<string, unknown>)[column]
    rows.get(column as CheckpointColumn)?.splice(index, 1, encodeStruct(value, spec, column, file))
  })
  const vectors: Record<string, Vector> = {}
  for (const column of columnNames)
    vectors[column] = vectorFromArray(rows.get(column) ?? [], checkpointColumnType(column))
  const arrow: ArrowTable = new Table(vectors)
  const wasm = parquetWasm()
  const properties = new wasm.WriterPropertiesBuilder()
    .setCompression(wasm.Compression.SNAPPY)
    .setWriterVersion(wasm.WriterVersion.V1)
    .build()
  try {
    return wasm.writeParquet(wasm.Table.fromIPCStream(tableToIPC(arrow, 'stream')), properties)
  } catch (cause) {
    throw new CheckpointFormatError(file, undefined, `cannot write Parquet: ${String(cause)}`, { cause })
  }
}

function encodeStruct(
  value: unknown,
  spec: CheckpointStructSpec,
  path: string,
  file: string,
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CheckpointFormatError(file, path, `expected an object, got ${describe(value)}`)
  const source = value as Record<string, unknown>
  for (const field of REQUIRED[path] ?? [])
    if (source[field] === undefined || source[field] === null)
      throw new CheckpointFormatError(file, `${path}.${field}`, 'is required')
  // Every field present, null when absent: apache-arrow's builders take only null as null.
  const row: Record<string, unknown> = {}
  for (const [field, kind] of Object.entries(spec))
    row[field] = encodeValue(source[field], kind, `${path}.${field}`, file)
  return row
}

function encodeValue(value: unknown, kind: CheckpointFieldKind, path: string, file: string): unknown {
  if (value === undefined || value === null) return null
  const wrong = (expected: string): CheckpointFormatError =>
    new CheckpointFormatError(
      file,
      path,
      `expected ${expected}, got ${describe(value)} ${formatValue(value)}`,
    )
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw wrong('a string')
      return value
    case 'boolean':
      if (typeof value !== 'boolean') throw wrong('a boolean')
      return value
    case 'long':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw wrong('a safe integer (long)')
      return BigInt(value)
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > INT32_MAX)
        throw wrong('a 32-bit integer (int)')
      return value
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) throw wrong('a string map')
      const entries = new Map<string, string | null>()
      for (const [key, item] of Object.entries(value)) {
        if (item !== null && typeof item !== 'string')
          throw new CheckpointFormatError(
            file,
            `${path}.${key}`,
            `expected a string or null, got ${describe(item)}`,
          )
        entries.set(key, item)
      }
      return entries
    }
    case 'array': {
      if (!Array.isArray(value)) throw wrong('an array of strings')
      for (const [index, item] of value.entries())
        if (typeof item !== 'string')
          throw new CheckpointFormatError(
            file,
            `${path}[${index}]`,
            `expected a string, got ${describe(item)}`,
          )
      return value
    }
    default:
      return encodeStruct(value, kind, path, file)
  }
}

function formatValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value)
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  return ''
}

// ---- decode -------------------------------------------------------------------------------------------------------

/** Options of {@link decodeCheckpoint}. */
export interface DecodeCheckpointOptions {
  /** The file name used in error messages. Default is "checkpoint". */
  file?: string
}

/** Reads one value of a column at a row; undefined for null. */
type FieldReader = (row: number) => unknown

/**
 * The actions of a checkpoint file (classic, one part of a multi-part, a V2 top-level Parquet checkpoint or a
 * sidecar), in row order. Columns and fields the spec does not list here (`stats_parsed`, `partitionValues_parsed`,
 * later additions) are ignored as the spec asks; absent and null fields are left out; maps become plain objects and
 * longs numbers. A long beyond 2^53, a field of the wrong type or a missing required field is a CheckpointFormatError.
 */
export function decodeCheckpoint(
  bytes: Uint8Array,
  options: DecodeCheckpointOptions = {},
): DeltaCheckpointReadAction[] {
  const file = options.file ?? 'checkpoint'
  let table: ArrowTable
  try {
    const wasm = parquetWasm()
    table = tableFromIPC(wasm.readParquet(bytes).intoIPCStream())
  } catch (cause) {
    throw new CheckpointFormatError(file, undefined, `not a readable Parquet file: ${String(cause)}`, {
      cause,
    })
  }
  // apache-arrow cannot take the children of a struct column that has no batches.
  if (table.numRows === 0) return []
  const specs: Record<string, CheckpointStructSpec> = { ...CHECKPOINT_COLUMNS, ...CHECKPOINT_V2_COLUMNS }
  const readers: { column: string; read: FieldReader }[] = []
  for (const [column, spec] of Object.entries(specs)) {
    const vector = table.getChild(column)
    if (vector !== null) readers.push({ column, read: structReader(vector, spec, column, file) })
  }
  const actions: DeltaCheckpointReadAction[] = []
  for (let row = 0; row < table.numRows; row++)
    for (const { column, read } of readers) {
      const value = read(row)
      if (value !== undefined) actions.push({ [column]: value } as DeltaCheckpointReadAction)
    }
  return actions
}

function structReader(vector: Vector, spec: CheckpointStructSpec, path: string, file: string): FieldReader {
  if (!DataType.isStruct(vector.type)) throw typeError(file, path, 'a struct', vector.type)
  const fields: { name: string; read: FieldReader }[] = []
  for (const [name, kind] of Object.entries(spec)) {
    const child = (vector as Vector).getChild(name)
    if (child !== null) fields.push({ name, read: fieldReader(child, kind, `${path}.${name}`, file) })
  }
  const required = REQUIRED[path] ?? []
  return (row) => {
    if (!vector.isValid(row)) return undefined
    const result: Record<string, unknown> = {}
    for (const { name, read } of fields) {
      const value = read(row)
      if (value !== undefined) result[name] = value
    }
    for (const name of required)
      if (result[name] === undefined)
        throw new CheckpointFormatError(file, `${path}.${name}`, `row ${row}: required, but null or absent`)
    return result
  }
}

function fieldReader(vector: Vector, kind: CheckpointFieldKind, path: string, file: string): FieldReader {
  const type = vector.type
  const nullable =
    (read: FieldReader): FieldReader =>
    (row) =>
      vector.isValid(row) ? read(row) : undefined
  switch (kind) {
    case 'string':
      if (!DataType.isUtf8(type) && !DataType.isLargeUtf8(type)) throw typeError(file, path, 'a string', type)
      return nullable((row) => vector.get(row) as string)
    case 'boolean':
      if (!DataType.isBool(type)) throw typeError(file, path, 'a boolean', type)
      return nullable((row) => vector.get(row) as boolean)
    case 'long':
    case 'int':
      if (!DataType.isInt(type)) throw typeError(file, path, `an integer (${kind})`, type)
      return nullable((row) => toSafeNumber(vector.get(row) as number | bigint, path, row, file))
    case 'map':
      if (!DataType.isMap(type)) throw typeError(file, path, 'a map<string,string>', type)
      return nullable((row) => mapToObject(vector.get(row) as Iterable<[unknown, unknown]>, path, row, file))
    case 'array':
      if (!DataType.isList(type) && !DataType.isLargeList(type))
        throw typeError(file, path, 'an array<string>', type)
      return nullable((row) => listToArray(vector.get(row) as Iterable<unknown>, path, row, file))
    default:
      return structReader(vector, kind, path, file)
  }
}

function typeError(
  file: string,
  path: string,
  expected: string,
  actual: ArrowDataType,
): CheckpointFormatError {
  return new CheckpointFormatError(file, path, `expected ${expected}, the file has ${String(actual)}`)
}

function toSafeNumber(value: number | bigint, path: string, row: number, file: string): number {
  if (typeof value === 'number') return value
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
    throw new CheckpointFormatError(file, path, `row ${row}: ${value} is beyond 2^53, not exact as a number`)
  return Number(value)
}

function mapToObject(
  entries: Iterable<[unknown, unknown]>,
  path: string,
  row: number,
  file: string,
): DeltaStringMap {
  const result: Record<string, string | null> = {}
  for (const [key, value] of entries) {
    if (typeof key !== 'string')
      throw new CheckpointFormatError(file, path, `row ${row}: a map key is ${describe(key)}, not a string`)
    if (value !== null && typeof value !== 'string')
      throw new CheckpointFormatError(file, `${path}.${key}`, `row ${row}: ${describe(value)}, not a string`)
    // defineProperty: a key named "__proto__" is data, not the object's prototype.
    Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return result
}

function listToArray(items: Iterable<unknown>, path: string, row: number, file: string): string[] {
  const result: string[] = []
  for (const item of items) {
    if (typeof item !== 'string')
      throw new CheckpointFormatError(file, path, `row ${row}: an item is ${describe(item)}, not a string`)
    result.push(item)
  }
  return result
}
