import { stat } from 'node:fs/promises'
import { formatForPath } from '@parquetframe/runtime'
import { arrowColumnTypes, describeParquetFile, type ParquetFileFacts } from '@parquetframe/runtime/internal'
import { dtypeLabel } from './dtype-label.js'

/** A column's name and type label. */
export interface ColumnInfo {
  readonly name: string
  readonly type: string
}

/** Which engine `read()` would use for a path, and why. */
export interface EngineInfo {
  readonly engine: string
  readonly estimatedBytes: number | null
  readonly reason: string
}

/** What `pf inspect` reports about one data file. */
export interface FileInspection {
  readonly kind: 'file'
  readonly path: string
  readonly format: string
  readonly sizeBytes: number
  readonly rows: number
  readonly columns: readonly ColumnInfo[]
  readonly engine?: EngineInfo
  /** Parquet only: what the footer says (writer, codecs, logical types, rewrites before reading). */
  readonly parquet?: ParquetFileFacts
  /** Why the data could not be read (the facts above are still reported). */
  readonly readError?: string
}

/** Column labels; nodejs-polars cannot name some dtypes (Binary, Float16), which then take their Arrow names. */
function columnInfo(df: Parameters<typeof arrowColumnTypes>[0]): ColumnInfo[] {
  try {
    return Object.entries(df.schema).map(([name, dtype]) => ({ name, type: dtypeLabel(String(dtype)) }))
  } catch {
    return arrowColumnTypes(df)
  }
}

/**
 * Reads a data file's facts through its StorageFormat: schema from an empty scan, rows from one column
 * (formats that cannot scan are read whole). Sync collects: a polars panic in an async one aborts the process.
 */
export async function inspectDataFile(path: string): Promise<FileInspection> {
  const format = formatForPath(path)
  const { size } = await stat(path)
  const parquet =
    format.name === 'parquet' ? await describeParquetFile(path).catch(() => undefined) : undefined
  const facts = {
    kind: 'file' as const,
    path,
    format: format.name,
    sizeBytes: size,
    ...(parquet ? { parquet } : {}),
  }
  try {
    let rows: number
    let columns: ColumnInfo[]
    if (format.scan) {
      const lazy = format.scan(path)
      const empty = lazy.head(0).collectSync()
      columns = columnInfo(empty)
      const first = columns[0]
      rows = first === undefined ? 0 : lazy.select(first.name).collectSync().height
    } else {
      const df = await format.read(path)
      columns = columnInfo(df)
      rows = df.height
    }
    return { ...facts, rows, columns }
  } catch (cause) {
    const message = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0] ?? ''
    return { ...facts, rows: parquet?.numRows ?? 0, columns: [], readError: message }
  }
}
