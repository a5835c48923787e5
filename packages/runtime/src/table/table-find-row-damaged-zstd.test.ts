// A cold find(id) over a zstd page that only the codec can see is damaged (its range checksums re-taken from the
// damaged bytes): a typed PF_TABLE_CORRUPT naming the file, on every Node, never a crash or another row.
import { readFile, writeFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { ThriftCompactReader, type ThriftStruct } from '../format/thrift-compact-reader.js'
import type { EntityIR } from '../schema/schema-ir.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import type { FileSystem } from './file-system.js'
import { KeyIndexCache } from './key-index-cache.js'
import { decodeKeyPositionIndex, encodeKeyPositionIndex, keyIndexFilePath } from './key-position-file.js'
import { KeyPositionIndex } from './key-position-index.js'
import { nodeFileSystem } from './node-file-system.js'
import { parquetRangeChecksums } from './parquet-range-checksums.js'
import { createTable, openTable } from './table.js'
import { TableCorruptError } from './table-errors.js'

const tmp = useTempDir('pf-find-row-damaged-zstd-')

/** Data files read whole through the file-system seam (a cold lookup must not: it reads checked ranges). */
let wholeReads: string[] = []
const countingFs: FileSystem = Object.assign(Object.create(nodeFileSystem) as FileSystem, {
  readFile: (path: string) => {
    if (path.includes('/part-')) wholeReads.push(path)
    return nodeFileSystem.readFile(path)
  },
})

/** Where the compressed bytes of the data page holding `row` of `column` start (offset index, then page header). */
function pageDataAt(bytes: Uint8Array, column: string, row: number): number {
  const n = bytes.length
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(n - 8, true)
  const meta = new ThriftCompactReader(bytes.subarray(n - 8 - length, n - 8)).readStruct()
  const [group] = meta.get(4) as ThriftStruct[]
  if (!group) throw new Error('no row group')
  const chunk = (group.get(1) as ThriftStruct[]).find((c) => {
    const path = (c.get(3) as ThriftStruct).get(3) as Uint8Array[]
    return new TextDecoder().decode(path[0]) === column
  })
  if (!chunk) throw new Error(`no chunk ${column}`)
  const indexAt = Number(chunk.get(4))
  const index = new ThriftCompactReader(bytes.subarray(indexAt, indexAt + Number(chunk.get(5)))).readStruct()
  const pages = index.get(1) as ThriftStruct[]
  const page = pages.findLast((p) => Number(p.get(3)) <= row)
  if (!page) throw new Error(`no page holds row ${row}`)
  const at = Number(page.get(1))
  const header = new ThriftCompactReader(bytes.subarray(at))
  header.readStruct()
  return at + header.offset
}

describe('a cold find(id) over a damaged zstd page', () => {
  // Damage zstd itself notices: the frame's magic number, the size its header declares.
  // Pages found from the key index's point-read layout, or from the footer (an index without one).
  const damages = [
    { name: 'magic number', at: 1, layout: true },
    { name: 'declared content size', at: 5, layout: true },
    { name: 'magic number', at: 1, layout: false },
  ]
  it.each(damages)(
    'refuses the row with PF_TABLE_CORRUPT when the $name is flipped (layout: $layout); other pages still decode',
    async ({ at, layout }) => {
      const path = `${tmp.dir}/users`
      const entity: EntityIR = { ...userEntity, fields: userEntity.fields.slice(0, 2) }
      const rows = 100_000
      const writer = await createTable(path, { entity, enums: userEnums })
      await writer.upsert(users(range(0, rows)).select('id', 'name'))
      const [file] = (await writer.snapshot()).files
      if (!file) throw new Error('no data file')
      expect(await (await writer.snapshot()).findRow(1)).not.toBeNull()
      const dataPath = `${path}/${file.add.path}`
      const indexPath = keyIndexFilePath(path, file.add.path, ['id'])

      // Row positions are the keys here (one upsert of ascending ids). Damage the page of the last row's name.
      const bytes = await readFile(dataPath)
      const target = rows - 1
      const frame = pageDataAt(bytes, 'name', target)
      expect([...bytes.subarray(frame, frame + 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd])
      // Single-segment frames (as polars writes them): the content size starts right after the descriptor, at 5.
      expect((bytes[frame + 4] as number) & 0x20).toBe(0x20)
      expect(frame).toBeGreaterThan(pageDataAt(bytes, 'name', 0))
      bytes[frame + at] = (bytes[frame + at] as number) ^ 0x5a
      await writeFile(dataPath, bytes)
      // The range checksums re-taken from the damaged bytes: only the codec can tell.
      const index = decodeKeyPositionIndex(await readFile(indexPath), indexPath)
      const ranges = parquetRangeChecksums(bytes)
      const { identity, columns, hashes, positions } = index
      expect(index.layout).toBeDefined()
      const kept = layout ? index.layout : undefined
      await writeFile(
        indexPath,
        encodeKeyPositionIndex(new KeyPositionIndex(identity, columns, hashes, positions, ranges, kept)),
      )

      const reopen = () => openTable(path, { fs: countingFs, keyIndex: new KeyIndexCache() })
      wholeReads = []
      // A row of an intact page is decoded in JS from checked ranges.
      const intact = await (await (await reopen()).snapshot()).findRow(0)
      expect(intact?.values).toBeDefined()
      expect(intact?.df.slice(intact.row, 1).getColumn('name').get(0)).toBe('u0')
      // The damaged page's row: the codec refuses it, polars (the fallback) too: a typed error naming the file.
      const refused = (await (await reopen()).snapshot()).findRow(target)
      await expect(refused).rejects.toBeInstanceOf(TableCorruptError)
      await expect(refused).rejects.toMatchObject({ code: 'PF_TABLE_CORRUPT', file: dataPath })
      await expect(refused).rejects.toThrow(/cannot read data file/)
      // Neither lookup read the file whole (which the log's checksum would have refused): the ranges were used.
      expect(wholeReads).toEqual([])
    },
  )
})
