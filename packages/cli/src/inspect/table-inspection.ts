import { openTable } from '@parquetframe/runtime'
import type { FieldType } from '@parquetframe/runtime/schema'

/** What `pf inspect` reports about a table directory. */
export interface TableInspection {
  readonly kind: 'table'
  readonly path: string
  readonly entity: string
  readonly format: string
  readonly version: number
  readonly rows: number
  readonly sizeBytes: number
  readonly primaryKey: readonly string[]
  readonly partitionBy: readonly string[]
  readonly columns: readonly { name: string; column: string; type: string }[]
  readonly files: readonly { path: string; sizeBytes: number; rows: number }[]
  readonly history: readonly {
    version: number
    timestamp: string
    operation: string
    rowsAdded: number
    rowsRemoved: number
  }[]
}

/** Opens the table read-only and collects its newest version's facts and its history. */
export async function inspectTable(path: string, shownPath: string): Promise<TableInspection> {
  const table = await openTable(path)
  const snapshot = await table.snapshot()
  const meta = snapshot.metadata
  const files = snapshot.files.map((f) => ({
    path: f.add.path,
    sizeBytes: f.add.size,
    rows: f.add.stats.numRows - f.deletedRows,
  }))
  return {
    kind: 'table',
    path: shownPath,
    entity: meta.entity.name,
    format: meta.format,
    version: snapshot.version,
    rows: snapshot.numRows,
    sizeBytes: files.reduce((n, f) => n + f.sizeBytes, 0),
    primaryKey: meta.primaryKey,
    partitionBy: meta.partitionBy,
    columns: meta.entity.fields.map((f) => ({
      name: f.name,
      column: f.column,
      type: `${fieldTypeLabel(f.type)}${f.optional ? '?' : ''}`,
    })),
    files,
    history: (await table.history()).map((h) => ({
      version: h.version,
      timestamp: h.timestamp.toISOString(),
      operation: h.aborted ? `${h.operation} (aborted)` : h.operation,
      rowsAdded: h.rowsAdded,
      rowsRemoved: h.rowsRemoved,
    })),
  }
}

function fieldTypeLabel(type: FieldType): string {
  return type.kind === 'list' ? `${fieldTypeLabel(type.element)}[]` : type.name
}
