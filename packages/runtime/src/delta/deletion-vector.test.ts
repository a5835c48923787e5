import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { nodeFileSystem } from '../table/node-file-system.js'
import {
  DeletionVectorCorruptError,
  DeletionVectorDescriptorError,
  decodeDeletionVectorFile,
  decodeInlineDeletionVector,
  deletionVectorAbsolutePath,
  deletionVectorRelativePath,
  encodeDeletionVectorFile,
  encodeInlineDeletionVector,
  readDeletionVector,
  writeDeletionVectorFile,
} from './deletion-vector.js'
import type { DeltaDeletionVector } from './delta-actions.js'
import { RoaringBitmapArray } from './roaring-bitmap-array.js'

const UUID = 'd2c639aa-8816-431a-aaf6-d3fe2512ff61'
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i)

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

describe('deletion vector descriptors (PROTOCOL.md "Deletion Vectors" examples)', () => {
  it('derives the file of JSON Example 1 (relative path with random prefix "ab")', () => {
    const dv: DeltaDeletionVector = {
      storageType: 'u',
      pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^',
      offset: 4,
      sizeInBytes: 40,
      cardinality: 6,
    }
    expect(deletionVectorRelativePath(dv)).toBe(`ab/deletion_vector_${UUID}.bin`)
    expect(deletionVectorAbsolutePath(dv, '/data/mytable')).toBe(
      `/data/mytable/ab/deletion_vector_${UUID}.bin`,
    )
    const bare = { ...dv, pathOrInlineDv: '^-aqEH.-t@S}K{vb[*k^' }
    expect(deletionVectorRelativePath(bare)).toBe(`deletion_vector_${UUID}.bin`)
  })

  it('accepts JSON Example 2 (absolute path) only as a local file inside the table', () => {
    const dv: DeltaDeletionVector = {
      storageType: 'p',
      pathOrInlineDv: `s3://mytable/deletion_vector_${UUID}.bin`,
      offset: 4,
      sizeInBytes: 40,
      cardinality: 6,
    }
    const error = thrown(() => deletionVectorAbsolutePath(dv, '/data/mytable'))
    expect(error).toBeInstanceOf(DeletionVectorDescriptorError)
    expect((error as DeletionVectorDescriptorError).code).toBe('PF_DV_DESCRIPTOR')
    expect((error as Error).message).toMatch(/s3:\/\/mytable.*only local files inside the table/)
    const local = {
      ...dv,
      pathOrInlineDv: pathToFileURL(`/data/my table/dv/deletion_vector_${UUID}.bin`).href,
    }
    expect(local.pathOrInlineDv).toContain('my%20table')
    expect(deletionVectorAbsolutePath(local, '/data/my table')).toBe(
      `/data/my table/dv/deletion_vector_${UUID}.bin`,
    )
    expect(() => deletionVectorAbsolutePath(local, '/data/other')).toThrow(/outside the table/)
  })

  it('decodes JSON Example 3 (inline) to the row indexes the spec states', () => {
    const dv: DeltaDeletionVector = {
      storageType: 'i',
      pathOrInlineDv: 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L',
      sizeInBytes: 40,
      cardinality: 6,
    }
    expect(decodeInlineDeletionVector(dv).toSortedArray()).toEqual([3, 4, 7, 11, 18, 29])
    expect(() => deletionVectorAbsolutePath(dv, '/t')).toThrow(/inline deletion vector has no file/)
  })

  it('refuses derived paths that leave the table, bad UUIDs and unknown storage types', () => {
    const base = { offset: 1, sizeInBytes: 34, cardinality: 1 }
    const escaping = { ...base, storageType: 'u' as const, pathOrInlineDv: '..^-aqEH.-t@S}K{vb[*k^' }
    expect(() => deletionVectorAbsolutePath(escaping, '/t')).toThrow(DeletionVectorDescriptorError)
    const short = { ...base, storageType: 'u' as const, pathOrInlineDv: 'abc' }
    expect(() => deletionVectorRelativePath(short)).toThrow(/3 characters, a UUID alone takes 20/)
    const notZ85 = { ...base, storageType: 'u' as const, pathOrInlineDv: '^-aqEH.-t@S}K{vb[*k ' }
    expect(() => deletionVectorRelativePath(notZ85)).toThrow(/UUID is not Z85/)
    const unknown = { ...base, storageType: 'x', pathOrInlineDv: 'zz' } as unknown as DeltaDeletionVector
    expect(() => deletionVectorAbsolutePath(unknown, '/t')).toThrow(/unknown storage type "x"/)
  })
})

describe('inline deletion vectors', () => {
  it('round-trips bitmaps of every padding (sizes 4k .. 4k+3) through Z85', () => {
    for (const positions of [[], [7], [1, 2], [1, 2, 3], range(0, 100), [0, 2 ** 40]]) {
      const bitmap = RoaringBitmapArray.fromPositions(positions)
      const dv = encodeInlineDeletionVector(bitmap)
      expect(dv.storageType).toBe('i')
      expect(dv.offset).toBeUndefined()
      expect(dv.sizeInBytes).toBe(bitmap.serialize().length)
      expect(dv.cardinality).toBe(positions.length)
      expect(dv.pathOrInlineDv.length).toBe((Math.ceil(dv.sizeInBytes / 4) * 4 * 5) / 4)
      expect(decodeInlineDeletionVector(dv).toSortedArray()).toEqual(positions)
    }
  })

  it('refuses a wrong size, a wrong cardinality and text that is not Z85, as corrupt', () => {
    const dv = encodeInlineDeletionVector(RoaringBitmapArray.fromPositions([1, 2, 3])) // 38 bytes, padded to 40
    expect(dv.sizeInBytes).toBe(38)
    const tooBig = thrown(() => decodeInlineDeletionVector({ ...dv, sizeInBytes: 41 }))
    expect(tooBig).toBeInstanceOf(DeletionVectorCorruptError)
    expect((tooBig as DeletionVectorCorruptError).code).toBe('PF_DV_CORRUPT')
    expect((tooBig as Error).message).toMatch(/inline is corrupt: 40 bytes decoded, sizeInBytes 41 needs 44/)
    // 37 bytes keep the padding length but cut the bitmap short.
    expect(() => decodeInlineDeletionVector({ ...dv, sizeInBytes: 37 })).toThrow(/truncated/)
    expect(() => decodeInlineDeletionVector({ ...dv, cardinality: 4 })).toThrow(
      /holds 3 row indexes, the descriptor's cardinality is 4/,
    )
    expect(() =>
      decodeInlineDeletionVector({ ...dv, pathOrInlineDv: `${dv.pathOrInlineDv.slice(1)} ` }),
    ).toThrow(DeletionVectorCorruptError)
  })
})

describe('deletion vector files', () => {
  it('writes the version byte, then size, bitmap and CRC-32 (big-endian), as Spark does', () => {
    const file = encodeDeletionVectorFile([RoaringBitmapArray.fromPositions([0, 9])], { uuid: UUID })
    expect(file.path).toBe(`deletion_vector_${UUID}.bin`)
    // The DV file of delta-rs/table-with-dv-small (written by Spark) holds the same bytes for rows 0 and 9.
    expect(Buffer.from(file.bytes).toString('hex')).toBe(
      '01' +
        '00000024' +
        'd1d339640100000000000000000000003a30000001000000000001001000000000000900' +
        '2a671846',
    )
    expect(file.descriptors).toEqual([
      {
        storageType: 'u',
        pathOrInlineDv: '^-aqEH.-t@S}K{vb[*k^',
        offset: 1,
        sizeInBytes: 36,
        cardinality: 2,
      },
    ])
    const dv = file.descriptors[0] as DeltaDeletionVector
    expect(deletionVectorRelativePath(dv)).toBe(file.path)
    expect(decodeDeletionVectorFile(file.bytes, dv, file.path).toSortedArray()).toEqual([0, 9])
  })

  it('places several DVs at their offsets, with a random prefix folder and a fresh UUID by default', () => {
    const bitmaps = [
      RoaringBitmapArray.fromPositions([5]),
      RoaringBitmapArray.fromPositions(range(0, 70_000)),
      RoaringBitmapArray.fromPositions([2 ** 33]),
    ]
    const file = encodeDeletionVectorFile(bitmaps, { prefix: 'x7' })
    expect(file.path).toMatch(/^x7\/deletion_vector_[0-9a-f-]{36}\.bin$/)
    expect(file.descriptors.map((d) => d.offset)).toEqual([
      1,
      1 + 8 + 34,
      1 + 8 + 34 + 8 + (file.descriptors[1]?.sizeInBytes ?? 0),
    ])
    for (const [i, dv] of file.descriptors.entries()) {
      expect(dv.pathOrInlineDv.startsWith('x7')).toBe(true)
      expect(deletionVectorRelativePath(dv)).toBe(file.path)
      expect(decodeDeletionVectorFile(file.bytes, dv, file.path).toSortedArray()).toEqual(
        bitmaps[i]?.toSortedArray(),
      )
    }
    const other = encodeDeletionVectorFile(bitmaps)
    expect(other.path).not.toBe(file.path)
    expect(() => encodeDeletionVectorFile(bitmaps, { prefix: '../a' })).toThrow(DeletionVectorDescriptorError)
    expect(() => encodeDeletionVectorFile(bitmaps, { uuid: 'not-a-uuid' })).toThrow(
      DeletionVectorDescriptorError,
    )
  })

  it('names the file and offset when the size, checksum, version, magic, bounds or cardinality are wrong', () => {
    const file = encodeDeletionVectorFile([RoaringBitmapArray.fromPositions([0, 9])], { uuid: UUID })
    const dv = file.descriptors[0] as DeltaDeletionVector
    const cases: [Uint8Array, DeltaDeletionVector, RegExp][] = []
    const flipped = (at: number) => {
      const b = file.bytes.slice()
      b[at] = (b[at] as number) ^ 0x40
      return b
    }
    cases.push([flipped(0), dv, /format version 65, only 1 is known/])
    cases.push([flipped(4), dv, /the file says 100 bytes, the descriptor's sizeInBytes 36/])
    cases.push([flipped(40), dv, /CRC-32 0x[0-9a-f]{8} of the bitmap differs from the stored 0x[0-9a-f]{8}/])
    cases.push([flipped(20), dv, /CRC-32/]) // a bitmap byte: the checksum notices first
    cases.push([file.bytes.subarray(0, 40), dv, /needs bytes 1\.\.44, the file has 40/])
    cases.push([new Uint8Array(0), dv, /the file is empty/])
    cases.push([
      file.bytes,
      { ...dv, cardinality: 3 },
      /holds 2 row indexes, the descriptor's cardinality is 3/,
    ])
    cases.push([file.bytes, { ...dv, offset: 0 }, /offset is not a position after the version byte/])
    // A bad magic number under a matching checksum: the bitmap itself is refused.
    const badMagic = file.bytes.slice()
    badMagic[5] = 0
    new DataView(badMagic.buffer).setUint32(41, crc32Of(badMagic.subarray(5, 41)), false)
    cases.push([badMagic, dv, /magic number \d+ is not 1681511377/])
    for (const [bytes, descriptor, message] of cases) {
      const error = thrown(() => decodeDeletionVectorFile(bytes, descriptor, '/t/dv.bin'))
      expect(error).toBeInstanceOf(DeletionVectorCorruptError)
      expect((error as DeletionVectorCorruptError).file).toBe('/t/dv.bin')
      expect((error as Error).message).toMatch(/^Deletion vector \/t\/dv\.bin at offset \d+ is corrupt: /)
      expect((error as Error).message).toMatch(message)
    }
  })

  it('reads an absent offset as the first DV of the file, as delta-kernel does', () => {
    const file = encodeDeletionVectorFile([RoaringBitmapArray.fromPositions([3])], { uuid: UUID })
    const { offset: _, ...withoutOffset } = file.descriptors[0] as DeltaDeletionVector
    expect(decodeDeletionVectorFile(file.bytes, withoutOffset, file.path).toSortedArray()).toEqual([3])
  })
})

describe('reading and writing deletion vectors in a table folder', () => {
  const tmp = useTempDir('pf-dv-')

  it('writes a DV file put-if-absent below the table and reads it back through its descriptor', async () => {
    const bitmap = RoaringBitmapArray.fromPositions([1, 4, 2 ** 32 + 4])
    const file = encodeDeletionVectorFile([bitmap], { prefix: 'q1' })
    await writeDeletionVectorFile(nodeFileSystem, tmp.dir, file)
    const dv = file.descriptors[0] as DeltaDeletionVector
    expect(await readFile(join(tmp.dir, ...file.path.split('/')))).toEqual(Buffer.from(file.bytes))
    const read = await readDeletionVector(dv, tmp.dir, (p) => nodeFileSystem.readFile(p))
    expect(read.toSortedArray()).toEqual([1, 4, 2 ** 32 + 4])
    await expect(writeDeletionVectorFile(nodeFileSystem, tmp.dir, file)).rejects.toMatchObject({
      code: 'EEXIST',
    })
    const inline = encodeInlineDeletionVector(bitmap)
    const never = async (): Promise<Uint8Array> => {
      throw new Error('an inline DV reads no file')
    }
    expect((await readDeletionVector(inline, tmp.dir, never)).toSortedArray()).toEqual([1, 4, 2 ** 32 + 4])
  })

  it('lets a missing file surface as the file system reports it (ENOENT)', async () => {
    const file = encodeDeletionVectorFile([RoaringBitmapArray.fromPositions([1])])
    const dv = file.descriptors[0] as DeltaDeletionVector
    await expect(readDeletionVector(dv, tmp.dir, (p) => nodeFileSystem.readFile(p))).rejects.toMatchObject({
      code: 'ENOENT',
    })
  })
})

function crc32Of(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}
