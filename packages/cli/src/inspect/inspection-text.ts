import { groupDigits } from '../cli/count-text.js'
import type { FileInspection } from './file-inspection.js'

/** `12.3 MiB`, `512 B`: a byte count for people. */
export function humanBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`
}

/** Aligned `name  type` lines, indented. */
export function columnLines(columns: readonly { name: string; type: string }[], indent = '    '): string[] {
  const width = Math.max(0, ...columns.map((c) => c.name.length)) + 2
  return columns.map((c) => `${indent}${c.name.padEnd(width)}${c.type}`)
}

/** The text report of a data file (pure). */
export function renderFileInspection(info: FileInspection): string {
  const lines = [
    info.path,
    `  format   ${info.format}`,
    `  size     ${humanBytes(info.sizeBytes)} (${groupDigits(info.sizeBytes)} bytes)`,
    `  rows     ${groupDigits(info.rows)}`,
    `  columns  ${info.columns.length}`,
    ...columnLines(info.columns),
  ]
  if (info.parquet) {
    const p = info.parquet
    if (p.createdBy) lines.push(`  writer   ${p.createdBy}`)
    lines.push(`  codecs   ${p.codecs.join(', ') || 'none'}`)
    if (p.logicalTypes.length > 0) lines.push('  logical types', ...p.logicalTypes.map((t) => `    ${t}`))
    for (const note of p.physicalNotes) lines.push(`  physical ${note}`)
    for (const change of p.footerChanges) lines.push(`  read as  ${change}`)
  }
  if (info.readError) lines.push(`  error    ${info.readError}`)
  if (info.engine) {
    lines.push(`  engine   ${info.engine.engine} — ${info.engine.reason}`)
  }
  return `${lines.join('\n')}\n`
}
