import { readdir } from 'node:fs/promises'
import pl from 'nodejs-polars'
import { beforeEach, describe, expect, it } from 'vitest'
import type { EntityIR, FieldIR } from '../schema/schema-ir.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { idsOf, range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { ContentChecksum } from './content-checksum.js'
import { DataFileStore } from './data-file-store.js'
import { createTable, openTable, type Table } from './table.js'
import { RewriteVerificationError, SchemaChangeRefusedError } from './table-errors.js'

const tmp = useTempDir('pf-table-migration-')
let table: Table

beforeEach(async () => {
  table = await createTable(`${tmp.dir}/users`, { entity: userEntity, enums: userEnums, maxRowsPerFile: 40 })
})

/** Rows as sorted records, for comparing whole tables. */
async function rows(t: Table): Promise<Record<string, unknown>[]> {
  return (await t.read()).sort('id').toRecords() as Record<string, unknown>[]
}

async function dataFiles(): Promise<string[]> {
  return (await readdir(`${tmp.dir}/users`)).filter((n) => n.startsWith('part-')).sort()
}

function withFields(fields: FieldIR[]): EntityIR {
  return { ...userEntity, fields }
}

const base = userEntity.fields
const byName = (name: string): FieldIR => base.find((f) => f.name === name) as FieldIR

describe('ContentChecksum', () => {
  it('ignores row order and file split, and sees a changed value', () => {
    const df = users(range(0, 50))
    const whole = new ContentChecksum().add(df)
    const split = new ContentChecksum()
      .add(df.slice(30, 20))
      .merge(new ContentChecksum().add(df.slice(0, 30)))
    expect(split.equals(whole)).toBe(true)
    expect(new ContentChecksum().add(df.sort('name', true)).value).toBe(whole.value)
    expect(new ContentChecksum().add(users(range(0, 50), 'x')).equals(whole)).toBe(false)
    expect(whole.rows).toBe(50)
    expect(whole.value).toMatch(/^[0-9a-f]{16}$/)
  })
})

describe('Table.rewriteFormat', () => {
  it('moves Parquet → Avro → Parquet in one verified commit each, keeping every row and deletes', async () => {
    await table.append(users(range(0, 100)))
    await table.deleteKeys([3, 4])
    await table.upsert(users([5], 'changed'))
    const expected = await rows(table)
    const progress: number[] = []
    const result = await table.rewriteFormat('avro', { onProgress: (p) => progress.push(p.filesDone) })
    expect(result.version).toBe(4)
    expect(result.check).toMatchObject({ before: { rows: 98 }, after: { rows: 98 }, filesBefore: 4 })
    expect(result.check?.before.checksum).toBe(result.check?.after.checksum)
    expect(progress).toEqual([0, 1, 2, 3, 4])
    expect(table.metadata.format).toBe('avro')
    const reopened = await openTable(`${tmp.dir}/users`)
    expect(reopened.metadata.format).toBe('avro')
    expect(reopened.metadata.entity.format).toBe('avro')
    expect(await rows(reopened)).toEqual(expected)
    expect((await reopened.snapshot()).files.every((f) => f.add.path.endsWith('.avro'))).toBe(true)
    expect((await reopened.findByKey(5))?.getColumn('name').get(0)).toBe('changed5')
    // Old versions still read in the old format until vacuumed.
    expect(idsOf(await (await reopened.at(1)).read())).toEqual(range(0, 100))
    const avroHistory = await reopened.history()
    expect(avroHistory.filter((h) => h.operation === 'SET_FORMAT').map((h) => h.details)).toEqual([
      ['format parquet → avro'],
    ])
    await reopened.append(users([200]))
    const back = await reopened.rewriteFormat('parquet')
    expect(await rows(reopened)).toEqual(await rows(await openTable(`${tmp.dir}/users`)))
    expect(idsOf(await reopened.read())).toEqual([...expected.map((r) => Number(r.id)), 200])
    // Back to Parquet, the Avro feature is dropped with the history before it (see drop-feature.test.ts).
    expect(back.droppedFeature?.version).toBe(back.version + 1)
    const history = await reopened.history()
    expect(history.map((h) => [h.operation, h.details])).toEqual([
      ['DROP_FEATURE', ['reader feature pfAvroDataFiles dropped; history before this version removed']],
    ])
    expect((await reopened.rewriteFormat('parquet')).version).toBe(reopened.version)
  })

  it('moves an empty table with a metadata-only commit', async () => {
    const result = await table.rewriteFormat('avro')
    expect(result.version).toBe(1)
    expect((await openTable(`${tmp.dir}/users`)).metadata.format).toBe('avro')
  })

  it('commits nothing when the verify callback throws, and leaves no files behind', async () => {
    await table.append(users(range(0, 60)))
    const before = await dataFiles()
    await expect(
      table.rewriteFormat('avro', {
        verify: (check) => {
          expect(check.before).toEqual(check.after)
          throw new Error('refused by the test')
        },
      }),
    ).rejects.toThrow('refused by the test')
    const reopened = await openTable(`${tmp.dir}/users`)
    expect(reopened.metadata.format).toBe('parquet')
    expect(reopened.version).toBe(1)
    expect(await dataFiles()).toEqual(before)
  })

  it('fails verification when a written file does not read back the same', async () => {
    await table.append(users(range(0, 10)))
    // A broken writer: the Avro files it writes hold other names.
    const original = DataFileStore.prototype.write
    DataFileStore.prototype.write = function (df, written) {
      const out = this.metadata.format === 'avro' ? df.withColumns(pl.lit('broken').alias('name')) : df
      return original.call(this, out, written)
    }
    try {
      await expect(table.rewriteFormat('avro')).rejects.toBeInstanceOf(RewriteVerificationError)
    } finally {
      DataFileStore.prototype.write = original
    }
    expect((await openTable(`${tmp.dir}/users`)).metadata.format).toBe('parquet')
    expect(await dataFiles()).toHaveLength(1)
  })

  it('takes files appended during the rewrite along (re-plans after losing the race)', async () => {
    await table.append(users(range(0, 80)))
    const other = await openTable(`${tmp.dir}/users`)
    const checks: number[] = []
    const result = await table.rewriteFormat('avro', {
      verify: async (check) => {
        checks.push(check.before.rows)
        if (checks.length === 1) await other.append(users([500, 501]))
      },
    })
    expect(checks).toEqual([80, 82])
    expect(result).toMatchObject({ version: 3, attempts: 2, check: { filesBefore: 3, filesAfter: 3 } })
    const reopened = await openTable(`${tmp.dir}/users`)
    expect(idsOf(await reopened.read())).toEqual([...range(0, 80), 500, 501])
    expect((await reopened.snapshot()).files.every((f) => f.add.path.endsWith('.avro'))).toBe(true)
    // Each source file was rewritten once: no spare outputs are left.
    expect((await dataFiles()).filter((n) => n.endsWith('.avro'))).toHaveLength(3)
  })
})

describe('Table.evolveSchema', () => {
  const string = { kind: 'scalar', name: 'String' } as const
  const int = { kind: 'scalar', name: 'Int' } as const

  it('adds fields: a default or now() written into the old files in one commit, null as metadata only', async () => {
    await table.append(users(range(0, 50)))
    const before = (await table.snapshot()).files.map((f) => f.add.path)
    const at = Date.UTC(2024, 0, 2, 3, 4, 5)
    const evolved = withFields([
      ...base,
      { ...byName('name'), id: 8, name: 'nick', column: 'nick', default: { kind: 'literal', value: 'none' } },
      { ...byName('age'), id: 9, name: 'level', column: 'level', optional: true },
      {
        ...byName('createdAt'),
        id: 10,
        name: 'joined',
        column: 'joined',
        optional: false,
        default: { kind: 'now' },
      },
    ])
    const t0 = Date.now()
    const result = await table.evolveSchema(evolved, userEnums)
    const t1 = Date.now()
    // Delta readers know no defaults for existing rows: the files are rewritten with them, in the one commit.
    expect(result).toMatchObject({
      version: 2,
      rewritten: true,
      rowsAdded: 0,
      check: { before: { rows: 50 } },
    })
    expect(result.changes.map((c) => [c.kind, c.cost, c.subject])).toEqual([
      ['add-field', 'rewrite', 'User.nick'],
      ['add-field', 'metadata', 'User.level'],
      ['add-field', 'rewrite', 'User.joined'],
    ])
    const after = (await table.snapshot()).files.map((f) => f.add.path)
    expect(after.filter((p) => before.includes(p))).toEqual([])
    expect(table.metadata.fillValues).toBeUndefined()
    const reopened = await openTable(`${tmp.dir}/users`)
    const df = await reopened.read()
    expect(df.columns.slice(-3)).toEqual(['nick', 'level', 'joined'])
    expect(df.getColumn('nick').unique().toArray()).toEqual(['none'])
    expect(df.getColumn('level').nullCount()).toBe(50)
    const joined = (df.getColumn('joined').toArray()[0] as unknown as Date).getTime()
    expect(joined >= t0 && joined <= t1).toBe(true)
    expect(String(df.getColumn('joined').dtype)).toContain('UTC')
    // New rows carry their own values; scans, key lookups and pruning see both kinds of file.
    const fresh = users([100]).withColumns(
      pl.lit('bob').alias('nick'),
      pl.lit(7).cast(pl.Int64).alias('level'),
      pl.lit(new Date(at)).alias('joined'),
    )
    await reopened.append(fresh)
    expect((await reopened.findByKey(100))?.row(0).slice(-3)).toEqual(['bob', 7, new Date(at)])
    expect((await reopened.findByKey(3))?.getColumn('nick').get(0)).toBe('none')
    const none = await (
      await reopened.scan({ where: [{ column: 'nick', op: '=', value: 'none' }] })
    ).collect()
    expect(none.height).toBe(50)
    expect(
      (await reopened.read({ where: [{ column: 'level', op: '=', value: 7 }], columns: ['id'] })).toRecords(),
    ).toEqual([{ id: 100 }])
    // Compaction rewrites old and new files into the evolved layout without changing a row.
    const all = await rows(reopened)
    await reopened.compact({ targetFileRows: 1000 })
    expect(await rows(reopened)).toEqual(all)
  })

  it('drops a field (ignored by readers) and never lets a re-added field see the old data', async () => {
    await table.append(users(range(0, 10)).withColumns(pl.lit(1.5).alias('score')))
    const dropped = withFields(base.filter((f) => f.name !== 'score'))
    expect((await table.evolveSchema(dropped, userEnums)).changes.map((c) => c.kind)).toEqual(['drop-field'])
    expect((await table.read()).columns).not.toContain('score')
    const readded = withFields([...dropped.fields, { ...byName('score'), id: 8, type: string }])
    await table.evolveSchema(readded, userEnums)
    // Delta column mapping: the re-added field has a new id and a physical name no version used before.
    const mapping = table.metadata.columnMapping
    expect(mapping?.maxColumnId).toBe(base.length + 1)
    expect(mapping?.columns.score?.id).toBe(base.length + 1)
    expect(mapping?.columns.score?.physicalName).toMatch(/^col_[0-9a-f]{32}$/)
    expect(table.metadata.retiredColumns).toBeUndefined()
    const df = await (await openTable(`${tmp.dir}/users`)).read()
    expect(df.getColumn('score').nullCount()).toBe(10)
    await table.upsert(users([1]).withColumns(pl.lit('high').alias('score')))
    expect((await table.findByKey(1))?.getColumn('score').get(0)).toBe('high')
    expect((await table.findByKey(2))?.getColumn('score').get(0)).toBeNull()
  })

  it('renames by storage column change (renames option) or @map, without rewriting', async () => {
    await table.append(users(range(0, 60)))
    const files = (await table.snapshot()).files.map((f) => f.add.path)
    const renamed = withFields(
      base.map((f) => (f.name === 'name' ? { ...f, name: 'fullName', column: 'fullName' } : f)),
    )
    const plain = table.evolveSchema(renamed, userEnums)
    await expect(plain).rejects.toBeInstanceOf(SchemaChangeRefusedError)
    await expect(plain).rejects.toThrow('User.fullName: add required fullName String without a default')
    const result = await table.evolveSchema(renamed, userEnums, { renames: { name: 'fullName' } })
    expect(result.changes).toEqual([
      {
        kind: 'rename-field',
        cost: 'metadata',
        subject: 'User.fullName',
        message: 'rename name to fullName (stored column "name" is read as "fullName"; no rewrite)',
      },
    ])
    expect((await table.snapshot()).files.map((f) => f.add.path)).toEqual(files)
    const reopened = await openTable(`${tmp.dir}/users`)
    expect((await reopened.findByKey(7))?.getColumn('fullName').get(0)).toBe('u7')
    const hits = await reopened.read({ where: [{ column: 'fullName', op: '=', value: 'u42' }] })
    expect(idsOf(hits)).toEqual([42])
    await reopened.append(
      users([70]).rename({ name: 'fullName' }).withColumns(pl.lit('new70').alias('fullName')),
    )
    expect((await rows(reopened)).at(-1)?.fullName).toBe('new70')
    // Old versions read with their own schema.
    expect((await (await reopened.at(1)).read()).columns).toContain('name')
    // A field renamed in the schema with @map("fullName") keeps the column: metadata only.
    const mapped = withFields(
      renamed.fields.map((f) => (f.column === 'fullName' ? { ...f, name: 'displayName' } : f)),
    )
    const again = await reopened.evolveSchema(mapped, userEnums)
    expect(again.changes.map((c) => c.message)).toEqual([
      'rename fullName to displayName (column "fullName" keeps its data)',
    ])
    expect((await reopened.findByKey(70))?.getColumn('fullName').get(0)).toBe('new70')
    // A later format rewrite keeps renamed columns readable.
    await reopened.rewriteFormat('avro')
    expect(idsOf(await reopened.read({ where: [{ column: 'fullName', op: '=', value: 'u7' }] }))).toEqual([7])
  })

  it('widens Int → Float by rewriting the data in the same commit', async () => {
    await table.append(users(range(0, 90)))
    const widened = withFields(
      base.map((f) => (f.name === 'age' ? { ...f, type: { kind: 'scalar', name: 'Float' } } : f)),
    )
    const result = await table.evolveSchema(widened, userEnums)
    expect(result).toMatchObject({ rewritten: true, check: { before: { rows: 90 }, filesBefore: 3 } })
    expect(result.changes[0]?.message).toBe('widen Int → Float (rewrites the data)')
    const df = await (await openTable(`${tmp.dir}/users`)).read()
    expect(String(df.getColumn('age').dtype)).toBe('DataType(Float64)')
    expect(df.getColumn('age').sum()).toBe(range(0, 90).reduce((a, b) => a + b, 0))
    const history = await table.history()
    expect(history.at(-1)).toMatchObject({
      operation: 'SET_SCHEMA',
      details: ['User.age: widen Int → Float (rewrites the data)'],
    })
  })

  it('refuses incompatible changes, naming each, and changes nothing', async () => {
    await table.append(users(range(0, 5)))
    const bad = withFields([
      ...base.map((f) => (f.name === 'name' ? { ...f, type: int } : f)),
      { ...byName('name'), id: 8, name: 'email', column: 'email' },
    ])
    const error = await table.evolveSchema(bad, userEnums).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SchemaChangeRefusedError)
    expect((error as SchemaChangeRefusedError).reasons).toEqual([
      'User.name: type String → Int is not a widening and could lose or reject values; add a new field and copy the data instead',
      'User.email: add required email String without a default: existing rows would have no value; make it optional or give it @default(...)',
    ])
    const key = withFields(base.map((f) => (f.name === 'id' ? { ...f, name: 'key', column: 'key' } : f)))
    await expect(
      table.evolveSchema({ ...key, primaryKey: ['key'] }, userEnums, { renames: { id: 'key' } }),
    ).rejects.toThrow('cannot change its name')
    expect(table.version).toBe(1)
    expect((await table.evolveSchema(userEntity, userEnums)).changes).toEqual([])
  })

  it('evolves an Avro table the same way', async () => {
    const avro = await createTable(`${tmp.dir}/avro-users`, {
      entity: userEntity,
      enums: userEnums,
      format: 'avro',
    })
    await avro.append(users(range(0, 20)))
    const evolved = withFields([
      ...base.map((f) => (f.name === 'name' ? { ...f, name: 'fullName', column: 'fullName' } : f)),
      { ...byName('name'), id: 8, name: 'nick', column: 'nick', default: { kind: 'literal', value: '-' } },
    ])
    await avro.evolveSchema(evolved, userEnums, { renames: { name: 'fullName' } })
    await avro.append(users([20]).rename({ name: 'fullName' }).withColumns(pl.lit('n20').alias('nick')))
    const df = (await (await openTable(`${tmp.dir}/avro-users`)).read()).sort('id')
    expect(df.getColumn('fullName').toArray().slice(19)).toEqual(['u19', 'u20'])
    expect(df.getColumn('nick').toArray().slice(19)).toEqual(['-', 'n20'])
  })
})

describe('rewrite cancellation', () => {
  it('stops between files when the signal is aborted, committing nothing', async () => {
    await table.append(users(range(0, 120)))
    const controller = new AbortController()
    const rewrite = table.rewriteFormat('avro', {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.filesDone === 1) controller.abort()
      },
    })
    await expect(rewrite).rejects.toMatchObject({ code: 'PF_ABORTED' })
    expect((await openTable(`${tmp.dir}/users`)).metadata.format).toBe('parquet')
    expect((await dataFiles()).every((n) => n.endsWith('.parquet'))).toBe(true)
  })
})
