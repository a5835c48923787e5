import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { writeForeignDeltaTable } from './__fixtures__/foreign-delta-table.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { deltaCheckpointActions, encodeLogEntry } from './delta-log-entry.js'
import { foreignSchemaOf } from './foreign-table-metadata.js'
import { nodeFileSystem } from './node-file-system.js'
import { openTable } from './table.js'
import { TableProtocolError } from './table-errors.js'
import { TableLog } from './table-log.js'
import { toCheckpoint } from './table-state.js'

const tmp = useTempDir('pf-foreign-table-metadata-')

/** A Delta table as Spark would write it: an `integer` column, no pf.* configuration. */
const sparkTable = (root: string) =>
  writeForeignDeltaTable(root, {
    frame: pl.DataFrame({ id: pl.Series('id', [1, 2], pl.Int32), name: ['a', 'b'] }),
    columns: [
      { name: 'id', type: 'integer', nullable: false, metadata: {} },
      { name: 'name', type: 'string', nullable: true, metadata: {} },
    ],
    id: 'e0b5a1c4-0000-4000-8000-000000000002',
    configuration: { 'delta.appendOnly': 'false' },
  })

describe('a Delta table another writer created', () => {
  it('replays through the one log replay with metadata derived from its Delta schema (the schema kept for readers)', async () => {
    const root = join(tmp.dir, 'spark')
    await sparkTable(root)
    const state = await new TableLog(root, nodeFileSystem, root).latest()
    expect(foreignSchemaOf(state.metadata)?.fields.map((f) => [f.name, f.type])).toEqual([
      ['id', 'integer'],
      ['name', 'string'],
    ])
    expect(state.metadata.entity.fields.map((f) => [f.column, f.type, f.optional])).toEqual([
      ['id', { kind: 'scalar', name: 'Int' }, false],
      ['name', { kind: 'scalar', name: 'String' }, true],
    ])
    expect(state.files.size).toBe(1)
  })

  it('is not opened as a pf table (never read by a pf entity, never written): TableProtocolError, log untouched', async () => {
    const root = join(tmp.dir, 'spark')
    await sparkTable(root)
    const error = await openTable(root).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableProtocolError)
    expect((error as Error).message).toContain(root)
    expect((error as Error).message).toContain('another writer created')
    expect(await readdir(join(root, '_delta_log'))).toEqual(['00000000000000000000.json'])
    expect(await readdir(root)).toEqual(['_delta_log', 'a.parquet'])
  })

  it('no commit or checkpoint of its state is ever encoded', async () => {
    const root = join(tmp.dir, 'spark')
    await sparkTable(root)
    const state = await new TableLog(root, nodeFileSystem, root).latest()
    const entry = {
      version: 1,
      commitInfo: {
        timestamp: 2,
        operation: 'APPEND' as const,
        readVersion: 0,
        rowsAdded: 0,
        rowsRemoved: 0,
        txnId: '',
      },
    }
    expect(() => encodeLogEntry(entry, state)).toThrow(TableProtocolError)
    expect(() => deltaCheckpointActions(state, [])).toThrow(TableProtocolError)
    expect(() => toCheckpoint(state)).toThrow(TableProtocolError)
  })
})
