import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { IndexFileDamagedError } from '../secondary-index/index-errors.js'
import {
  decodeKeyPositionIndex,
  encodeKeyPositionIndex,
  keyIndexFilePath,
  readKeyLookup,
  readKeyPositions,
} from './key-position-file.js'
import { buildKeyPositionIndex, KeyPositionIndex, keyHash } from './key-position-index.js'
import { nodeFileSystem } from './node-file-system.js'
import type { ParquetPointLayout } from './parquet-point-layout.js'
import { blockSizeFor } from './parquet-range-checksums.js'

const identity = { path: 'p=1/part-a.parquet', size: 4321, checksum: 'crc32:0badf00d', rows: 5 }

describe('key position index', () => {
  it('gives the physical row of each key; an absent key has no candidate', () => {
    const keys = ['7', '3', 'ü€', '["a","b"]', '0']
    const index = buildKeyPositionIndex(identity, ['id'], keys)
    for (const [row, k] of keys.entries()) expect(index.candidates(k)).toEqual([row])
    expect(index.candidates('8')).toEqual([])
    expect(index.candidates('')).toEqual([])
    // Sorted by hash: a probe is a binary search.
    const hashes = [...index.hashes]
    expect(hashes).toEqual([...hashes].sort((a, b) => a - b))
  })

  it('a duplicated key gives every row holding it, in physical order', () => {
    const index = buildKeyPositionIndex({ ...identity, rows: 4 }, ['id'], ['1', '2', '1', '1'])
    expect(index.candidates('1')).toEqual([0, 2, 3])
  })

  it('keys sharing a hash are all candidates (the caller confirms the key against the row)', () => {
    const h = keyHash('x')
    const index = new KeyPositionIndex(
      { ...identity, rows: 3 },
      ['id'],
      Uint32Array.from([h - 1, h, h]),
      Uint32Array.from([2, 0, 1]),
    )
    expect(index.candidates('x')).toEqual([0, 1])
  })

  it('sorts tens of thousands of keys by hash and finds each (two 16-bit radix passes)', () => {
    const keys = Array.from({ length: 70_000 }, (_, i) => String(i * 7))
    const index = buildKeyPositionIndex({ ...identity, rows: keys.length }, ['id'], keys)
    for (let i = 0; i < keys.length; i += 997) expect(index.candidates(keys[i] as string)).toContain(i)
    for (let i = 1; i < index.hashes.length; i++)
      expect(index.hashes[i - 1] as number).toBeLessThanOrEqual(index.hashes[i] as number)
  })
})

describe('key position index file', () => {
  it('round-trips through its binary form', () => {
    const index = buildKeyPositionIndex(identity, ['tenant', 'id'], ['a', 'b', 'c', 'd', 'e'])
    const back = decodeKeyPositionIndex(encodeKeyPositionIndex(index), 'x.pfidx')
    expect(back.identity).toEqual(identity)
    expect(back.columns).toEqual(['tenant', 'id'])
    expect([...back.hashes]).toEqual([...index.hashes])
    expect([...back.positions]).toEqual([...index.positions])
  })

  it("carries the data file's range checksums; ranges that do not cover the file are refused", async () => {
    const blockSize = blockSizeFor(identity.size)
    const ranges = {
      groupRows: [3, 2],
      groups: [
        { start: 0, end: 1000 },
        { start: 1000, end: 4000 },
      ],
      tail: { start: 4000, end: identity.size },
      blockSize,
      blockCrcs: Array.from(
        { length: Math.ceil(identity.size / blockSize) },
        (_, i) => (0xdeadbeef + i) >>> 0,
      ),
    }
    const index = buildKeyPositionIndex(identity, ['id'], ['1', '2', '3', '4', '5'], ranges)
    const bytes = encodeKeyPositionIndex(index)
    expect(decodeKeyPositionIndex(bytes, 'k.pfidx').ranges).toEqual(ranges)
    expect(
      decodeKeyPositionIndex(
        encodeKeyPositionIndex(buildKeyPositionIndex(identity, ['id'], ['1', '2', '3', '4', '5'])),
        'k.pfidx',
      ).ranges,
    ).toBeUndefined()
    const dir = await mkdtemp(join(tmpdir(), 'pf-keyidx-'))
    try {
      const path = join(dir, 'k.pfidx')
      await writeFile(path, bytes)
      expect(await readKeyLookup(nodeFileSystem, path, identity, ['id'], '4')).toEqual({
        positions: [3],
        ranges,
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    // Rows or bytes other than the data file's: a gap, an overlapping tail, rows that do not add up.
    const wrong = [
      { ...ranges, groups: [ranges.groups[0], { ...ranges.groups[1], start: 1001 }] },
      { ...ranges, tail: { ...ranges.tail, start: 3999 } },
      { ...ranges, groupRows: [3, 3] },
      { ...ranges, blockCrcs: ranges.blockCrcs.slice(1) },
      { ...ranges, blockSize: blockSize * 2 },
    ]
    for (const bad of wrong) {
      const encoded = encodeKeyPositionIndex(
        buildKeyPositionIndex(identity, ['id'], ['1', '2', '3', '4', '5'], bad as typeof ranges),
      )
      expect(() => decodeKeyPositionIndex(encoded, 'k.pfidx')).toThrow(/range checksums do not cover/)
    }
  })

  it("carries the data file's point-read layout, reads only the row's group's section, refuses a damaged one", async () => {
    const none = { typeLength: undefined, converted: undefined, scale: undefined, precision: undefined }
    const layout: ParquetPointLayout = {
      leaves: [
        {
          name: 'id',
          type: 2,
          repetition: 0,
          logical: undefined,
          logical1: undefined,
          logical2: undefined,
          ...none,
        },
        // FIXED_LEN_BYTE_ARRAY(16) DECIMAL(30, 3), optional; a name that is not ASCII.
        {
          name: 'montant €',
          type: 7,
          typeLength: 16,
          repetition: 1,
          converted: 5,
          scale: 3,
          precision: 30,
          logical: 5,
          logical1: 3,
          logical2: 30,
        },
        // TIMESTAMP(isAdjustedToUTC, MICROS) and a negative parameter kept as is.
        { name: 't', type: 2, repetition: 1, logical: 8, logical1: 1, logical2: 2, ...none, scale: -1 },
      ],
      groupRows: [3, 2],
      groups: [
        [
          {
            type: 2,
            codec: 6,
            size: 300,
            dataOffset: 4,
            dictionaryOffset: undefined,
            indexOffset: 3900,
            indexLength: 20,
            // Offset, length and first row of each page.
            pages: Float64Array.of(4, 150, 0, 154, 150, 2),
          },
          {
            type: 7,
            codec: 6,
            size: 500,
            dataOffset: 350,
            dictionaryOffset: 304,
            indexOffset: undefined,
            indexLength: undefined,
          },
          undefined,
        ],
        [
          {
            type: 2,
            codec: 0,
            size: 2 ** 40,
            dataOffset: 1000,
            dictionaryOffset: 0,
            indexOffset: 3920,
            indexLength: 12,
            pages: Float64Array.of(1000, -1, 0),
          },
          {
            type: 7,
            codec: 0,
            size: 90,
            dataOffset: 2000,
            dictionaryOffset: undefined,
            indexOffset: 3932,
            indexLength: 400,
          },
          {
            type: 2,
            codec: 1,
            size: 80,
            dataOffset: 3000,
            dictionaryOffset: undefined,
            indexOffset: 3940,
            indexLength: 9,
            pages: new Float64Array(0),
          },
        ],
      ],
    }
    const keys = ['1', '2', '3', '4', '5']
    const index = buildKeyPositionIndex(identity, ['id'], keys, undefined, layout)
    const bytes = encodeKeyPositionIndex(index)
    expect(decodeKeyPositionIndex(bytes, 'k.pfidx').layout).toEqual(layout)
    expect(
      decodeKeyPositionIndex(encodeKeyPositionIndex(buildKeyPositionIndex(identity, ['id'], keys)), 'k.pfidx')
        .layout,
    ).toBeUndefined()

    const dir = await mkdtemp(join(tmpdir(), 'pf-keyidx-'))
    try {
      const path = join(dir, 'k.pfidx')
      await writeFile(path, bytes)
      const reads: number[] = []
      const fs = {
        ...nodeFileSystem,
        readRange: async (file: string, offset: number, length: number) => {
          reads.push(offset)
          return nodeFileSystem.readRange?.(file, offset, length) ?? new Uint8Array()
        },
      }
      // Key '5' is row 4, in the second group: its section alone is read, after the header, slot and bucket.
      expect(await readKeyLookup(fs, path, identity, ['id'], '5')).toEqual({
        positions: [4],
        ranges: undefined,
        layout: { ...layout, groups: [undefined, layout.groups[1]] },
      })
      expect(reads.length).toBe(4)
      expect((await readKeyLookup(fs, path, identity, ['id'], '1'))?.layout?.groups).toEqual([
        layout.groups[0],
      ])
      // No candidate, no section read.
      reads.length = 0
      expect(await readKeyLookup(fs, path, identity, ['id'], 'absent')).toEqual({
        positions: [],
        ranges: undefined,
      })
      expect(reads.length).toBe(3)

      // One byte of the second group's section flipped (sections end the file): the whole file and that group's
      // lookups are refused; the first group's section is still read (it is intact).
      const flipped = Buffer.from(bytes)
      flipped[flipped.length - 30] = (flipped[flipped.length - 30] as number) ^ 0x01
      expect(() => decodeKeyPositionIndex(flipped, 'k.pfidx')).toThrow(/layout section 1 checksum mismatch/)
      await writeFile(path, flipped)
      await expect(readKeyLookup(fs, path, identity, ['id'], '5')).rejects.toThrow(IndexFileDamagedError)
      expect((await readKeyLookup(fs, path, identity, ['id'], '1'))?.positions).toEqual([0])
      // Cut short: the file's length no longer matches its header.
      expect(() => decodeKeyPositionIndex(bytes.subarray(0, bytes.length - 8), 'k.pfidx')).toThrow(
        /bytes, the header says/,
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }

    // Row groups other than the data file's, or than its range checksums': refused.
    const blockSize = blockSizeFor(identity.size)
    const ranges = {
      groupRows: [4, 1],
      groups: [
        { start: 0, end: 1000 },
        { start: 1000, end: 3800 },
      ],
      tail: { start: 3800, end: identity.size },
      blockSize,
      blockCrcs: Array.from({ length: Math.ceil(identity.size / blockSize) }, (_, i) => i),
    }
    const mismatched = encodeKeyPositionIndex(buildKeyPositionIndex(identity, ['id'], keys, ranges, layout))
    expect(() => decodeKeyPositionIndex(mismatched, 'k.pfidx')).toThrow(/layout row groups differ/)
    const more = { ...layout, groupRows: [3, 3] }
    expect(() =>
      decodeKeyPositionIndex(
        encodeKeyPositionIndex(buildKeyPositionIndex(identity, ['id'], keys, undefined, more)),
        'k.pfidx',
      ),
    ).toThrow(/layout row groups do not hold the data file/)
    // A layout the format cannot hold (a schema value past 32 bits, a group not known) is left out, not cut.
    const unstorable: ParquetPointLayout[] = [
      {
        ...layout,
        leaves: [{ ...(layout.leaves[0] as ParquetPointLayout['leaves'][0]), typeLength: 2 ** 40 }],
      },
      { ...layout, groups: [layout.groups[0], undefined] },
    ]
    for (const bad of unstorable) {
      const stored = encodeKeyPositionIndex(buildKeyPositionIndex(identity, ['id'], keys, undefined, bad))
      expect(decodeKeyPositionIndex(stored, 'k.pfidx').layout).toBeUndefined()
    }
  })

  it('lives beside the secondary indexes under a name no index group can have', () => {
    expect(keyIndexFilePath('/t', 'p=1/part-a.parquet', ['id']).split('\\').join('/')).toBe(
      '/t/_pf/indexes/p=1/part-a.parquet.%40key+id.pfidx',
    )
  })

  it('refuses truncated, flipped, foreign or inconsistent bytes with IndexFileDamagedError naming the file', () => {
    const bytes = encodeKeyPositionIndex(buildKeyPositionIndex(identity, ['id'], ['1', '2', '3', '4', '5']))
    const damaged = (b: Uint8Array) => () => decodeKeyPositionIndex(b, 'k.pfidx')
    expect(damaged(bytes.subarray(0, bytes.length - 3))).toThrow(IndexFileDamagedError)
    expect(damaged(bytes.subarray(0, 10))).toThrow(/k\.pfidx: truncated/)
    for (const at of [0, 6, 20, bytes.length - 1]) {
      const flipped = Uint8Array.from(bytes)
      flipped[at] = (flipped[at] as number) ^ 0xff
      expect(damaged(flipped)).toThrow(IndexFileDamagedError)
    }
    // A well-formed file whose entries do not match its data file's rows.
    const short = encodeKeyPositionIndex(buildKeyPositionIndex(identity, ['id'], ['1', '2']))
    expect(damaged(short)).toThrow(/2 entries for a data file of 5 rows/)
    // Positions past the data file's rows.
    const wild = new KeyPositionIndex(
      identity,
      ['id'],
      Uint32Array.from([1, 2, 3, 4, 5]),
      Uint32Array.of(0, 1, 2, 3, 9),
    )
    expect(damaged(encodeKeyPositionIndex(wild))).toThrow(/row position past/)
    expect(damaged(Buffer.from('PFIX not a key index'))).toThrow(/bad magic/)
    // An entry's byte (the entries end the file here): the CRC of all entries, checked in one call, refuses it.
    const entry = Uint8Array.from(bytes)
    entry[bytes.length - 5] = (entry[bytes.length - 5] as number) ^ 0x01
    expect(damaged(entry)).toThrow(/entries checksum mismatch/)
  })

  it("reads a long header (a large data file's block checksums) to the length it states", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-keyidx-'))
    try {
      const large = { ...identity, size: 60 * 1024 * 1024 }
      const blockSize = blockSizeFor(large.size)
      const ranges = {
        groupRows: [5],
        groups: [{ start: 0, end: large.size - 5000 }],
        tail: { start: large.size - 5000, end: large.size },
        blockSize,
        blockCrcs: Array.from({ length: large.size / blockSize }, (_, i) => i),
      }
      const index = buildKeyPositionIndex(large, ['id'], ['1', '2', '3', '4', '5'], ranges)
      const bytes = encodeKeyPositionIndex(index)
      // 3,840 CRCs: a header of about 15 kB.
      expect(bytes.length).toBeGreaterThan(15_000)
      const path = join(dir, 'k.pfidx')
      await writeFile(path, bytes)
      const reads: number[] = []
      const fs = {
        ...nodeFileSystem,
        readRange: async (file: string, offset: number, length: number) => {
          reads.push(length)
          return nodeFileSystem.readRange?.(file, offset, length) ?? new Uint8Array()
        },
      }
      expect(await readKeyLookup(fs, path, large, ['id'], '4')).toEqual({ positions: [3], ranges })
      // The first 4 KiB, the header to its length, the directory slot, the bucket.
      expect(reads.length).toBe(4)
      expect(reads[1]).toBeLessThan(bytes.length)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('one key is read from its bucket alone; a damaged bucket is refused, another file or key is not used', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-keyidx-'))
    try {
      const keys = Array.from({ length: 3000 }, (_, i) => String(i * 3))
      const big = { ...identity, rows: keys.length }
      const index = buildKeyPositionIndex(big, ['id'], keys)
      const path = join(dir, 'k.pfidx')
      const bytes = encodeKeyPositionIndex(index)
      await writeFile(path, bytes)
      for (const k of ['0', '2997', '8997', '1']) {
        expect(await readKeyPositions(nodeFileSystem, path, big, ['id'], k)).toEqual(index.candidates(k))
      }
      expect(await readKeyPositions(nodeFileSystem, path, { ...big, size: 1 }, ['id'], '0')).toBeUndefined()
      expect(await readKeyPositions(nodeFileSystem, path, big, ['other'], '0')).toBeUndefined()
      expect(
        await readKeyPositions(nodeFileSystem, join(dir, 'none.pfidx'), big, ['id'], '0'),
      ).toBeUndefined()
      // Flip a byte in the entries of the bucket holding key '3': its lookup is refused, not answered.
      const [row] = index.candidates('3')
      const at = index.positions.indexOf(row as number)
      const flipped = Buffer.from(bytes)
      const entry = flipped.length - 8 * (keys.length - at) + 4
      flipped[entry] = (flipped[entry] as number) ^ 0x01
      await writeFile(path, flipped)
      await expect(readKeyPositions(nodeFileSystem, path, big, ['id'], '3')).rejects.toThrow(
        IndexFileDamagedError,
      )
      expect(() => decodeKeyPositionIndex(flipped, path)).toThrow(/checksum mismatch/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
