import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { DataType } from 'nodejs-polars'
import pl from 'nodejs-polars'
import { readDeletionVector } from '../delta/deletion-vector.js'
import {
  type DeltaDataType,
  type DeltaStructField,
  type DeltaStructType,
  deltaDecimalOf,
} from '../delta/delta-schema.js'
import { typeChangesProblem } from '../delta/type-widening.js'
import { parseUtcDate, parseUtcTimestamp } from '../delta/utc-calendar.js'
import { ParquetFrameError } from '../errors/pf-error.js'
import { getFormat } from '../format/format-registry.js'
import { sameDtype } from '../format/same-dtype.js'
import { stackFrames } from '../frame/stack-frames.js'
import { binaryColumnsAsBase64 } from '../table/binary-column-reader.js'
import { decimalTextAt } from '../table/decimal-projection.js'
import { foreignSchemaOf, mapsColumnsById } from '../table/foreign-table-metadata.js'
import { LOG_DIR } from '../table/log-entry.js'
import { nodeFileSystem } from '../table/node-file-system.js'
import { openTable } from '../table/table.js'
import { TableCorruptError, TableProtocolError, TableReadError } from '../table/table-errors.js'
import { TableLog } from '../table/table-log.js'
import { containedPath, UncontainedPathError } from '../table/table-path.js'
import type { LiveFile, TableState } from '../table/table-state.js'
import { type ParquetFooterInfo, type ParquetSchemaNode, readParquetFooter } from './parquet-footer-reader.js'

/**
 * `read()` of a Delta table folder: the snapshot comes from pf's one log replay (TableLog: checkpoints, commits,
 * protocol check), then its live files are read with their deletion vectors applied, column-mapped columns
 * under their logical names and partition columns from each file's partition values.
 */

/** Name of the row position column while deletion vectors are applied (never a Delta column name here). */
const ROW_INDEX = '__pf_row_index'

/** pf's Parquet reader (INT96, FLOAT16 and other footers polars misreads are patched, see parquet-format.ts). */
const PARQUET = getFormat('parquet')

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

/**
 * How a file's columns are found for the schema's fields (PROTOCOL.md "Reader Requirements for Column Mapping"):
 * by name, by physical name, or by Parquet field id (`delta.columnMapping.id`) at every depth.
 */
type MappingMode = 'none' | 'name' | 'id'

/** A field's column in a file: its name there (undefined: the file lacks it) and its Parquet schema element. */
interface Located {
  readonly name: string | undefined
  readonly node?: ParquetSchemaNode
}

/** Where a field's data is among a file's elements at one level (`nodes`: needed in id mode only). */
function locate(field: DeltaStructField, mode: MappingMode, nodes?: readonly ParquetSchemaNode[]): Located {
  if (mode === 'id') {
    const id = field.metadata['delta.columnMapping.id']
    const node = nodes?.find((n) => n.fieldId !== undefined && n.fieldId === id)
    return node ? { name: node.name, node } : { name: undefined }
  }
  const name = field.metadata['delta.columnMapping.physicalName']
  return { name: mode === 'name' && typeof name === 'string' ? name : field.name }
}

/** The element of a Parquet LIST (3-level `list.element`; a legacy 2-level list's repeated element itself). */
function listElement(node: ParquetSchemaNode | undefined): ParquetSchemaNode | undefined {
  const repeated = node?.children[0]
  return repeated?.children.length === 1 ? repeated.children[0] : repeated
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
 * How a column's values are rewritten: the column mapping mode, and whether a type inside it was widened (then
 * every nested value is cast to its current type: older files hold narrower ones below lists, maps and structs).
 */
interface Rewrite {
  readonly mode: MappingMode
  readonly widened: boolean
}

/** Whether a value of this type needs rewriting: decimals (to exact text), nested values widened or column-mapped. */
function needsRewrite(type: DeltaDataType, how: Rewrite): boolean {
  if (typeof type === 'string') return deltaDecimalOf(type) !== undefined
  if (how.widened) return true
  if (type.type === 'array') return needsRewrite(type.elementType, how)
  if (type.type === 'map') return needsRewrite(type.keyType, how) || needsRewrite(type.valueType, how)
  return how.mode !== 'none' || type.fields.some((f) => needsRewrite(f.type, how))
}

/** Whether a field or a struct field below it records a type change (`delta.typeChanges`). */
function holdsTypeChanges(field: DeltaStructField): boolean {
  if (field.metadata['delta.typeChanges'] !== undefined) return true
  const below = (type: DeltaDataType): boolean => {
    if (typeof type === 'string') return false
    if (type.type === 'array') return below(type.elementType)
    if (type.type === 'map') return below(type.keyType) || below(type.valueType)
    return type.fields.some(holdsTypeChanges)
  }
  return below(field.type)
}

/**
 * A value as the Delta type reads it: primitives cast to their dtype where the file's differs (older files of a
 * widened column, millisecond timestamps; a timestamp without a zone holds UTC wall time), decimals as exact text
 * (as pf's Decimal fields read), struct fields under their logical names at any depth (column mapping; in id mode
 * found by field id below `node`, the value's Parquet element, and null where the file lacks the id).
 */
function valueExpr(
  expr: pl.Expr,
  type: DeltaDataType,
  how: Rewrite,
  node?: ParquetSchemaNode,
  actual?: DataType,
): pl.Expr {
  if (typeof type === 'string') {
    const decimal = deltaDecimalOf(type)
    if (decimal) return decimalTextAt(expr, decimal, actual)
    const dtype = primitiveDtype(type)
    if (!dtype || (actual && sameDtype(actual, dtype))) return expr
    if (
      type === 'timestamp' &&
      actual &&
      String(actual).startsWith('Datetime') &&
      !String(actual).includes('UTC')
    )
      return expr.cast(pl.Datetime('us')).dt.replaceTimeZone('UTC')
    return expr.cast(dtype)
  }
  if (!needsRewrite(type, how)) return expr
  if (type.type === 'array')
    return expr.lst.eval(valueExpr(pl.element(), type.elementType, how, listElement(node)))
  if (type.type === 'map') {
    // A map is a list of key/value structs in Parquet and in polars.
    const entry = pl.element()
    const [key, value] = node?.children[0]?.children ?? []
    return expr.lst.eval(
      pl.struct([
        valueExpr(entry.struct.field('key'), type.keyType, how, key).alias('key'),
        valueExpr(entry.struct.field('value'), type.valueType, how, value).alias('value'),
      ]),
    )
  }
  const fields = type.fields.map((f) => {
    const found = locate(f, how.mode, node?.children)
    if (found.name === undefined) return nullOf(f.type).alias(f.name)
    return valueExpr(expr.struct.field(found.name), f.type, how, found.node).alias(f.name)
  })
  return pl.when(expr.isNull()).then(pl.lit(null)).otherwise(pl.struct(fields))
}

/** A null of a Delta type's dtype (a column or field the file lacks reads null). */
function nullOf(type: DeltaDataType): pl.Expr {
  return pl.lit(null).cast(primitiveDtype(type) ?? pl.Utf8)
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
  const decimal = deltaDecimalOf(field.type)
  if (decimal) return decimalTextAt(pl.lit(raw), decimal, pl.Utf8).alias(field.name)
  return pl.lit(raw).cast(dtype).alias(field.name)
}

/** One live file of another writer's table: its rows minus its deletion vector, in schema order. */
async function readForeignFile(
  root: string,
  state: TableState,
  schema: DeltaStructType,
  file: LiveFile,
  binary: boolean,
): Promise<pl.DataFrame> {
  const table = state.metadata.entity.name
  let path: string
  try {
    path = containedPath(root, file.add.path)
  } catch (error) {
    if (!(error instanceof UncontainedPathError)) throw error
    throw new TableCorruptError(table, file.add.path, file.version, error.message)
  }
  // A live file that is gone is a damaged table (removed by hand, or a vacuum that ignored this version).
  const found = await stat(path).catch((error: unknown) => error as NodeJS.ErrnoException)
  if (found instanceof Error) {
    if (found.code === 'ENOENT')
      throw new TableCorruptError(table, path, file.version, 'data file is missing', { cause: found })
    throw new TableReadError(table, path, { cause: found })
  }
  let df: pl.DataFrame
  try {
    df = await PARQUET.read(path)
    // polars 0.24 cannot describe a Binary column: binary data becomes base64 text, as in pf's own frames.
    if (binary) df = binaryColumnsAsBase64(df)
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
  const mode: MappingMode = mapsColumnsById(state.metadata)
    ? 'id'
    : state.metadata.columnMapping !== undefined
      ? 'name'
      : 'none'
  const nodes = mode === 'id' ? await fileFieldIds(table, path, file.version) : undefined
  const partitions = new Set(state.metadata.partitionBy)
  const dtypes = new Map(df.columns.map((c, i) => [c, df.dtypes[i]]))
  const columns = schema.fields.map((field) => {
    if (partitions.has(field.name)) {
      // Partition values are keyed by physical name in both mapping modes.
      const physical = locate(field, mode === 'id' ? 'name' : mode).name ?? field.name
      return partitionLiteral(
        field,
        file.add.partitionValues[physical] ?? file.add.partitionValues[field.name],
        (detail) => new TableCorruptError(table, path, file.version, detail),
      )
    }
    const found = locate(field, mode, nodes)
    // A column added after the file was written reads null (PROTOCOL.md "Schema Evolution").
    if (found.name === undefined || !dtypes.has(found.name)) return nullOf(field.type).alias(field.name)
    const how = { mode, widened: holdsTypeChanges(field) }
    return valueExpr(pl.col(found.name), field.type, how, found.node, dtypes.get(found.name)).alias(
      field.name,
    )
  })
  return df.select(...columns)
}

/**
 * The top-level Parquet elements of a data file of a table in column mapping mode id, with their field ids. A file
 * without field ids is refused (the spec allows refusing or reading nulls; nulls would lose its rows' values).
 */
async function fileFieldIds(
  table: string,
  path: string,
  version: number,
): Promise<readonly ParquetSchemaNode[]> {
  let footer: ParquetFooterInfo
  try {
    footer = await readParquetFooter(path)
  } catch (error) {
    throw new TableReadError(table, path, { cause: error })
  }
  if (!footer.schema.some((n) => n.fieldId !== undefined))
    throw new TableCorruptError(
      table,
      path,
      version,
      'data file has no Parquet field ids, by which column mapping mode "id" finds its columns',
    )
  return footer.schema
}

/** Whether a Delta type is or contains `binary`. */
function holdsBinary(type: DeltaDataType): boolean {
  if (typeof type === 'string') return type === 'binary'
  if (type.type === 'array') return holdsBinary(type.elementType)
  if (type.type === 'map') return holdsBinary(type.keyType) || holdsBinary(type.valueType)
  return type.fields.some((f) => holdsBinary(f.type))
}

/** The rows of another writer's table at a state. */
async function readForeign(root: string, state: TableState, schema: DeltaStructType): Promise<pl.DataFrame> {
  // Type widening: older files hold a narrower type, cast below; a change pf cannot cast is refused, not misread.
  const widening = typeChangesProblem(schema)
  if (widening !== undefined)
    throw new TableProtocolError(state.metadata.entity.name, `version ${state.version} ${widening}`)
  const binary = schema.fields.some((f) => holdsBinary(f.type))
  const frames: pl.DataFrame[] = []
  for (const file of state.files.values())
    frames.push(await readForeignFile(root, state, schema, file, binary))
  const live = frames.filter((f) => f.height > 0)
  if (live.length > 0) return stackFrames(live, 'verticalRelaxed')
  return pl.DataFrame(schema.fields.map((f) => pl.Series(f.name, [], primitiveDtype(f.type) ?? pl.Utf8)))
}
