import { describe, expect, it } from 'vitest'
import { CheckpointFormatError, encodeCheckpoint } from './checkpoint-parquet.js'
import { decodeCheckpointFile, uuidCheckpointVersion } from './checkpoint-v2.js'

const protocol = {
  minReaderVersion: 3,
  minWriterVersion: 7,
  readerFeatures: ['v2Checkpoint'],
  writerFeatures: ['v2Checkpoint'],
}
const metaData = {
  id: '8a390218-e4ee-4341-b6de-4920e27d3f78',
  format: { provider: 'parquet', options: {} },
  schemaString: '{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]}',
  partitionColumns: [],
  configuration: { 'delta.checkpointPolicy': 'v2' },
  createdTime: 1,
}
const add = (path: string) => ({
  add: { path, partitionValues: {}, size: 10, modificationTime: 1, dataChange: false },
})
const remove = { remove: { path: 'old.parquet', deletionTimestamp: 5, dataChange: true } }

/** Two sidecars (Parquet, V1 columns) holding the adds and a remove, by name. */
const SIDECARS = new Map<string, Uint8Array>([
  ['2.checkpoint.0000000001.0000000002.a.parquet', encodeCheckpoint([add('a.parquet'), remove])],
  ['2.checkpoint.0000000001.0000000002.b.parquet', encodeCheckpoint([add('b.parquet')])],
])

/** A JSON top-level checkpoint of version 2 pointing at the sidecars. */
function jsonCheckpoint(lines: readonly unknown[]): Uint8Array {
  return new TextEncoder().encode(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`)
}
const sidecarLine = (path: string) => ({ sidecar: { path, sizeInBytes: 100, modificationTime: 1 } })
const TOP = [
  { checkpointMetadata: { version: 2 } },
  ...[...SIDECARS.keys()].map(sidecarLine),
  { protocol },
  { metaData },
]

const options = {
  file: '/t/_delta_log/00000000000000000002.checkpoint.6374b053-df23-479b-b2cf-c9c550132b49.json',
  version: 2,
  table: 't',
  readSidecar: async (name: string) => {
    const bytes = SIDECARS.get(name)
    if (!bytes) throw Object.assign(new Error(`ENOENT: ${name}`), { code: 'ENOENT' })
    return bytes
  },
}

describe('V2 checkpoints', () => {
  it('knows UUID-named checkpoint files, JSON and Parquet, from every other name', () => {
    const uuid = '6374b053-df23-479b-b2cf-c9c550132b49'
    expect(uuidCheckpointVersion(`00000000000000000002.checkpoint.${uuid}.json`)).toBe(2)
    expect(uuidCheckpointVersion(`00000000000000000012.checkpoint.${uuid}.parquet`)).toBe(12)
    expect(uuidCheckpointVersion('00000000000000000002.checkpoint.parquet')).toBeUndefined()
    expect(
      uuidCheckpointVersion('00000000000000000002.checkpoint.0000000001.0000000002.parquet'),
    ).toBeUndefined()
    expect(uuidCheckpointVersion(`00000000000000000002.checkpoint.${uuid}.json.tmp`)).toBeUndefined()
  })

  it('reads a JSON checkpoint with its sidecars: the actions a V1 checkpoint would hold', async () => {
    const actions = await decodeCheckpointFile(jsonCheckpoint(TOP), options)
    // Order carries no meaning in a checkpoint: the non-file actions first, then each sidecar's rows in order.
    expect(actions).toEqual([{ protocol }, { metaData }, add('a.parquet'), remove, add('b.parquet')])
  })

  it('returns only the action kinds asked for, reading no sidecar when neither add nor remove is', async () => {
    const opened = await decodeCheckpointFile(jsonCheckpoint(TOP), {
      ...options,
      actions: ['add', 'protocol'],
    })
    expect(opened).toEqual([{ protocol }, add('a.parquet'), add('b.parquet')])
    const read: string[] = []
    const none = await decodeCheckpointFile(jsonCheckpoint(TOP), {
      ...options,
      actions: ['metaData'],
      readSidecar: async (name) => {
        read.push(name)
        return new Uint8Array()
      },
    })
    expect(none).toEqual([{ metaData }])
    expect(read).toEqual([])
  })

  it('refuses checkpointMetadata of another version and a sidecar path outside _delta_log/_sidecars/', async () => {
    const other = [{ checkpointMetadata: { version: 3 } }, { protocol }, { metaData }]
    await expect(decodeCheckpointFile(jsonCheckpoint(other), options)).rejects.toThrow(
      /checkpointMetadata\.version: 3, but the checkpoint is of version 2/,
    )
    for (const path of ['../escape.parquet', 'sub%2Fdir.parquet', '/abs/x.parquet']) {
      const error = await decodeCheckpointFile(
        jsonCheckpoint([sidecarLine(path), { protocol }]),
        options,
      ).catch((e: unknown) => e)
      expect(error, path).toBeInstanceOf(CheckpointFormatError)
      expect((error as Error).message).toContain('_delta_log/_sidecars/')
    }
  })

  it('rejects as the file system does when a sidecar is missing (the checkpoint is not used)', async () => {
    const missing = [sidecarLine('gone.parquet'), { protocol }, { metaData }]
    await expect(decodeCheckpointFile(jsonCheckpoint(missing), options)).rejects.toMatchObject({
      code: 'ENOENT',
    })
  })
})
