// Keys in small data files (what single creates, saves and group commits write) are found by decoding the file in
// JS (small-file-rows.ts): no polars scan of it and no polars read for a row's position, for a find, an update or
// a delete; deletion vectors respected, damage a typed error, and a file the decoder does not follow read by polars.
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import * as pf from '../entity/index.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { DataFileStore } from './data-file-store.js'
import { TableCorruptError } from './table-errors.js'

const tmp = useTempDir('pf-small-lookups-')
afterEach(() => {
  vi.restoreAllMocks()
})

interface Note {
  id: number
  title: string
  tags?: string[] | null
}

function notes(
  fields: Record<string, string> = { id: 'Int', title: 'String' },
  extra: Parameters<typeof entityIRFor>[2] = {},
): pf.Repository<Note> {
  class NoteEntity extends pf.Entity {}
  pf.withRegistry(new pf.EntityRegistry(), () =>
    pf.registerEntity(NoteEntity, entityIRFor('Note', fields, { storage: 'notes', ...extra })),
  )
  return pf.openStore(tmp.dir).repository(NoteEntity) as unknown as pf.Repository<Note>
}

const note = (id: number, title = `t${id}`): Note => ({ id, title })

/** Polars' reads of data files through the store: scans, whole reads, and reads for a key's positions. */
function polarsReads(): () => number {
  const spies = [
    vi.spyOn(DataFileStore.prototype, 'scan'),
    vi.spyOn(DataFileStore.prototype, 'read'),
    vi.spyOn(DataFileStore.prototype, 'positionsOf'),
  ]
  return () => spies.reduce((n, s) => n + s.mock.calls.length, 0)
}

async function dataFiles(): Promise<string[]> {
  return (await readdir(join(tmp.dir, 'notes'))).filter((n) => n.endsWith('.parquet'))
}

describe('key lookups in small data files', () => {
  it('finds, updates and deletes rows of small files without polars reading them', async () => {
    const repo = notes()
    await repo.saveAll([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((id) => note(id))) // one file of ten rows
    for (const id of [100, 101, 102]) await repo.save(note(id)) // one file each
    await repo.create(note(103))
    const reads = polarsReads()
    expect((await repo.find(101))?.title).toBe('t101')
    expect((await repo.find(103))?.title).toBe('t103')
    expect(await repo.find(999)).toBeNull()
    const changed = (await repo.find(102)) as Note
    changed.title = 'changed'
    await repo.save(changed)
    expect((await repo.find(102))?.title).toBe('changed')
    await repo.delete((await repo.find(3)) as Note) // a deletion vector on the ten-row file
    expect(await repo.find(3)).toBeNull()
    expect((await repo.find(4))?.title).toBe('t4')
    await expect(repo.create(note(4, 'again'))).rejects.toBeInstanceOf(pf.UniqueConstraintError)
    await repo.create(note(3, 'back'))
    expect((await repo.find(3))?.title).toBe('back')
    expect(reads()).toBe(0)
    const all = await repo.findAll()
    expect(all.map((n) => `${n.id}:${n.title}`).sort()).toEqual(
      [0, 1, 2, 4, 5, 6, 7, 8, 9, 100, 101, 103]
        .map((id) => `${id}:t${id}`)
        .concat(['102:changed', '3:back'])
        .sort(),
    )
  })

  it('a damaged small file is TableCorruptError naming it, never a row or a miss', async () => {
    const repo = notes()
    await repo.save(note(1))
    expect(await repo.count()).toBe(1)
    const before = new Set(await dataFiles())
    await repo.save(note(2))
    expect(await repo.count()).toBe(2) // published: its file written (docs/tables.md, "Log-first inserts")
    const [added] = (await dataFiles()).filter((n) => !before.has(n))
    if (!added) throw new Error('no data file written')
    const path = join(tmp.dir, 'notes', added)
    const bytes = await readFile(path)
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0xff
    await writeFile(path, bytes)
    // A new table object: the file was never read (its bytes not held anywhere).
    const fresh = notes()
    const failure = await fresh.find(2).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(TableCorruptError)
    expect(String((failure as Error).message)).toContain(added)
    await expect(fresh.save(note(2, 'over'))).rejects.toBeInstanceOf(TableCorruptError)
    expect((await fresh.find(1))?.title).toBe('t1')
  })

  it('a small file with a column the decoder does not follow (a list) is read through polars, rows all right', async () => {
    const repo = notes({ id: 'Int', title: 'String', tags: 'String[]?' })
    for (const id of [1, 2, 3]) await repo.save({ ...note(id), tags: [`a${id}`, 'b'] })
    const reads = polarsReads()
    expect((await repo.find(2))?.tags).toEqual(['a2', 'b'])
    const two = (await repo.find(2)) as Note
    two.tags = null
    await repo.save(two)
    expect((await repo.find(2))?.tags).toBeNull()
    expect(await repo.find(4)).toBeNull()
    expect(reads()).toBeGreaterThan(0)
  })

  it('keys are found exactly: strings of any text, big integers past 2^53', async () => {
    const reads = polarsReads()
    const byText = notes({ id: 'String', title: 'String' }, { storage: 'text' }) as unknown as pf.Repository<{
      id: string
      title: string
    }>
    for (const id of ['a', 'é', '', 'a\u0000b', '1']) await byText.save({ id, title: `t${id}` })
    expect((await byText.find('é'))?.title).toBe('té')
    expect((await byText.find('a\u0000b'))?.title).toBe('ta\u0000b')
    expect((await byText.find(''))?.title).toBe('t')
    expect(await byText.find('b')).toBeNull()
    const byBig = notes({ id: 'BigInt', title: 'String' }, { storage: 'big' }) as unknown as pf.Repository<{
      id: bigint
      title: string
    }>
    const big = 2n ** 60n + 1n
    for (const id of [big, big + 1n, -big]) await byBig.save({ id, title: `t${id}` })
    expect((await byBig.find(big + 1n))?.title).toBe(`t${big + 1n}`)
    expect((await byBig.find(big + 1n))?.id).toBe(big + 1n)
    expect((await byBig.find(-big))?.title).toBe(`t${-big}`)
    expect(await byBig.find(big + 2n)).toBeNull()
    expect(reads()).toBe(0)
  })
})

describe('indexed finds in small data files', () => {
  interface Item {
    id: number
    name: string
    n: number
    big: bigint
    note: string | null
  }

  function items(storage: string): pf.Repository<Item> {
    class ItemEntity extends pf.Entity {}
    const ir = entityIRFor(
      'Item',
      { id: 'Int', name: 'String', n: 'Int', big: 'BigInt', note: 'String?' },
      { storage, indexFields: ['name', 'n', 'big', 'note'] },
    )
    pf.withRegistry(new pf.EntityRegistry(), () => pf.registerEntity(ItemEntity, ir))
    return pf.openStore(tmp.dir).repository(ItemEntity) as unknown as pf.Repository<Item>
  }

  const big = 2n ** 62n
  const item = (id: number): Item => ({
    id,
    name: ['ada', 'bé', '😀', 'ada'][id % 4] as string,
    n: (id % 3) - 1,
    big: id % 4 !== 0 ? BigInt(id * 1000) : id % 8 === 0 ? big + 1n : -big,
    note: id % 5 === 0 ? null : `n${id % 2}`,
  })
  const queries: Partial<Item>[] = [
    { name: 'ada' },
    { name: 'bé' },
    { name: '😀' },
    { n: -1 },
    { n: 1 },
    { big: big + 1n },
    { big: -big },
    { big: 5000n },
    { note: 'n1' },
    { name: 'nobody' },
  ]
  const ids = (found: Item[]) => found.map((i) => i.id).sort((a, b) => a - b)

  it('build their index and fetch their rows in JS, and answer as files polars reads do', async () => {
    // The same 40 rows: in one file (read by polars), and in 40 single-row files (decoded in JS).
    const bulk = items('bulk')
    await bulk.saveAll(Array.from({ length: 40 }, (_, i) => item(i)))
    const single = items('single')
    for (let i = 0; i < 40; i++) await single.create(item(i))
    await single.count() // published
    const expected = new Map<Partial<Item>, number[]>()
    for (const where of queries) expected.set(where, ids(await bulk.findBy(where)))
    const reads = polarsReads()
    const exact = (found: Item[]) => found.every((f) => f.big >= -(2n ** 53n) && f.big <= 2n ** 53n)
    let withoutPolars = 0
    for (const where of queries) {
      const before = reads()
      const found = await single.findBy(where)
      expect(
        ids(found),
        JSON.stringify(where, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)),
      ).toEqual(expected.get(where))
      for (const f of found) expect(f).toEqual(item(f.id))
      // Rows holding BigInts past 2^53 take the exact frame path (polars); the others are fetched in JS.
      if (exact(found)) {
        expect(reads() - before).toBe(0)
        withoutPolars++
      }
    }
    expect(withoutPolars).toBe(5)
    // Another repository: its indexes come from the index files saved above (built in JS), its rows from JS too.
    const fresh = items('single')
    for (const where of queries) expect(ids(await fresh.findBy(where))).toEqual(expected.get(where))
  })
})
