import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { decodeCheckpointCache } from '../checkpoint-cache-file.js'

/**
 * A cached checkpoint file as the older layout's JSON object (files as objects, statistics as text), for tests
 * that edit a cache and write it back: written with JSON.stringify it is a cache of the older layout, which an
 * open validates action by action.
 */
export async function readCachedCheckpoint(file: string): Promise<Record<string, unknown>> {
  const version = Number.parseInt(basename(file), 10)
  const bytes = await readFile(file)
  const read = decodeCheckpointCache(bytes, version, (detail) => new Error(detail))
  if (read.kind === 'unchecked') return JSON.parse(bytes.toString('utf8')) as Record<string, unknown>
  if (read.kind === 'refused') throw new Error(`${file}: ${read.problem}`)
  const columns = read.data.files
  const files = Array.from({ length: columns.size }, (_, i) => {
    const f = columns.fileAt(i)
    const stats = { numRows: f.add.stats.numRows, columnsJson: JSON.stringify(f.add.stats.columns) }
    return { ...f, add: { ...f.add, stats }, deleted: [...f.deleted] }
  })
  return { ...read.data, files }
}
