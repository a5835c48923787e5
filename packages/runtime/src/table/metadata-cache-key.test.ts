import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EntityIR } from '../schema/schema-ir.js'
import { testTableMetadata } from './__fixtures__/table-metadata.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import type { FileSystem } from './file-system.js'
import { KeyIndexCache } from './key-index-cache.js'
import type { TableMetadata } from './log-entry.js'
import { metadataCacheKey } from './metadata-cache-key.js'
import { nodeFileSystem } from './node-file-system.js'
import { createTable, openTable } from './table.js'

// Every commit raising an @autoincrement field's identity high-water mark writes a whole metaData action: the
// metadata object changed at each create, and every cache keyed by it (snapshot context, data-file store, key
// index entries of every file) was built again.
const tmp = useTempDir('pf-metadata-cache-key-')

/** User with `id Int @id @default(autoincrement())`. */
const autoEntity: EntityIR = {
  ...userEntity,
  fields: userEntity.fields.map((f) => (f.name === 'id' ? { ...f, default: { kind: 'autoincrement' } } : f)),
}

/** A file system counting reads of data files (never of the log or of pf's own files). */
function countingFileSystem(): { fs: FileSystem; reads: () => number } {
  let reads = 0
  const fs = Object.create(nodeFileSystem) as FileSystem
  const counted = (path: string) => {
    if (/[\\/]part-[^\\/]*$/.test(path)) reads++
  }
  fs.readFile = (path: string) => {
    counted(path)
    return nodeFileSystem.readFile(path)
  }
  const range = nodeFileSystem.readRange?.bind(nodeFileSystem)
  if (range)
    fs.readRange = (path: string, offset: number, length: number) => {
      counted(path)
      return range(path, offset, length)
    }
  return { fs, reads: () => reads }
}

describe('caches across commits that raise identity marks', () => {
  it('a warm find by key reads no data file after a commit that only raised the high-water mark', async () => {
    const path = join(tmp.dir, 'users')
    const created = await createTable(path, { entity: autoEntity, enums: userEnums })
    await created.append(users(range(1, 11)))
    const { fs, reads } = countingFileSystem()
    const table = await openTable(path, { fs, keyIndex: new KeyIndexCache() })
    for (let i = 0; i < 3; i++) expect((await table.findByKey(5))?.height).toBe(1)
    const warm = reads()
    expect(await table.findByKey(5)).not.toBeNull()
    expect(reads()).toBe(warm)
    await table.append(users([100]))
    expect((await table.snapshot()).metadata.identityHighWaterMarks).toEqual({ id: '100' })
    const before = reads()
    expect((await table.findByKey(5))?.height).toBe(1)
    // The file of key 5 is held in memory under the same cache key: not read again.
    expect(reads()).toBe(before)
  })
})

describe('metadataCacheKey', () => {
  const metadata = (extra: Partial<TableMetadata> = {}): TableMetadata =>
    testTableMetadata(autoEntity, userEnums, { checkpointInterval: 10, ...extra })

  it('is one key for metadata differing only in identity marks, in any key order', () => {
    const first = metadata({ identityHighWaterMarks: { id: '5' } })
    const raised = metadata({ identityHighWaterMarks: { id: '6' } })
    const reordered = Object.fromEntries(Object.entries(metadata()).reverse()) as unknown as TableMetadata
    expect(metadataCacheKey(raised)).toBe(metadataCacheKey(first))
    expect(metadataCacheKey(reordered)).toBe(metadataCacheKey(first))
  })

  it('is another key for any change of the schema, the partitioning or the storage', () => {
    const base = metadata()
    const changed = [
      metadata({ partitionBy: ['role'] }),
      metadata({ physicalColumns: { name: 'name_1' } }),
      metadata({ updateMode: 'copy-on-write' }),
      metadata({ id: 'other table' }),
      metadata({ entity: { ...autoEntity, fields: autoEntity.fields.slice(0, 3) } }),
    ]
    for (const m of changed) expect(metadataCacheKey(m)).not.toBe(metadataCacheKey(base))
  })
})
