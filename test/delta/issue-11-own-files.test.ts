// pf's own files (locks, autoincrement marks, transaction decisions, key and secondary indexes, its checkpoint cache)
// live where Delta readers and other writers' VACUUM leave them alone: under a name starting with `_` or `.` (Spark's
// rule for hidden files, a `_` name holding `=` being a partition folder), never among the data files. Everything
// else in a table folder is a data file or deletion vector the Delta log names.
import { readdir } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { parseSchema } from '@parquetframe/codegen'
import {
  CREATE_INPUT,
  Entity,
  EntityRegistry,
  openStore,
  registerEntity,
  withRegistry,
} from '@parquetframe/runtime'
import { describe, expect, it } from 'vitest'
import { useOracleWorkspace } from './oracle-workspace.js'
import { dvFilePath } from './spec-deletion-vector.js'
import { tablePath } from './spec-table-path.js'

const SCHEMA = `
entity Author @storage("authors") {
  id    Int    @id @default(autoincrement())
  email String @unique
  name  String @index
}

entity Book @storage("books") @partitionBy(region) {
  id       Int @id
  authorId Int @index
  title    String
  region   String?
}`

/** As generated code declares it: `id` is assigned by pf, so create takes no id. */
class Author extends Entity {
  declare readonly [CREATE_INPUT]?: { id?: number; email: string; name: string }
  declare id: number
  declare email: string
  declare name: string
}

class Book extends Entity {
  declare id: number
  declare authorId: number
  declare title: string
  declare region: string | null
}

const ws = useOracleWorkspace('pf-own-files-')

/** Spark's DeltaFileOperations.isHiddenDirectory/isHiddenFile: `_x` (without `=`) or `.x`. */
const hidden = (segment: string): boolean =>
  (segment.startsWith('_') && !segment.includes('=')) || segment.startsWith('.')

/** Every file below `dir`, as `/`-separated paths relative to it. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort()
}

/** The files a table's Delta log names at any version (data files and deletion vector files), as local paths. */
async function namedByTheLog(root: string, latest: number): Promise<Set<string>> {
  const named = new Set<string>()
  for (let v = 0; v <= latest; v++) {
    const snapshot = await ws.oracle.snapshot(root, v)
    for (const file of [...snapshot.files, ...snapshot.tombstones]) {
      named.add(tablePath(root, file.path))
      if (file.deletionVector?.storageType === 'u' || file.deletionVector?.storageType === 'p')
        named.add(dvFilePath(root, file.deletionVector))
    }
  }
  return named
}

describe("pf's own files", () => {
  it('are all under `_` or `.` names; every other file of a table folder is named by its Delta log', async () => {
    const parsed = parseSchema(SCHEMA)
    if (!parsed.ir) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'))
    const registry = new EntityRegistry()
    const [authorIr, bookIr] = parsed.ir.entities
    if (!authorIr || !bookIr) throw new Error('two entities expected')
    withRegistry(registry, () => {
      registerEntity(Author, authorIr, [])
      registerEntity(Book, bookIr, [])
    })
    await withRegistry(registry, async () => {
      const store = openStore(ws.dir)
      const authors = store.repository(Author)
      const books = store.repository(Book)
      // One file of 5,000 rows: large enough that a find saves its key position index, a findBy its secondary index.
      await authors.saveAll(
        Array.from({ length: 5000 }, (_, i) => ({ email: `a${i}@x.org`, name: `name ${i % 50}` })),
      )
      await books.saveAll(
        Array.from({ length: 5000 }, (_, i) => ({
          id: i,
          authorId: (i % 5000) + 1,
          title: `t${i}`,
          region: ['north', 'São Paulo', null][i % 3] ?? null,
        })),
      )
      expect((await authors.find(4321))?.email).toBe('a4320@x.org')
      expect(await authors.findBy({ name: 'name 7' })).toHaveLength(100)
      expect(await books.findBy({ authorId: 17 })).toHaveLength(1)
      await store.transaction((tx) => {
        tx.create(Author, { email: 'new@x.org', name: 'New' })
        tx.create(Book, { id: 9000, authorId: 1, title: 'first', region: 'north' })
      })
      const moved = await books.find(1)
      if (moved === null) throw new Error('book 1 is missing')
      moved.region = 'north'
      await books.save(moved)
      expect(await books.deleteBy({ authorId: 3 })).toBe(1)
      expect(await authors.deleteBy({ name: 'name 9' })).toBe(100)
      await expect(authors.create({ email: 'a1@x.org', name: 'dup' })).rejects.toMatchObject({
        code: 'PF_UNIQUE',
      })
      for (const table of [await authors.table(), await books.table()]) {
        await table.checkpoint()
        await table.compact()
      }
      await store.settled()

      const all = await filesBelow(ws.dir)
      // The test sees the kinds of pf files it claims to check.
      for (const kind of [
        /^_pf_txn\/[^/]+\.json$/,
        /^authors\/_pf\/autoincrement\.json$/,
        /^authors\/_pf\/indexes\/.+\.pfidx$/,
        /^books\/_pf\/indexes\/.+\.pfidx$/,
        /^books\/_pf\/checkpoints\/\d+\.checkpoint\.json$/,
        /^authors\/_delta_log\/\d{20}\.checkpoint\.parquet$/,
        /deletion_vector_[0-9a-f-]{36}\.bin$/,
      ])
        expect(
          all.some((f) => kind.test(f)),
          `a file matching ${kind} among\n${all.join('\n')}`,
        ).toBe(true)
      const misplaced: string[] = []
      for (const storage of ['authors', 'books']) {
        const root = join(ws.dir, storage)
        const table = storage === 'authors' ? await authors.table() : await books.table()
        const named = await namedByTheLog(root, table.version)
        for (const file of await filesBelow(root))
          if (!file.split('/').some(hidden) && !named.has(join(root, file)))
            misplaced.push(`${storage}/${file}`)
      }
      for (const file of all)
        if (!file.startsWith('authors/') && !file.startsWith('books/') && !file.split('/').some(hidden))
          misplaced.push(file)
      expect(misplaced, 'files a Delta reader or VACUUM would take for data, or delete').toEqual([])
    })
  }, 300_000)
})
