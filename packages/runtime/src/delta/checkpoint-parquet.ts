// Delta Lake checkpoints in Parquet (PROTOCOL.md "Checkpoints"): actions in, bytes out, and back. One row per action,
// one struct column per action kind (checkpoint-arrow-schema.ts). Written and read with parquet-wasm (arrow-rs) and
// apache-arrow, never polars: nodejs-polars cannot write map columns and aborts the process on some nested map files.
import type { Table as ArrowTable, Data } from 'apache-arrow'
import { makeVector, Table, tableFromIPC, tableToIPC } from '../vendor/apache-arrow.js'
import { parquetWasm } from '../vendor/parquet-wasm.js'
import { type ColumnReader, columnData, columnReader } from './checkpoint-arrow-columns.js'
import {
  CHECKPOINT_COLUMNS,
  CHECKPOINT_REQUIRED,
  CHECKPOINT_V2_COLUMNS,
  type CheckpointColumn,
  type CheckpointFieldKind,
  type CheckpointStructSpec,
  checkpointColumnType,
} from './checkpoint-arrow-schema.js'
import { CheckpointFormatError } from './checkpoint-format-error.js'
import type { DeltaAction, DeltaDomainMetadata } from './delta-actions.js'

export { CheckpointFormatError } from './checkpoint-format-error.js'

/** A string map as the spec's JSON holds it (`tags`, `checkpointMetadata.tags`...); null values allowed. */
export type DeltaStringMap = Readonly<Record<string, string | null>>

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
  const arrow: ArrowTable = new Table(
    Object.fromEntries(
      columnNames.map((column) => [
        column,
        makeVector(
          columnData(
            rows.get(column) ?? [],
            CHECKPOINT_COLUMNS[column],
            checkpointColumnType(column),
            column,
            file,
          ),
        ),
      ]),
    ),
  )
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
  for (const field of CHECKPOINT_REQUIRED[path] ?? [])
    if (source[field] === undefined || source[field] === null)
      throw new CheckpointFormatError(file, `${path}.${field}`, 'is required')
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
      return value
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > INT32_MAX)
        throw wrong('a 32-bit integer (int)')
      return value
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) throw wrong('a string map')
      const entries: [string, string | null][] = []
      for (const [key, item] of Object.entries(value)) {
        if (item !== null && typeof item !== 'string')
          throw new CheckpointFormatError(
            file,
            `${path}.${key}`,
            `expected a string or null, got ${describe(item)}`,
          )
        entries.push([key, item])
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
  /** The action columns to decode (e.g. all but `remove`, which only VACUUM needs). Default: every one. */
  actions?: readonly string[]
}

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
  const specs: Record<string, CheckpointStructSpec> = { ...CHECKPOINT_COLUMNS, ...CHECKPOINT_V2_COLUMNS }
  const actions: DeltaCheckpointReadAction[] = []
  let firstRow = 0
  for (const batch of table.batches) {
    const readers: { column: string; read: ColumnReader }[] = []
    for (const [column, spec] of Object.entries(specs)) {
      if (options.actions && !options.actions.includes(column)) continue
      const index = batch.schema.fields.findIndex((field) => field.name === column)
      const data = batch.data.children[index] as Data | undefined
      if (index >= 0 && data !== undefined)
        readers.push({ column, read: columnReader(data, spec, column, file, firstRow) })
    }
    for (let row = 0; row < batch.numRows; row++)
      for (const { column, read } of readers) {
        const value = read(row)
        if (value !== undefined) actions.push({ [column]: value } as DeltaCheckpointReadAction)
      }
    firstRow += batch.numRows
  }
  return actions
}
