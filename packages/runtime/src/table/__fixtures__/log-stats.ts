// The statistics text of a table's live files as its Delta log holds them: what tests compare between write paths.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Table } from '../table.js'

/** The `stats` JSON of every live file's add action as the log holds it (exact text), sorted. */
export async function logStats(table: Table): Promise<string[]> {
  const logDir = join(table.path, '_delta_log')
  const byPath = new Map<string, string>()
  for (const name of (await readdir(logDir)).filter((n) => n.endsWith('.json')))
    for (const line of (await readFile(join(logDir, name), 'utf8')).split('\n')) {
      const add = line.startsWith('{"add"')
        ? (JSON.parse(line) as { add: { path: string; stats: string } }).add
        : undefined
      if (add) byPath.set(add.path, add.stats)
    }
  return (await table.snapshot()).files.map((f) => byPath.get(f.add.path) ?? 'missing').sort()
}
