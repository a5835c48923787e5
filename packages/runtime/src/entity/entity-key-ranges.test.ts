// A store opened on a table another store wrote reads its files' key ranges from the state cache. A unique check or an
// equality filter on another Int field learns that field's ranges of the same files; upserts and finds by key must
// still go by the key's (table/key-range.ts): an upsert that misses a file adds the rows again (duplicate keys).
import { describe, expect, it } from 'vitest'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { entityIRFor } from './__fixtures__/test-ir.js'
import * as pf from './index.js'

const tmp = useTempDir('pf-entity-key-ranges-')

interface Item {
  id: number
  code: number
  age: number
}

class ItemModel extends pf.Entity {}
const registry = new pf.EntityRegistry()
pf.withRegistry(registry, () =>
  pf.registerEntity(
    ItemModel,
    entityIRFor('Item', { id: 'Int', code: 'Int', age: 'Int' }, { uniqueFields: ['code'] }),
  ),
)

const repoIn = (store: pf.EntityStore) =>
  pf.withRegistry(registry, () => store.repository(ItemModel)) as unknown as pf.Repository<Item>

/** Items `lo`..`hi - 1`: code 1000 + 2 id (odd codes free), age id % 90 + `older` (ages lie below the ids). */
const items = (lo: number, hi: number, older = 0): Item[] =>
  Array.from({ length: hi - lo }, (_, k) => ({
    id: lo + k,
    code: 1000 + 2 * (lo + k),
    age: ((lo + k) % 90) + older,
  }))

describe('keys of files a store opened from the state cache', () => {
  it('an upsert of many keys after a unique check and an equality filter replaces, never adds', async () => {
    const writer = pf.openStore(tmp.dir)
    await repoIn(writer).saveAll(items(2000, 4000))
    await repoIn(writer).saveAll(items(6000, 8000))
    await writer.settled()

    const repo = repoIn(pf.openStore(tmp.dir))
    expect(await repo.findBy({ age: 50 })).toHaveLength(44)
    // Code 5001 lies in the first file's range of codes (5000-8998), age 50 in both files' ranges of ages.
    await repo.create({ id: 500, code: 5001, age: 1 })
    // More rows than a small write's: the keys are located by the files' key ranges.
    await repo.saveAll(items(2000, 4000, 1))
    expect(await repo.count()).toBe(4001)
    expect((await repo.find(3050))?.age).toBe(81)
    expect(await repo.findMany({ where: { id: { gte: 2000, lt: 4000 } } })).toHaveLength(2000)
  })
})
