import { stat } from 'node:fs/promises'
import { formatForPath } from '@parquetframe/runtime'
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
}

/**
 * Reads a data file's facts through its StorageFormat: schema from an empty scan, rows from one column
 * (formats that cannot scan are read whole). Sync collects: a polars panic in an async one aborts the process.
 */
export async function inspectDataFile(path: string): Promise<FileInspection> {
  const format = formatForPath(path)
  const { size } = await stat(path)
  let rows: number
  let columns: ColumnInfo[]
  if (format.scan) {
    const lazy = format.scan(path)
    const empty = lazy.head(0).collectSync()
    columns = Object.entries(empty.schema).map(([name, dtype]) => ({ name, type: dtypeLabel(String(dtype)) }))
    const first = columns[0]
    rows = first === undefined ? 0 : lazy.select(first.name).collectSync().height
  } else {
    const df = await format.read(path)
    columns = Object.entries(df.schema).map(([name, dtype]) => ({ name, type: dtypeLabel(String(dtype)) }))
    rows = df.height
  }
  return { kind: 'file', path, format: format.name, sizeBytes: size, rows, columns }
}
