import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { DataType } from 'nodejs-polars'
import pl from 'nodejs-polars'
import { readDeletionVector } from '../delta/deletion-vector.js'
import type { DeltaDataType, DeltaStructField, DeltaStructType } from '../delta/delta-schema.js'
import { parseUtcDate, parseUtcTimestamp } from '../delta/utc-calendar.js'
import { ParquetFrameError } from '../errors/pf-error.js'
import { sameDtype } from '../format/same-dtype.js'
import { stackFrames } from '../frame/stack-frames.js'
import { foreignSchemaOf } from '../table/foreign-table-metadata.js'
import { LOG_DIR } from '../table/log-entry.js'
import { nodeFileSystem } from '../table/node-file-system.js'
import { openTable } from '../table/table.js'
import { TableCorruptError, TableReadError } from '../table/table-errors.js'
import { TableLog } from '../table/table-log.js'
import { containedPath, UncontainedPathError } from '../table/table-path.js'
import type { LiveFile, TableState } from '../table/table-state.js'

/**
 * `read()` of a Delta table folder: the snapshot comes from pf's one log replay (TableLog: checkpoints, commits,
 * protocol check), then its live files are read with their deletion vectors applied, column-mapped columns
 * under their logical names and partition columns from each file's partition values.
 */

/** Name of the row position column while deletion vectors are applied (never a Delta column name here). */
const ROW_INDEX = '__pf_row_index'

/** True when `path` is a folder holding a `_delta_log/` folder: a Delta table, never a plain folder of files. */
export async function isDeltaTable(path: string): Promise<boolean> {
  const log = await stat(join(path, LOG_DIR)).catch(() => undefined)
  return log?.isDirectory() ?? false
}

/** Options of `readDeltaTable`. */
export interface DeltaReadOptions {
  /** The version to read (time travel). Default: the latest. */
  readonly version?: number
}

/**
 * The rows of a Delta table at a version. A pf table reads through its entity (pf's types); another writer's by
 * its Delta schema. TableProtocolError for a reader feature pf lacks, PF_TABLE_VERSION for a version it lacks.
 */
export async function readDeltaTable(root: string, options: DeltaReadOptions = {}): Promise<pl.DataFrame> {
  const log = new TableLog(root, nodeFileSystem, root)
  const state = options.version === undefined ? await log.latest() : await log.at(options.version)
  if (!state)
    throw new ParquetFrameError('PF_TABLE_VERSION', `Table ${root} has no version ${options.version}`)
  const schema = foreignSchemaOf(state.metadata)
  if (schema) return readForeign(root, state, schema)
  const table = await openTable(root)
  return (await table.at(state.version)).read()
}

/** The physical name of a field (column mapping), else its name. */
function physicalName(field: DeltaStructField, mapped: boolean): string {
  const name = field.metadata['delta.columnMapping.physicalName']
  return mapped && typeof name === 'string' ? name : field.name
}

/** The polars dtype of a primitive Delta type, or undefined where the file's own dtype is kept. */
function primitiveDtype(type: DeltaDataType): DataType | undefined {
  switch (type) {
    case 'long':
      return pl.Int64
    case 'integer':
      return pl.Int32
    case 'short':
      return pl.Int16
    case 'byte':
      return pl.Int8
    case 'double':
      return pl.Float64
    case 'float':
      return pl.Float32
    case 'string':
      return pl.Utf8
    case 'boolean':
      return pl.Bool
    case 'date':
      return pl.Date
    case 'timestamp':
      return pl.Datetime('us', 'UTC')
    case 'timestamp_ntz':
      return pl.Datetime('us')
    default:
      return undefined
  }
}

/**
 * A column read from a file under its logical name: cast to the Delta type where it is a primitive one (older
 * files of a widened column, INT96 or millisecond timestamps), struct fields renamed to their logical names.
 */
function columnExpr(field: DeltaStructField, mapped: boolean, actual: DataType | undefined): pl.Expr {
  let expr = pl.col(physicalName(field, mapped))
  const dtype = primitiveDtype(field.type)
  if (dtype && !(actual && sameDtype(actual, dtype))) {
    // A timestamp without a zone (INT96, or not adjusted to UTC) holds UTC wall time (PROTOCOL.md "Primitive Types").
    if (
      field.type === 'timestamp' &&
      actual &&
      String(actual).startsWith('Datetime') &&
      !/UTC/.test(String(actual))
    )
      expr = expr.cast(pl.Datetime('us')).dt.replaceTimeZone('UTC')
    else expr = expr.cast(dtype)
  } else if (mapped && typeof field.type === 'object' && field.type.type === 'struct') {
    expr = expr.struct.renameFields(field.type.fields.map((f) => f.name))
  }
  return expr.alias(field.name)
}

/** A partition value (PROTOCOL.md "Partition Value Serialization") as a literal of its column's type. */
function partitionLiteral(
  field: DeltaStructField,
  raw: string | null | undefined,
  bad: (detail: string) => Error,
): pl.Expr {
  const dtype = primitiveDtype(field.type) ?? pl.Utf8
  if (raw === null || raw === undefined || (raw === '' && field.type !== 'string'))
    return pl.lit(null).cast(dtype).alias(field.name)
  if (field.type === 'timestamp' || field.type === 'timestamp_ntz') {
    const micros = parseUtcTimestamp(raw, false) ?? parseUtcTimestamp(raw, true)
    if (micros === undefined) throw bad(`partition value ${raw} of ${field.name} is not a timestamp`)
    return pl
      .lit(String(micros))
      .cast(pl.Int64)
      .cast(pl.Datetime('us', field.type === 'timestamp' ? 'UTC' : undefined))
      .alias(field.name)
  }
  if (field.type === 'date') {
    const days = parseUtcDate(raw)
    if (days === undefined) throw bad(`partition value ${raw} of ${field.name} is not a date`)
    return pl.lit(days).cast(pl.Int32).cast(pl.Date).alias(field.name)
  }
  if (field.type === 'boolean') return pl.lit(raw === 'true').alias(field.name)
  return pl.lit(raw).cast(dtype).alias(field.name)
}

/** One live file of another writer's table: its rows minus its deletion vector, in schema order. */
async function readForeignFile(
  root: string,
  state: TableState,
  schema: DeltaStructType,
  file: LiveFile,
): Promise<pl.DataFrame> {
  const table = state.metadata.entity.name
  let path: string
  try {
    path = containedPath(root, file.add.path)
  } catch (error) {
    if (!(error instanceof UncontainedPathError)) throw error
    throw new TableCorruptError(table, file.add.path, file.version, error.message)
  }
  let df: pl.DataFrame
  try {
    df = pl.readParquet(path)
  } catch (error) {
    throw new TableReadError(table, path, { cause: error })
  }
  // NaN: the writer recorded no stats, so there is no count to check against.
  if (!Number.isNaN(file.add.stats.numRows) && df.height !== file.add.stats.numRows)
    throw new TableCorruptError(
      table,
      path,
      file.version,
      `data file has ${df.height} rows, the log recorded ${file.add.stats.numRows}`,
    )
  const dv = file.add.deletionVector
  if (dv) {
    const bitmap = await readDeletionVector(dv, root, (p) => readFile(p)).catch((error: unknown) => {
      throw new TableCorruptError(table, path, file.version, `deletion vector: ${(error as Error).message}`, {
        cause: error,
      })
    })
    const deleted = pl.DataFrame([pl.Series(ROW_INDEX, bitmap.toSortedArray(), pl.UInt32)])
    df = df.withRowIndex(ROW_INDEX).join(deleted, { on: ROW_INDEX, how: 'anti' }).drop(ROW_INDEX)
  }
  const mapped = state.metadata.columnMapping !== undefined
  const partitions = new Set(state.metadata.partitionBy)
  const dtypes = new Map(df.columns.map((c, i) => [c, df.dtypes[i]]))
  const columns = schema.fields.map((field) => {
    const physical = physicalName(field, mapped)
    if (partitions.has(field.name))
      return partitionLiteral(
        field,
        file.add.partitionValues[physical] ?? file.add.partitionValues[field.name],
        (detail) => new TableCorruptError(table, path, file.version, detail),
      )
    // A column added after the file was written reads null (PROTOCOL.md "Schema Evolution").
    if (!dtypes.has(physical))
      return pl
        .lit(null)
        .cast(primitiveDtype(field.type) ?? pl.Utf8)
        .alias(field.name)
    return columnExpr(field, mapped, dtypes.get(physical))
  })
  return df.select(...columns)
}

/** The rows of another writer's table at a state. */
async function readForeign(root: string, state: TableState, schema: DeltaStructType): Promise<pl.DataFrame> {
  const frames: pl.DataFrame[] = []
  for (const file of state.files.values()) frames.push(await readForeignFile(root, state, schema, file))
  const live = frames.filter((f) => f.height > 0)
  if (live.length > 0) return stackFrames(live, 'verticalRelaxed')
  return pl.DataFrame(schema.fields.map((f) => pl.Series(f.name, [], primitiveDtype(f.type) ?? pl.Utf8)))
}
