import { counted, groupDigits } from '../cli/count-text.js'
import { columnLines, humanBytes } from './inspection-text.js'
import type { TableInspection } from './table-inspection.js'

/** History lines shown in text output (JSON has all). */
const HISTORY_SHOWN = 10

/** The text report of a table (pure). */
export function renderTableInspection(info: TableInspection): string {
  const lines = [
    `${info.path} (table of ${info.entity})`,
    `  format     ${info.format}`,
    `  version    ${info.version} (${counted(info.history.length, 'version')})`,
    `  rows       ${groupDigits(info.rows)}`,
    `  files      ${groupDigits(info.files.length)} live, ${humanBytes(info.sizeBytes)}`,
    `  key        ${info.primaryKey.join(', ')}`,
  ]
  if (info.partitionBy.length > 0) lines.push(`  partitions ${info.partitionBy.join(', ')}`)
  lines.push(
    `  columns    ${info.columns.length}`,
    ...columnLines(
      info.columns.map((c) => ({
        name: c.name,
        type: c.column === c.name ? c.type : `${c.type}  (stored as ${c.column})`,
      })),
    ),
    '  history',
  )
  const shown = info.history.slice(-HISTORY_SHOWN)
  if (shown.length < info.history.length)
    lines.push(`    … ${info.history.length - shown.length} older versions`)
  for (const h of shown) {
    lines.push(
      `    v${String(h.version).padEnd(5)} ${h.timestamp}  ${h.operation.padEnd(11)} +${groupDigits(h.rowsAdded)} -${groupDigits(h.rowsRemoved)}`,
    )
  }
  return `${lines.join('\n')}\n`
}
