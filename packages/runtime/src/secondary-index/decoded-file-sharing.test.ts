import { afterEach, describe, expect, it, vi } from 'vitest'
import { registeredRepository } from '../entity/__fixtures__/store-setup.js'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import { Entity, openStore } from '../entity/index.js'
import { ConfigError } from '../errors/pf-error.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { DataFileStore } from '../table/data-file-store.js'

// Find by key and indexed findBy hold a decoded data file in ONE cache: each whole-file read is counted through
// the data file store (the seam both views decode through), and the held bytes against the store's bound.

class Item extends Entity {
  id!: number
  name!: string
  note!: string
}

const itemIr = entityIRFor(
  'Item',
  { id: 'Int', name: 'String', note: 'String' },
  { storage: 'items', indexFields: ['name'] },
)

const tmp = useTempDir('pf-decoded-')

/** Rows `from` to `to` of a file: ten rows per name. */
const items = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => {
    const i = from + k
    return { id: i, name: `n${Math.floor(i / 10)}`, note: `note of item ${i}` }
  })

/** Counts whole data file decodes (a read of every column); partial reads (index builds) are not counted. */
function countDecodes(): { readonly count: number } {
  const read = DataFileStore.prototype.read
  const counter = { count: 0 }
  vi.spyOn(DataFileStore.prototype, 'read').mockImplementation(function (this: DataFileStore, file, columns) {
    if (columns === undefined) counter.count++
    return read.call(this, file, columns)
  })
  return counter
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('decoded data files', () => {
  it('a file decoded for find by key serves indexed findBy without decoding it again, and the other way round', async () => {
    const store = openStore(tmp.dir, { decodedFileCacheBytes: 64 * 1024 * 1024 })
    const repo = registeredRepository(store, Item, itemIr)
    await repo.saveAll(items(0, 1000))
    await repo.saveAll(items(1000, 2000))
    const decodes = countDecodes()
    // Looked up twice, the first file is decoded and held for finds by key.
    expect((await repo.find(5))?.note).toBe('note of item 5')
    expect((await repo.find(6))?.note).toBe('note of item 6')
    expect(decodes.count).toBe(1)
    expect(store.decodedFiles.size).toBe(1)
    // findBy's matched rows come from that same decoded file.
    expect((await repo.findBy({ name: 'n3' })).map((i) => i.id)).toEqual([
      30, 31, 32, 33, 34, 35, 36, 37, 38, 39,
    ])
    expect(decodes.count).toBe(1)
    expect(repo.indexes.reads).toMatchObject({ filesDecoded: 0, rowsFetched: 10 })
    // The other way round: findBy decodes the second file; the next find by key is served from it at once.
    expect((await repo.findBy({ name: 'n150' })).map((i) => i.id)).toEqual([
      1500, 1501, 1502, 1503, 1504, 1505, 1506, 1507, 1508, 1509,
    ])
    expect(decodes.count).toBe(2)
    expect((await repo.find(1777))?.note).toBe('note of item 1777')
    expect((await repo.find(1778))?.name).toBe('n177')
    expect(decodes.count).toBe(2)
    expect(store.decodedFiles.size).toBe(2)
  })

  it('holds at most the configured bytes over finds and findBys of many files, and still answers every one', async () => {
    const setup = openStore(tmp.dir, { decodedFileCacheBytes: 64 * 1024 * 1024 })
    const writer = registeredRepository(setup, Item, itemIr)
    for (let f = 0; f < 5; f++) await writer.saveAll(items(f * 500, f * 500 + 500))
    await writer.findBy({ name: 'n0' })
    const oneFile = setup.decodedFiles.bytes
    expect(oneFile).toBeGreaterThan(0)
    // Room for two decoded files, not three.
    const bound = Math.floor(oneFile * 2.5)
    const store = openStore(tmp.dir, { decodedFileCacheBytes: bound })
    const repo = registeredRepository(store, Item, itemIr)
    let most = 0
    for (let round = 0; round < 3; round++) {
      for (let f = 0; f < 5; f++) {
        const id = f * 500 + round * 7
        expect((await repo.find(id))?.note).toBe(`note of item ${id}`)
        const name = `n${Math.floor((f * 500 + 250 + round) / 10)}`
        expect((await repo.findBy({ name })).every((i) => i.name === name)).toBe(true)
        most = Math.max(most, store.decodedFiles.bytes)
        expect(store.decodedFiles.size).toBeLessThanOrEqual(2)
      }
    }
    expect(most).toBeGreaterThan(oneFile)
    expect(most).toBeLessThanOrEqual(bound)
    expect(setup.decodedFiles).not.toBe(store.decodedFiles)
  })

  it('a data file larger on disk than the bound is never decoded for find by key: rows come from the file', async () => {
    const store = openStore(tmp.dir, { decodedFileCacheBytes: 4096 })
    const repo = registeredRepository(store, Item, itemIr)
    await repo.saveAll(items(0, 1000))
    const decodes = countDecodes()
    for (const id of [1, 2, 3, 998]) expect((await repo.find(id))?.note).toBe(`note of item ${id}`)
    expect(decodes.count).toBe(0)
    expect(store.decodedFiles.size).toBe(0)
  })

  it('refuses a bound that is not a whole number of bytes', () => {
    expect(() => openStore(tmp.dir, { decodedFileCacheBytes: -1 })).toThrow(ConfigError)
    expect(() => openStore(tmp.dir, { decodedFileCacheBytes: 1.5 })).toThrow(/decodedFileCacheBytes/)
  })
})
