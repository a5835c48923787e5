import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { decodeCheckpointCache } from '../checkpoint-cache-file.js'
import { type CheckpointStats, decodeUtf8 } from '../table-state.js'

/**
 * A cached checkpoint file as the older layout's JSON object (files as objects, statistics as text), for tests
 * that edit a cache and write it back: written with JSON.stringify it is a cache of the older layout, which an
 * open validates action by action.
 */
export async function readCachedCheckpoint(file: string): Promise<Record<string, unknown>> {
  const version = Number.parseInt(basename(file), 10)
  const read = decodeCheckpointCache(await readFile(file), version)
  if (read.kind === 'unchecked') return JSON.parse(read.text) as Record<string, unknown>
  if (read.kind === 'refused') throw new Error(`${file}: ${read.problem}`)
  const files = read.data.files.map((f) => {
    const { columnsJson } = f.add.stats as CheckpointStats
    const text = typeof columnsJson === 'string' ? columnsJson : decodeUtf8(columnsJson)
    return { ...f, add: { ...f.add, stats: { numRows: f.add.stats.numRows, columnsJson: text } } }
  })
  return { ...read.data, files }
}
