import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { SpecDeltaReader } from '../../../../test/delta/spec-delta-reader.js'
import { createCheckpointedUsersTable } from './__fixtures__/checkpointed-users-table.js'
import { commitPath, readCommitFile } from './__fixtures__/delta-commit-file.js'
import { idsOf, range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { decodeLogEntry } from './delta-log-entry.js'
import { NodeFileSystem } from './node-file-system.js'
import { createTable, openTable, type Table } from './table.js'
import { LegacyTableLogError, TableProtocolError } from './table-errors.js'
import { replay } from './table-state.js'

const ws = useUsersTablePath()

/** Appends a hand-written commit (one JSON action per line) as the next version, as another Delta writer would. */
async function commitByHand(version: number, actions: readonly object[]): Promise<void> {
  await writeFile(commitPath(ws.path, version), `${actions.map((a) => JSON.stringify(a)).join('\n')}\n`, {
    flag: 'wx',
  })
}

describe('the log is the Delta Lake transaction log', () => {
  it('version 0 holds protocol, metaData and commitInfo as the spec names them', async () => {
    await createTable(ws.path, { entity: userEntity, enums: userEnums })
    expect(await readdir(join(ws.path, '_delta_log'))).toEqual(['00000000000000000000.json'])
    const v0 = await readCommitFile(ws.path, 0)
    expect(v0.lines.map((l) => Object.keys(l))).toEqual([['commitInfo'], ['protocol'], ['metaData']])
    // Merge-on-read (the default): deletion vectors, a reader and writer feature; with them the NOT NULL
    // invariants and the enum's CHECK constraint are listed as writer features.
    expect(v0.protocol).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors'],
      writerFeatures: ['checkConstraints', 'deletionVectors', 'invariants'],
    })
    const meta = v0.metaData as Record<string, unknown>
    expect(meta.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(meta.format).toEqual({ provider: 'parquet', options: {} })
    expect(meta.partitionColumns).toEqual([])
    expect(typeof meta.createdTime).toBe('number')
    const schema = JSON.parse(meta.schemaString as string) as { type: string; fields: { name: string }[] }
    expect(schema.type).toBe('struct')
    expect(schema.fields.map((f) => f.name)).toEqual(userEntity.fields.map((f) => f.column))
    const configuration = meta.configuration as Record<string, string>
    expect(JSON.parse(configuration['pf.entity'] as string)).toEqual(userEntity)
    expect(JSON.parse(configuration['pf.enums'] as string)).toEqual(userEnums)
    expect(JSON.parse(configuration['pf.updateMode'] as string)).toBe('merge-on-read')
    expect(configuration['delta.enableDeletionVectors']).toBe('true')
    expect(Object.keys(configuration).some((k) => k.startsWith('delta.constraints.'))).toBe(true)
    expect(v0.commitInfo).toMatchObject({
      operation: 'CREATE TABLE',
      isolationLevel: 'Serializable',
      engineInfo: expect.stringMatching(/^parquetframe\/\d+\.\d+\.\d+/),
    })
  })

  it('a copy-on-write table declares the lowest protocol: required fields and an enum CHECK, writer 3', async () => {
    await createTable(ws.path, { entity: userEntity, enums: userEnums, updateMode: 'copy-on-write' })
    const v0 = await readCommitFile(ws.path, 0)
    expect(v0.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 3 })
    expect(v0.metaData?.configuration).not.toHaveProperty('delta.enableDeletionVectors')
  })

  it('commits carry add and remove actions with the spec fields, stats and pf checksum tags', async () => {
    const table = await createTable(ws.path, {
      entity: userEntity,
      enums: userEnums,
      partitionBy: ['role'],
      updateMode: 'copy-on-write',
    })
    await table.append(users([1, 2, 3]))
    const v1 = await readCommitFile(ws.path, 1)
    expect(v1.commitInfo).toMatchObject({
      operation: 'WRITE',
      operationParameters: { mode: 'Append' },
      readVersion: 0,
      isBlindAppend: true,
      tableRows: 3,
    })
    expect(v1.add).toHaveLength(2)
    for (const add of v1.add) {
      const role = (add.partitionValues as Record<string, string>).role
      expect(add.path).toMatch(new RegExp(`^role=${role}/part-[0-9a-f-]{36}\\.parquet$`))
      expect(add.size).toBe((await stat(join(ws.path, add.path as string))).size)
      expect(add.dataChange).toBe(true)
      expect(typeof add.modificationTime).toBe('number')
      expect((add.tags as Record<string, string>)['pf.crc32']).toMatch(/^crc32:[0-9a-f]{8}$/)
      const stats = JSON.parse(add.stats as string) as Record<string, Record<string, unknown>>
      expect(stats.nullCount).toMatchObject({ id: 0, age: 0, score: expect.any(Number) })
      if (role === 'ADMIN') {
        expect(stats).toMatchObject({ numRecords: 1, minValues: { id: 2, name: 'u2' }, maxValues: { id: 2 } })
      } else {
        expect(stats).toMatchObject({ numRecords: 2, minValues: { id: 1, name: 'u1' }, maxValues: { id: 3 } })
      }
    }
    await table.upsert(users([3], 'again'))
    const v2 = await readCommitFile(ws.path, 2)
    expect(v2.commitInfo).toMatchObject({ operation: 'MERGE', readVersion: 1 })
    const removed = v1.add.find((a) => (a.partitionValues as Record<string, string>).role === 'MEMBER')
    expect(v2.remove).toEqual([
      {
        path: removed?.path,
        deletionTimestamp: expect.any(Number),
        dataChange: true,
        extendedFileMetadata: true,
        partitionValues: { role: 'MEMBER' },
        size: removed?.size,
        stats: '{"numRecords":2}',
      },
    ])
    await table.compact()
    const v3 = await readCommitFile(ws.path, 3)
    expect(v3.commitInfo).toMatchObject({ operation: 'OPTIMIZE' })
    expect([...v3.add, ...v3.remove].every((a) => a.dataChange === false)).toBe(true)
  })

  it('paths and partition values go through the spec encoding: a reader decoding the URI finds the file', async () => {
    const table = await createTable(ws.path, { entity: userEntity, enums: userEnums, partitionBy: ['name'] })
    await table.append(users([1]).withColumn(pl.lit('a b%c/d#').alias('name')))
    const [add] = (await readCommitFile(ws.path, 1)).add
    expect(add?.partitionValues).toEqual({ name: 'a b%c/d#' })
    expect(add?.path).toMatch(/^name=a%2520b%2525c%252Fd%2523\/part-/)
    expect((await stat(join(ws.path, decodeURIComponent(add?.path as string)))).isFile()).toBe(true)
    expect((await (await openTable(ws.path)).read()).getColumn('name').toArray()).toEqual(['a b%c/d#'])
  })

  it('an Avro table declares a reader feature other engines do not know', async () => {
    await createTable(ws.path, {
      entity: { ...userEntity, format: 'avro' },
      enums: userEnums,
      updateMode: 'copy-on-write',
    })
    const v0 = await readCommitFile(ws.path, 0)
    expect(v0.protocol).toMatchObject({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['pfAvroDataFiles'],
    })
    expect([...((v0.protocol?.writerFeatures as string[] | undefined) ?? [])].sort()).toEqual([
      'checkConstraints',
      'invariants',
      'pfAvroDataFiles',
    ])
    expect(v0.metaData?.format).toEqual({ provider: 'avro', options: {} })
    const table = await openTable(ws.path)
    await table.append(users([1, 2]))
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([1, 2])
  })
})

describe('replay follows Action Reconciliation', () => {
  let table: Table
  beforeEach(async () => {
    table = await createTable(ws.path, { entity: userEntity, enums: userEnums, checkpointInterval: 0 })
    await table.append(users([1, 2, 3]))
  })

  it('another writer re-adding the same file (with or without a remove) never doubles its rows', async () => {
    const [add] = (await readCommitFile(ws.path, 1)).add
    await commitByHand(2, [{ commitInfo: { operation: 'OPTIMIZE' } }, { add: { ...add, dataChange: false } }])
    await commitByHand(3, [
      { remove: { path: add?.path, dataChange: false, deletionTimestamp: 1 } },
      { add: { ...add, dataChange: false } },
    ])
    const opened = await openTable(ws.path)
    expect(opened.version).toBe(3)
    expect(idsOf(await opened.read())).toEqual([1, 2, 3])
    expect((await opened.snapshot()).numRows).toBe(3)
    // pf's next commit rebases on the other writer's commits.
    await opened.append(users([4]))
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([1, 2, 3, 4])
  })

  it('a file whose add has no column statistics (or none at all) is read whole, never as nulls', async () => {
    const before = await (await openTable(ws.path)).read()
    const [add] = (await readCommitFile(ws.path, 1)).add
    // Statistics are optional in Delta: whether a file holds a column is its footer's business, not the stats'.
    await commitByHand(2, [
      { commitInfo: { operation: 'OPTIMIZE' } },
      { remove: { path: add?.path, dataChange: false, deletionTimestamp: 1 } },
      { add: { ...add, dataChange: false, stats: JSON.stringify({ numRecords: 3 }) } },
    ])
    expect((await (await openTable(ws.path)).read()).toRecords()).toEqual(before.toRecords())
    await commitByHand(3, [
      { commitInfo: { operation: 'OPTIMIZE' } },
      { remove: { path: add?.path, dataChange: false, deletionTimestamp: 1 } },
      {
        add: {
          ...Object.fromEntries(Object.entries(add ?? {}).filter(([k]) => k !== 'stats')),
          dataChange: false,
        },
      },
    ])
    const opened = await openTable(ws.path)
    expect((await opened.read()).toRecords()).toEqual(before.toRecords())
    // No row count in the log: counted by reading, never NaN.
    expect(await opened.count()).toBe(3)
  })

  it('a logical file is (path, deletion vector): removes and adds of one path with different vectors', () => {
    const source = (version: number) => ({ table: 't', file: `${version}.json`, version })
    const meta = readFile(commitPath(ws.path, 0), 'utf8')
    return meta.then((v0Text) => {
      const v0 = decodeLogEntry(v0Text, source(0))
      const stats = '{"numRecords":10}'
      const dv = (id: string, cardinality: number) => ({
        storageType: 'u',
        pathOrInlineDv: id.padEnd(20, '0'),
        sizeInBytes: 40,
        cardinality,
      })
      const add = (extra: object) => ({
        add: {
          path: 'p.parquet',
          partitionValues: {},
          size: 1,
          modificationTime: 1,
          dataChange: true,
          stats,
          ...extra,
        },
      })
      const lines = (...actions: object[]) => actions.map((a) => JSON.stringify(a)).join('\n')
      const v1 = decodeLogEntry(lines(add({})), source(1))
      const v2 = decodeLogEntry(
        lines({ remove: { path: 'p.parquet', dataChange: true } }, add({ deletionVector: dv('a', 3) })),
        source(2),
      )
      const v3 = decodeLogEntry(
        lines(
          { remove: { path: 'p.parquet', dataChange: true, deletionVector: dv('a', 3) } },
          add({ deletionVector: dv('b', 4) }),
        ),
        source(3),
      )
      const state = replay(undefined, [v0, v1, v2, v3])
      expect([...state.files.keys()]).toEqual(['p.parquet'])
      expect(state.rows).toBe(6)
      expect(state.files.get('p.parquet')?.add.deletionVector?.pathOrInlineDv).toBe('b'.padEnd(20, '0'))
      // Removing the logical file with the old vector again: it is not live.
      const stale = decodeLogEntry(
        lines({ remove: { path: 'p.parquet', dataChange: true, deletionVector: dv('a', 3) } }),
        source(4),
      )
      expect(() => replay(state, [stale])).toThrow(
        /removes p\.parquet \(deletion vector u.*\), which is not live/,
      )
    })
  })

  it('a reader feature pf does not support is refused, naming the table, version and feature', async () => {
    await commitByHand(2, [
      {
        protocol: {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: ['futureThing'],
          writerFeatures: ['futureThing'],
        },
      },
    ])
    const error = await openTable(ws.path).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableProtocolError)
    expect(error).toMatchObject({ code: 'PF_TABLE_PROTOCOL' })
    expect((error as Error).message).toMatch(/version 2 needs the Delta reader feature futureThing/)
    await expect(table.read()).rejects.toBeInstanceOf(TableProtocolError)
  })

  it('reader version 2 is read (column mapping, name mode; id mode refused); an unknown writer feature refuses writes, not reads', async () => {
    await commitByHand(2, [
      {
        protocol: {
          minReaderVersion: 1,
          minWriterVersion: 7,
          writerFeatures: ['rowTracking', 'domainMetadata'],
        },
      },
    ])
    const opened = await openTable(ws.path)
    expect(idsOf(await opened.read())).toEqual([1, 2, 3])
    const error = await opened.append(users([9])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableProtocolError)
    expect((error as Error).message).toMatch(/writer features rowTracking, domainMetadata/)
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([1, 2, 3])
    await commitByHand(3, [{ protocol: { minReaderVersion: 2, minWriterVersion: 5 } }])
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([1, 2, 3])
    const { metaData } = await readCommitFile(ws.path, 0)
    const configuration = { ...(metaData?.configuration as object), 'delta.columnMapping.mode': 'id' }
    await commitByHand(4, [{ metaData: { ...metaData, configuration } }])
    const idMode = await openTable(ws.path).catch((e: unknown) => e)
    expect(idMode).toBeInstanceOf(TableProtocolError)
    expect((idMode as Error).message).toMatch(/column mapping mode "id" \(pf reads mode "name"\)/)
  })
})

describe('tables of the pre-Delta log', () => {
  it('a folder with _pf_log/ is a typed error naming it, never an empty table', async () => {
    await mkdir(join(ws.path, '_pf_log'), { recursive: true })
    await writeFile(join(ws.path, '_pf_log', '00000000000000000000.json'), '{"version":0}')
    const error = await openTable(ws.path).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LegacyTableLogError)
    expect(error).toMatchObject({ code: 'PF_TABLE_LEGACY_LOG', folder: join(ws.path, '_pf_log') })
    expect((error as Error).message).toContain('pre-Delta log')
  })
})

describe('merge-on-read deletes are Delta deletion vectors', () => {
  it('a vector this process wrote is held: the next delete from that file reads no vector file', async () => {
    const table = await createTable(ws.path, { entity: userEntity, enums: userEnums })
    await table.append(users(range(0, 10)))
    await table.deleteKeys([3])
    const reads = vi.spyOn(NodeFileSystem.prototype, 'readFile')
    const vectorReads = () =>
      reads.mock.calls.filter(([path]) => String(path).includes('deletion_vector_')).length
    await table.upsert(users([5], 'new'))
    await table.deleteKeys([7])
    expect(vectorReads()).toBe(0)
    reads.mockRestore()
    // What the held vectors said is what the files say: another reader reads them.
    const opened = await openTable(ws.path)
    expect(idsOf(await opened.read())).toEqual([0, 1, 2, 4, 5, 6, 8, 9])
    expect((await opened.findByKey(5))?.getColumn('name').get(0)).toBe('new5')
  })

  it('a delete removes the logical file and adds it again with a deletion vector; an upsert adds a new file', async () => {
    const table = await createTable(ws.path, { entity: userEntity, enums: userEnums })
    await table.append(users(range(0, 10)))
    const [written] = (await readCommitFile(ws.path, 1)).add
    await table.deleteKeys([3, 4])
    const v2 = await readCommitFile(ws.path, 2)
    expect(v2.commitInfo).toMatchObject({ operation: 'DELETE', tableRows: 8 })
    expect(v2.remove).toEqual([expect.objectContaining({ path: written?.path, dataChange: true })])
    expect(v2.remove[0]).not.toHaveProperty('deletionVector')
    expect(v2.add).toHaveLength(1)
    const readded = v2.add[0] as Record<string, unknown>
    expect(readded).toMatchObject({ path: written?.path, size: written?.size, dataChange: true })
    expect(readded.deletionVector).toMatchObject({ storageType: 'u', cardinality: 2, offset: 1 })
    expect(JSON.parse(readded.stats as string)).toMatchObject({ numRecords: 10, tightBounds: false })
    expect((await readdir(ws.path)).filter((n) => n.startsWith('deletion_vector_'))).toHaveLength(1)
    // The next delete of the same file removes (path, old vector) and adds (path, union of both).
    await table.upsert(users([5], 'new'))
    const v3 = await readCommitFile(ws.path, 3)
    expect(v3.commitInfo).toMatchObject({ operation: 'MERGE' })
    expect(v3.remove).toEqual([
      expect.objectContaining({ path: written?.path, deletionVector: readded.deletionVector }),
    ])
    expect(
      v3.add.map((a) => (a.deletionVector as { cardinality?: number } | undefined)?.cardinality ?? 0).sort(),
    ).toEqual([0, 3])
    const opened = await openTable(ws.path)
    expect(idsOf(await opened.read())).toEqual([0, 1, 2, 5, 6, 7, 8, 9])
    expect((await opened.findByKey(5))?.getColumn('name').get(0)).toBe('new5')
    expect(await opened.findByKey(4)).toBeNull()
    expect(idsOf(await (await opened.at(2)).read())).toEqual([0, 1, 2, 5, 6, 7, 8, 9])
    // Deleting every remaining row of a file removes it.
    await table.deleteKeys([0, 1, 2, 6, 7, 8, 9])
    const v4 = await readCommitFile(ws.path, 4)
    expect(v4.remove).toHaveLength(1)
    expect(v4.add).toEqual([])
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([5])
    // Vacuum keeps the vectors of retained versions and removes superseded ones once past the retention.
    const vectors = async () => (await readdir(ws.path)).filter((n) => n.startsWith('deletion_vector_'))
    expect(await vectors()).toHaveLength(2)
    await table.vacuum()
    expect(await vectors()).toHaveLength(2)
    await table.vacuum({ retentionMs: 0 })
    expect(await vectors()).toEqual([])
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([5])
  })

  it('a damaged or missing deletion vector file is TableCorruptError naming the data file, never rows back', async () => {
    const table = await createTable(ws.path, { entity: userEntity, enums: userEnums })
    await table.append(users(range(0, 4)))
    await table.deleteKeys([1])
    const [vector] = (await readdir(ws.path)).filter((n) => n.startsWith('deletion_vector_'))
    const file = join(ws.path, vector as string)
    const bytes = await readFile(file)
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff
    await writeFile(file, bytes)
    await expect((await openTable(ws.path)).read()).rejects.toMatchObject({
      code: 'PF_TABLE_CORRUPT',
      version: 2,
    })
    await rm(file)
    await expect((await openTable(ws.path)).read()).rejects.toMatchObject({ code: 'PF_TABLE_CORRUPT' })
  })
})

describe('Delta checkpoints', () => {
  it('every checkpointInterval commits: a classic Parquet checkpoint and _last_checkpoint that other readers open from', async () => {
    const table = await createCheckpointedUsersTable(ws.path)
    await table.settled()
    const names = await readdir(join(ws.path, '_delta_log'))
    expect(names).toContain('00000000000000000004.checkpoint.parquet')
    const pointer = JSON.parse(await readFile(join(ws.path, '_delta_log', '_last_checkpoint'), 'utf8'))
    // protocol, metaData, the 3 live logical files (one with a deletion vector) and 2 tombstones: that file
    // without a deletion vector and with its first one.
    expect(pointer).toMatchObject({ version: 4, size: 7, numOfAddFiles: 3 })
    const expected = (await table.read()).select('id', 'name').sort('id').toRecords()
    // A reader that opens from the checkpoint alone: the commits before it are gone (as Delta's log cleanup does).
    for (const v of range(0, 4)) await rm(commitPath(ws.path, v))
    const oracle = await SpecDeltaReader.open()
    try {
      const read = await oracle.read(ws.path)
      expect(read.snapshot.version).toBe(4)
      const rows = read.rows.map((r) => ({ id: Number(r.id), name: r.name })).sort((a, b) => a.id - b.id)
      expect(rows).toEqual(expected.map((r) => ({ id: Number(r.id), name: r.name })))
    } finally {
      oracle.close()
    }
  })
})

describe("a reader knowing only the spec sees pf's rows at every version (test/delta's oracle: DuckDB minus deletion vectors)", () => {
  for (const updateMode of ['merge-on-read', 'copy-on-write'] as const) {
    it(`after inserts, upserts, deletes, partition moves and compaction (${updateMode})`, async () => {
      const table = await createTable(ws.path, {
        entity: userEntity,
        enums: userEnums,
        partitionBy: ['role'],
        updateMode,
      })
      const steps: (() => Promise<unknown>)[] = [
        () => table.append(users(range(0, 12))),
        () => table.upsert(users([1, 2, 3, 4], 'updated')),
        () => table.deleteKeys([5]),
        () => table.deleteWhere(pl.col('age').lt(3)),
        // id 7 moves from MEMBER to ADMIN.
        () => table.upsert(users([7], 'moved').withColumn(pl.lit('ADMIN').alias('role'))),
        () => table.compact(),
        () => table.transaction((tx) => void tx.upsert(users([20, 21], 'tx')).deleteKeys([8])),
      ]
      for (const step of steps) await step()
      const oracle = await SpecDeltaReader.open()
      try {
        for (let v = 1; v <= table.version; v++) {
          const ours = (await (await table.at(v)).read())
            .select('id', 'name', 'role')
            .sort('id')
            .toRecords()
            .map((r) => `${r.id}:${r.name}:${r.role}`)
          const theirs = (await oracle.read(ws.path, v)).rows
            .map((r) => `${r.id}:${r.name}:${r.role}`)
            .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
          expect(theirs, `version ${v}`).toEqual(ours)
        }
      } finally {
        oracle.close()
      }
      expect(idsOf(await table.read())).toEqual([3, 4, 6, 7, 9, 10, 11, 20, 21])
    })
  }
})
