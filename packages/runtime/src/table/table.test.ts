import pl from 'nodejs-polars'
import { beforeEach, describe, expect, it } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { idsOf, range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { createTable, openTable, type Table } from './table.js'
import { DuplicateKeyError, TableExistsError, TableNotFoundError, TableSchemaError } from './table-errors.js'

const tmp = useTempDir('pf-table-')
let table: Table

beforeEach(async () => {
  table = await createTable(`${tmp.dir}/users`, { entity: userEntity, enums: userEnums })
})

describe('Table', () => {
  it('starts empty at version 0 and reopens', async () => {
    expect(table.version).toBe(0)
    expect((await table.read()).height).toBe(0)
    expect((await table.read()).columns).toEqual(['id', 'name', 'age', 'role', 'score', 'tags', 'createdAt'])
    const again = await openTable(`${tmp.dir}/users`)
    expect(again.version).toBe(0)
    expect(again.metadata.entity).toEqual(userEntity)
    await expect(
      createTable(`${tmp.dir}/users`, { entity: userEntity, enums: userEnums }),
    ).rejects.toBeInstanceOf(TableExistsError)
    await expect(openTable(`${tmp.dir}/nothing`)).rejects.toBeInstanceOf(TableNotFoundError)
  })

  it('appends, upserts, deletes, each as one version', async () => {
    expect((await table.append(users(range(0, 10)))).version).toBe(1)
    const up = await table.upsert(users([5, 10], 'new'))
    expect(up).toMatchObject({ version: 2, rowsAdded: 2, rowsRemoved: 1 })
    expect(await table.count()).toBe(11)
    const five = await table.findByKey(5)
    expect(five?.getColumn('name').get(0)).toBe('new5')
    expect(await table.findByKey(99)).toBeNull()
    expect(await table.deleteKeys([1, 2, 77])).toMatchObject({ version: 3, rowsRemoved: 2 })
    expect(await table.deleteWhere(pl.col('age').gt(8))).toMatchObject({ version: 4, rowsRemoved: 2 })
    expect(idsOf(await table.read())).toEqual([0, 3, 4, 5, 6, 7, 8])
    const reopened = await openTable(`${tmp.dir}/users`)
    expect(idsOf(await reopened.read())).toEqual([0, 3, 4, 5, 6, 7, 8])
    expect(await reopened.count()).toBe(7)
    expect(idsOf(await (await reopened.at(1)).read())).toEqual(range(0, 10))
    const history = await reopened.history()
    expect(history.map((h) => [h.version, h.operation, h.rowsAdded, h.rowsRemoved])).toEqual([
      [0, 'CREATE', 0, 0],
      [1, 'APPEND', 10, 0],
      [2, 'UPSERT', 2, 1],
      [3, 'DELETE', 0, 2],
      [4, 'DELETE', 0, 2],
    ])
    expect((await reopened.asOf(new Date())).version).toBe(4)
  })

  it('overwrites and runs several operations in one commit', async () => {
    await table.append(users(range(0, 5)))
    await table.overwrite(users([100, 101]))
    expect(idsOf(await table.read())).toEqual([100, 101])
    const result = await table.transaction((tx) => {
      tx.upsert(users([101, 102]))
      tx.deleteKeys([102, 100])
      tx.append(users([103]))
    })
    expect(result.version).toBe(3)
    expect(idsOf(await table.read())).toEqual([101, 103])
  })

  it('counts each removed row once when deletes by key and by predicate meet in one commit', async () => {
    await table.append(users(range(0, 6)))
    // Key 1 and the rows with age > 3 (4, 5) are different rows; key 5 is matched both ways.
    const result = await table.transaction((tx) => {
      tx.deleteKeys([1, 5])
      tx.deleteWhere(pl.col('age').gt(3))
    })
    expect(result.rowsRemoved).toBe(3)
    expect(idsOf(await table.read())).toEqual([0, 2, 3])
    expect(await table.count()).toBe(3)
    expect(await (await openTable(`${tmp.dir}/users`)).count()).toBe(3)
  })

  it('insert refuses existing keys', async () => {
    await table.insert(users([1, 2]))
    await expect(table.insert(users([2, 3]))).rejects.toBeInstanceOf(DuplicateKeyError)
    expect(idsOf(await table.read())).toEqual([1, 2])
  })

  it('validates frames against the schema, naming table and column', async () => {
    const bad = users([1]).withColumns(pl.lit('x').alias('age'))
    await expect(table.append(bad)).rejects.toThrow(/Table User, column age: expected Int/)
    await expect(table.append(users([1]).drop('name'))).rejects.toThrow(
      /column name: required column is missing/,
    )
    await expect(table.append(users([1]).withColumns(pl.lit('BOSS').alias('role')))).rejects.toThrow(
      /not in enum Role/,
    )
    await expect(table.append(users([1]).withColumns(pl.lit(1).alias('extra')))).rejects.toBeInstanceOf(
      TableSchemaError,
    )
    const floats = users([1]).withColumns(pl.Series('id', [1.5]))
    await expect(table.append(floats)).rejects.toThrow(/column id: expected Int, got non-integer/)
    expect(table.version).toBe(0)
  })

  it('casts JS numbers and dates to the schema types', async () => {
    const df = pl.DataFrame({
      id: [1, 2],
      name: ['a', 'b'],
      role: ['ADMIN', 'MEMBER'],
      createdAt: [new Date('2024-01-01T00:00:00Z'), null],
      tags: [['x'], []],
    })
    await table.append(df)
    const out = await table.read()
    expect(out.getColumn('id').dtype.equals(pl.Int64)).toBe(true)
    expect(String(out.getColumn('createdAt').dtype)).toBe('DataType(Datetime(us,UTC))')
    expect(out.getColumn('createdAt').toArray()[0]).toEqual(new Date('2024-01-01T00:00:00Z'))
  })
})

describe('Avro tables', () => {
  it('store data files as .avro and round-trip writes, updates and lookups', async () => {
    const avro = await createTable(`${tmp.dir}/avro-users`, {
      entity: userEntity,
      enums: userEnums,
      format: 'avro',
    })
    await avro.append(users(range(0, 5)))
    await avro.upsert(users([2], 'new'))
    await avro.deleteKeys([4])
    const snap = await avro.snapshot()
    expect(snap.files.every((f) => f.add.path.endsWith('.avro'))).toBe(true)
    const df = await (await openTable(`${tmp.dir}/avro-users`)).read()
    expect(idsOf(df)).toEqual([0, 1, 2, 3])
    expect(String(df.getColumn('id').dtype)).toBe('DataType(Int64)')
    expect((await avro.findByKey(2))?.getColumn('name').get(0)).toBe('new2')
    expect(
      (await (await avro.scan({ where: [{ column: 'id', op: '<', value: 2 }] })).collectSync()).height,
    ).toBe(2)
  })
})
