// Schema changes as Delta column mapping (PROTOCOL.md "Column Mapping", name mode): what a reader that follows only
// the spec sees after pf renames, drops and adds fields, checked with the oracle at every version.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { createTable, type EntityIR, openTable, type Table } from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { entityOf, useOracleWorkspace } from './oracle-workspace.js'
import { expectSameRowsAt } from './pf-agreement.js'
import { parseSchemaString } from './spec-delta-schema.js'
import { SpecOracleError } from './spec-oracle-error.js'

/** The Item entity of one schema version. */
function item(fields: string, attributes = ''): EntityIR {
  return entityOf(`entity Item @storage("items")${attributes} {\n${fields}\n}`)
}

const ws = useOracleWorkspace('pf-delta-cmap-')

const ids = (n: number[]) => pl.Series('id', n, pl.Int64)

async function itemsTable(
  name: string,
  fields: string,
  attributes = '',
  updateMode: 'merge-on-read' | 'copy-on-write' = 'merge-on-read',
): Promise<{ table: Table; root: string }> {
  const root = join(ws.dir, name)
  const table = await createTable(root, { entity: item(fields, attributes), autoCompact: false, updateMode })
  return { table, root }
}

/** The oracle agrees with pf at every version of the table. */
async function agreeAtEveryVersion(table: Table, root: string): Promise<void> {
  for (let v = 0; v <= table.version; v++) await expectSameRowsAt(ws.oracle, table, root, v, 'time travel')
}

describe('column mapping in the Delta log', () => {
  it('a rename turns on name mode: protocol (2, 5), ids and physical names as stored, a new display name', async () => {
    // Copy-on-write: no deletion vectors, so the table is on legacy protocol versions.
    const { table, root } = await itemsTable(
      'rename',
      'id Int @id\n name String\n qty Int?',
      '',
      'copy-on-write',
    )
    await table.insert(
      pl.DataFrame([ids([1, 2]), pl.Series('name', ['a', 'b']), pl.Series('qty', [10, null], pl.Int64)]),
    )
    const before = await ws.oracle.snapshot(root)
    expect(before.metaData.configuration?.['delta.columnMapping.mode']).toBeUndefined()
    await table.evolveSchema(item('id Int @id\n name String\n amount Int?'), [], {
      renames: { qty: 'amount' },
    })
    const after = await ws.oracle.snapshot(root)
    expect(after.protocol).toMatchObject({ minReaderVersion: 2, minWriterVersion: 5 })
    expect(after.metaData.configuration).toMatchObject({
      'delta.columnMapping.mode': 'name',
      'delta.columnMapping.maxColumnId': '3',
    })
    // One record of the mapping: the schema's field metadata, not a pf key beside it.
    expect(
      Object.keys(after.metaData.configuration ?? {}).filter((k) => k.startsWith('pf.physical')),
    ).toEqual([])
    const fields = parseSchemaString(after.metaData.schemaString)
    expect(
      fields.map((f) => [
        f.name,
        f.metadata['delta.columnMapping.id'],
        f.metadata['delta.columnMapping.physicalName'],
      ]),
    ).toEqual([
      ['id', 1, 'id'],
      ['name', 2, 'name'],
      ['amount', 3, 'qty'],
    ])
    // The data files were not rewritten; new ones store the renamed field under its physical name.
    expect(after.files.map((f) => f.path)).toEqual(before.files.map((f) => f.path))
    await table.upsert(
      pl.DataFrame([ids([2, 3]), pl.Series('name', ['b2', 'c']), pl.Series('amount', [20, 30], pl.Int64)]),
    )
    const read = await expectSameRowsAt(ws.oracle, table, root, table.version, 'upsert after the rename')
    expect(read.rows.map((r) => r.amount).sort()).toEqual([10n, 20n, 30n])
    // pf reads the same after a reopen (the mapping comes back from the Delta schema).
    const reopened = await openTable(root)
    expect(reopened.metadata.columnMapping?.columns.amount).toEqual({ id: 3, physicalName: 'qty' })
    await agreeAtEveryVersion(reopened, root)
  }, 120_000)

  it('merge-on-read (reader 3 / writer 7 for deletion vectors) lists columnMapping as a reader and writer feature', async () => {
    const { table, root } = await itemsTable('features', 'id Int @id\n qty Int?')
    await table.insert(pl.DataFrame([ids([1, 2, 3]), pl.Series('qty', [1, 2, 3], pl.Int64)]))
    await table.deleteKeys([2])
    await table.evolveSchema(item('id Int @id\n amount Int?'), [], { renames: { qty: 'amount' } })
    const { protocol } = await ws.oracle.snapshot(root)
    expect(protocol.minReaderVersion).toBe(3)
    expect(protocol.readerFeatures).toContain('columnMapping')
    expect(protocol.writerFeatures).toContain('columnMapping')
    await table.deleteKeys([3])
    await agreeAtEveryVersion(table, root)
  }, 120_000)

  it('the mapping survives checkpoints: pf and the oracle start from one and agree', async () => {
    const root = join(ws.dir, 'checkpointed')
    const table = await createTable(root, {
      entity: item('id Int @id\n qty Int?'),
      autoCompact: false,
    })
    await table.insert(pl.DataFrame([ids([1, 2]), pl.Series('qty', [1, 2], pl.Int64)]))
    await table.evolveSchema(item('id Int @id\n amount Int?'), [], { renames: { qty: 'amount' } })
    await table.insert(pl.DataFrame([ids([3]), pl.Series('amount', [3], pl.Int64)]))
    await table.checkpoint()
    for (const n of [4, 5]) await table.insert(pl.DataFrame([ids([n]), pl.Series('amount', [n], pl.Int64)]))
    const log = await readdir(join(root, '_delta_log'))
    expect(log.filter((f) => f.endsWith('.checkpoint.parquet')).length).toBeGreaterThan(0)
    const reopened = await openTable(root)
    expect(reopened.metadata.columnMapping?.columns.amount).toEqual({ id: 2, physicalName: 'qty' })
    expect((await reopened.read()).sort('id').getColumn('amount').toArray()).toEqual([1, 2, 3, 4, 5])
    await agreeAtEveryVersion(reopened, root)
  }, 120_000)

  it("a later field may take a renamed field's old name: each keeps its own data", async () => {
    const { table, root } = await itemsTable('swap', 'id Int @id\n a String?\n b String?')
    await table.insert(
      pl.DataFrame([ids([1, 2]), pl.Series('a', ['a1', 'a2']), pl.Series('b', ['b1', 'b2'])]),
    )
    await table.evolveSchema(item('id Int @id\n c String?\n b String?'), [], { renames: { a: 'c' } })
    await table.evolveSchema(item('id Int @id\n c String?\n a String?'), [], { renames: { b: 'a' } })
    expect(table.metadata.columnMapping?.columns).toMatchObject({
      c: { physicalName: 'a' },
      a: { physicalName: 'b' },
    })
    await table.upsert(
      pl.DataFrame([ids([2, 3]), pl.Series('c', ['c2', 'c3']), pl.Series('a', ['x2', 'x3'])]),
    )
    const read = await expectSameRowsAt(ws.oracle, table, root, table.version, 'after the swap')
    expect(read.rows.map((r) => [r.id, r.c, r.a]).sort()).toEqual([
      [1n, 'a1', 'b1'],
      [2n, 'c2', 'x2'],
      [3n, 'c3', 'x3'],
    ])
    await agreeAtEveryVersion(await openTable(root), root)
  }, 120_000)

  it('a dropped name added again never reads the old data, for pf or the oracle', async () => {
    const { table, root } = await itemsTable('readd', 'id Int @id\n score Float?')
    await table.insert(pl.DataFrame([ids([1, 2]), pl.Series('score', [1.5, 2.5])]))
    await table.evolveSchema(item('id Int @id'), [])
    expect(
      parseSchemaString((await ws.oracle.snapshot(root)).metaData.schemaString).map((f) => f.name),
    ).toEqual(['id'])
    await table.evolveSchema(item('id Int @id\n score String?'), [])
    const mapping = table.metadata.columnMapping
    expect(mapping?.maxColumnId).toBe(3)
    expect(mapping?.columns.score?.id).toBe(3)
    expect(mapping?.columns.score?.physicalName).toMatch(/^col_[0-9a-f]{32}$/)
    const read = await expectSameRowsAt(ws.oracle, table, root, table.version, 're-added score')
    expect(read.rows.map((r) => r.score)).toEqual([null, null])
    await table.upsert(pl.DataFrame([ids([1]), pl.Series('score', ['high'])]))
    await agreeAtEveryVersion(table, root)
  }, 120_000)

  it('an added field with a default is written into the old files: every reader sees it', async () => {
    const { table, root } = await itemsTable('default', 'id Int @id\n name String')
    await table.insert(pl.DataFrame([ids([1, 2, 3]), pl.Series('name', ['a', 'b', 'c'])]))
    await table.insert(pl.DataFrame([ids([4]), pl.Series('name', ['d'])]))
    await table.deleteKeys([2])
    const result = await table.evolveSchema(item('id Int @id\n name String\n level Int @default(1)'), [])
    expect(result.changes.map((c) => [c.kind, c.cost])).toEqual([['add-field', 'rewrite']])
    expect(result.rewritten).toBe(true)
    expect(result.check?.before.rows).toBe(3)
    // No pf-only fill value is left: the files hold the default.
    expect(table.metadata.fillValues).toBeUndefined()
    const read = await expectSameRowsAt(ws.oracle, table, root, table.version, 'added level with a default')
    expect(read.rows.map((r) => r.level)).toEqual([1n, 1n, 1n])
    await agreeAtEveryVersion(table, root)
  }, 120_000)

  it('an added field with a default on an empty table commits the schema only', async () => {
    const { table, root } = await itemsTable('empty', 'id Int @id')
    const result = await table.evolveSchema(item('id Int @id\n level Int @default(1)'), [])
    expect(result.rewritten).toBe(false)
    expect(table.metadata.fillValues).toBeUndefined()
    await table.insert(pl.DataFrame([ids([1]), pl.Series('level', [5], pl.Int64)]))
    await agreeAtEveryVersion(table, root)
  }, 60_000)

  it('pf migrate format to Avro after a rename: Delta readers refuse the table, pf reads the renamed field', async () => {
    const { table, root } = await itemsTable('to-avro', 'id Int @id\n qty Int?')
    await table.insert(pl.DataFrame([ids([1, 2]), pl.Series('qty', [5, 6], pl.Int64)]))
    await table.evolveSchema(item('id Int @id\n amount Int?'), [], { renames: { qty: 'amount' } })
    await expectSameRowsAt(ws.oracle, table, root, table.version, 'rename before the format change')
    await table.rewriteFormat('avro')
    const snapshot = await ws.oracle.snapshot(root)
    expect(snapshot.protocol.readerFeatures).toEqual(
      expect.arrayContaining(['columnMapping', 'pfAvroDataFiles']),
    )
    expect(snapshot.metaData.configuration?.['delta.columnMapping.mode']).toBe('name')
    const error = await ws.oracle.read(root).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SpecOracleError)
    expect((error as SpecOracleError).code).toBe('unsupported-reader-feature')
    const reopened = await openTable(root)
    expect((await reopened.read()).sort('id').getColumn('amount').toArray()).toEqual([5, 6])
  }, 120_000)

  it('an Avro table (reader 3 / writer 7) gets the columnMapping feature and stays refused by Delta readers', async () => {
    const { table, root } = await itemsTable('avro', 'id Int @id\n qty Int?', ' @format(avro)')
    await table.insert(pl.DataFrame([ids([1, 2]), pl.Series('qty', [1, 2], pl.Int64)]))
    await table.evolveSchema(item('id Int @id\n amount Int?', ' @format(avro)'), [], {
      renames: { qty: 'amount' },
    })
    const snapshot = await ws.oracle.snapshot(root)
    expect(snapshot.protocol.readerFeatures).toContain('columnMapping')
    expect(snapshot.protocol.writerFeatures).toContain('columnMapping')
    expect(snapshot.protocol.readerFeatures).toContain('pfAvroDataFiles')
    const error = await ws.oracle.read(root).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SpecOracleError)
    expect((error as SpecOracleError).code).toBe('unsupported-reader-feature')
    expect((await table.read()).sort('id').getColumn('amount').toArray()).toEqual([1, 2])
  }, 120_000)
})
