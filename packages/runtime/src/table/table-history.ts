import type { TableLog } from './table-log.js'
import type { HistoryEntry } from './table-options.js'
import { publishedBy } from './txn-publish.js'

/** Every version of a table, oldest first, as `Table.history` lists them. Reads the whole log. */
export async function readHistory(log: TableLog): Promise<HistoryEntry[]> {
  const { entries } = await log.listComplete()
  const out: HistoryEntry[] = []
  for (let i = 0; i < entries.length; i += 64) {
    const batch = await Promise.all(entries.slice(i, i + 64).map((v) => log.readResolved(v)))
    for (const e of batch) {
      // Versions from an undecided multi-table transaction on are not visible yet.
      if (e === 'pending') return out
      if (!e) continue
      const c = e.commitInfo
      out.push({
        version: e.version,
        timestamp: new Date(c.timestamp),
        operation: c.operation,
        rowsAdded: c.rowsAdded,
        rowsRemoved: c.rowsRemoved,
        ...(c.details ? { details: c.details } : {}),
        ...(c.aborted ? { aborted: true as const } : {}),
        ...(e.reserved && e.txn ? { reserves: e.txn.id } : {}),
        ...(publishedBy(e).length > 0 ? { publishes: publishedBy(e) } : {}),
      })
    }
  }
  return out
}
