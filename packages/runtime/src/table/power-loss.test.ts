import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PowerLossFileSystem } from './__fixtures__/power-loss-file-system.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { createTable, openTable, type Table } from './table.js'

/** The rows a reader sees, as `id:name` sorted by id. */
async function rowsOf(table: Table): Promise<string[]> {
  const df = (await table.read()).sort('id')
  const ids = df.getColumn('id').toArray() as number[]
  const names = df.getColumn('name').toArray() as string[]
  return ids.map((id, i) => `${id}:${names[i]}`)
}

/**
 * The commit protocol's durability claim, checked at every step: a power loss after any file-system step of a run
 * of commits (and of their background checkpoints and caches) leaves a table that opens without error and holds
 * exactly the commits acknowledged before the loss, or those and the one in flight. The disk model
 * (PowerLossFileSystem) keeps only flushed names and flushed bytes, the worst POSIX allows.
 */
describe('power loss at every step of a run of commits', () => {
  const tmp = useTempDir('pf-power-loss-')

  it('keeps every acknowledged commit and opens cleanly', async () => {
    const store = join(tmp.dir, 'store')
    const path = join(store, 'users')
    // Made before the model starts (its files count as flushed); checkpoints every 2 commits so the run makes some.
    const made = await createTable(path, { entity: userEntity, enums: userEnums, checkpointInterval: 2 })
    await made.append(users([0, 1]))
    await made.settled()

    const fs = await PowerLossFileSystem.of(store)
    const table = await openTable(path, { fs })
    const states = [await rowsOf(table)]
    const run: [string, () => Promise<unknown>][] = [
      ['append 2', () => table.append(users([2]))],
      ['append 3, 4', () => table.append(users([3, 4]))],
      ['upsert 1', () => table.upsert(users([1], 'v'))],
      ['delete 0', () => table.deleteKeys([0])],
      ['insert 5', () => table.insert(users([5]))],
      ['compact', () => table.compact()],
      ['upsert 2', () => table.upsert(users([2], 'w'))],
    ]
    for (const [label, commit] of run) {
      await commit()
      fs.mark(label)
      states.push(await rowsOf(table))
    }
    await table.settled()
    expect(fs.length).toBeGreaterThan(run.length * 4)

    for (let k = 0; k <= fs.length; k++) {
      const image = join(tmp.dir, `image-${k}`)
      await fs.imageAt(k, image)
      const acked = fs.marksBefore(k).length
      const allowed = [states[acked], states[acked + 1]].filter((s) => s !== undefined)
      const context = `power loss after step ${k}:\n${fs.describe(k).join('\n')}`
      const reopened = await openTable(join(image, 'users')).catch((e: unknown) => e)
      expect(reopened, context).not.toBeInstanceOf(Error)
      const rows = await rowsOf(reopened as Table).catch((e: unknown) => String(e))
      expect(allowed, `${context}\nread: ${JSON.stringify(rows)}`).toContainEqual(rows)
    }
  })
})
