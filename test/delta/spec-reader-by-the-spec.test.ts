// The outside reader itself, on a Delta table written by hand as PROTOCOL.md allows another writer to: column mapping
// in id mode (columns and nested struct fields found by field id, whatever the Parquet file names them) and deletion
// vectors both inline and in a file. pf writes neither id mode nor inline vectors, so only this proves the oracle
// reads them.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { DuckDBInstance } from '@duckdb/node-api'
import { describe, expect, it } from 'vitest'
import { useOracleWorkspace } from './oracle-workspace.js'

const ws = useOracleWorkspace('pf-spec-reader-')

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#'

/** Z85 text of `bytes` (a multiple of 4 long). */
function z85(bytes: Uint8Array): string {
  let out = ''
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let at = 0; at < bytes.length; at += 4) {
    let value = view.getUint32(at, false)
    const chunk: string[] = []
    for (let i = 0; i < 5; i++) {
      chunk.unshift(Z85.charAt(value % 85))
      value = Math.floor(value / 85)
    }
    out += chunk.join('')
  }
  return out
}

/** PROTOCOL.md "Deletion Vector Format": magic, one bucket (key 0), a RoaringBitmap of one array container. */
function roaringBitmapArray(positions: readonly number[]): Uint8Array {
  const bytes = Buffer.alloc(4 + 8 + 4 + 4 + 4 + 4 + 4 + 2 * positions.length)
  let at = bytes.writeUInt32LE(1681511377, 0)
  at = bytes.writeBigUInt64LE(1n, at)
  at = bytes.writeUInt32LE(0, at)
  at = bytes.writeUInt32LE(12346, at)
  at = bytes.writeUInt32LE(1, at)
  at = bytes.writeUInt16LE(0, at)
  at = bytes.writeUInt16LE(positions.length - 1, at)
  at = bytes.writeUInt32LE(16, at)
  for (const p of positions) at = bytes.writeUInt16LE(p, at)
  return new Uint8Array(bytes)
}

const field = (name: string, type: unknown, id: number, physical: string) => ({
  name,
  type,
  nullable: true,
  metadata: { 'delta.columnMapping.id': id, 'delta.columnMapping.physicalName': physical },
})

describe('the outside reader, on a table another writer wrote by the spec', () => {
  it('id mode: columns and nested fields by field id, an id no file holds as null; inline and file DVs', async () => {
    const root = join(ws.dir, 'by-id')
    await mkdir(join(root, '_delta_log'), { recursive: true })
    await mkdir(join(root, 'ab'), { recursive: true })
    // The Parquet names (c1, c2, s1...) are neither the display nor the physical names: only the ids match.
    const duck = await (await DuckDBInstance.create(':memory:')).connect()
    const ids =
      'FIELD_IDS {c1: 1, c2: {__duckdb_field_id: 2, s1: 3, s2: 4}, c3: {__duckdb_field_id: 5, element: {e1: 6}}}'
    const write = (file: string, from: number, to: number) =>
      duck.run(
        `COPY (SELECT i::BIGINT AS c1, {'s2': 'n' || i, 's1': i * 10} AS c2, [{'e1': i::INTEGER}] AS c3 ` +
          `FROM range(${from}, ${to}) t(i)) TO '${join(root, file)}' (FORMAT PARQUET, ${ids})`,
      )
    await write('a.parquet', 1, 5)
    await write('b.parquet', 5, 8)
    duck.closeSync()
    const schema = {
      type: 'struct',
      fields: [
        field('id', 'long', 1, 'col-p-id'),
        field(
          'info',
          {
            type: 'struct',
            fields: [field('n', 'long', 3, 'col-p-n'), field('s', 'string', 4, 'col-p-s')],
          },
          2,
          'col-p-info',
        ),
        field(
          'list',
          {
            type: 'array',
            elementType: { type: 'struct', fields: [field('e', 'integer', 6, 'col-p-e')] },
            containsNull: true,
          },
          5,
          'col-p-list',
        ),
        field('later', 'string', 9, 'col-p-later'),
      ],
    }
    // File a: row position 1 (id 2) deleted by an inline DV; file b: positions 0 and 2 (ids 5, 7) by a DV file.
    const inline = roaringBitmapArray([1])
    const padded = new Uint8Array(Math.ceil(inline.length / 4) * 4)
    padded.set(inline)
    const onDisk = roaringBitmapArray([0, 2])
    const uuid = Buffer.from('0123456789abcdef0123456789abcdef', 'hex')
    const dvFile = Buffer.alloc(1 + 4 + onDisk.length + 4)
    dvFile.writeUInt8(1, 0)
    dvFile.writeUInt32BE(onDisk.length, 1)
    dvFile.set(onDisk, 5)
    dvFile.writeUInt32BE(crc32(onDisk), 5 + onDisk.length)
    await writeFile(join(root, 'ab', 'deletion_vector_01234567-89ab-cdef-0123-456789abcdef.bin'), dvFile)
    const add = (path: string, rows: number, deletionVector: object) => ({
      add: {
        path,
        partitionValues: {},
        size: 1,
        modificationTime: 0,
        dataChange: true,
        stats: JSON.stringify({ numRecords: rows }),
        deletionVector,
      },
    })
    const actions = [
      {
        protocol: {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: ['columnMapping', 'deletionVectors'],
          writerFeatures: ['columnMapping', 'deletionVectors'],
        },
      },
      {
        metaData: {
          id: 'hand-written',
          format: { provider: 'parquet', options: {} },
          schemaString: JSON.stringify(schema),
          partitionColumns: [],
          configuration: { 'delta.columnMapping.mode': 'id', 'delta.columnMapping.maxColumnId': '9' },
        },
      },
      add('a.parquet', 4, {
        storageType: 'i',
        pathOrInlineDv: z85(padded),
        sizeInBytes: inline.length,
        cardinality: 1,
      }),
      add('b.parquet', 3, {
        storageType: 'u',
        pathOrInlineDv: `ab${z85(uuid)}`,
        offset: 1,
        sizeInBytes: onDisk.length,
        cardinality: 2,
      }),
    ]
    await writeFile(
      join(root, '_delta_log', '00000000000000000000.json'),
      `${actions.map((a) => JSON.stringify(a)).join('\n')}\n`,
    )
    const seen = await ws.oracle.read(root)
    expect(seen.mode).toBe('id')
    const row = (i: number) => ({
      id: BigInt(i),
      info: { n: BigInt(i * 10), s: `n${i}` },
      list: [{ e: i }],
      later: null,
    })
    expect([...seen.rows].sort((a, b) => Number(a.id) - Number(b.id))).toEqual([1, 3, 4, 6].map(row))
  })
})
