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
  const files = read.data.files.map((f) => {
    const stats = f.add.stats
    const text = 'columnsJson' in stats ? stats.columnsJson : JSON.stringify(stats.columns)
    return { ...f, add: { ...f.add, stats: { numRows: f.add.stats.numRows, columnsJson: text } } }
  })
  return { ...read.data, files }
}
