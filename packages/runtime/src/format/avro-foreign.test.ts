import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import avsc from 'avsc'
import { describe, expect, it } from 'vitest'
import { read } from '../frame/read-frame.js'
import { useSharedTempDir } from '../table/__fixtures__/temp-dir.js'

const tmp = useSharedTempDir('pf-avro-foreign-')

/**
 * A zstd frame holding `data` as raw (stored) blocks: valid Zstandard, as Java's ZstandardCodec would write it
 * with compression off; Node 20 has no zstd compressor to make a real one.
 */
function zstdStoredFrame(data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00])] // magic; descriptor: no content size
  const window = Buffer.from([0x58]) // window descriptor: 2^(10 + 11) bytes, more than any block here
  parts.push(window)
  const max = 128 * 1024 - 1
  for (let at = 0; at === 0 || at < data.length; at += max) {
    const block = data.subarray(at, at + max)
    const last = at + max >= data.length ? 1 : 0
    const header = (block.length << 3) | last // block type 0: raw
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]), block)
  }
  return Buffer.concat(parts)
}

/** Writes an Avro container file with avsc (as Java and fastavro write them: any schema, not only records). */
function writeAvro(
  name: string,
  schema: unknown,
  values: unknown[],
  { codec, wrapUnions }: { codec?: 'zstandard'; wrapUnions?: boolean } = {},
): Promise<string> {
  const path = join(tmp.dir, name)
  const options = codec
    ? {
        codec,
        codecs: {
          zstandard: (buf: Buffer, cb: (e: Error | null, out?: Buffer) => void) =>
            cb(null, zstdStoredFrame(buf)),
        },
      }
    : {}
  return new Promise((done, fail) => {
    // Done when the file is closed, not when the encoder has its last record (a timer raced that under load).
    const encoder = new avsc.streams.BlockEncoder(
      avsc.Type.forSchema(schema as avsc.Schema, wrapUnions ? { wrapUnions } : {}),
      options as never,
    )
    const file = createWriteStream(path)
    encoder.on('error', fail)
    file.on('error', fail)
    file.on('close', () => done(path))
    encoder.pipe(file)
    for (const v of values) encoder.write(v)
    encoder.end()
  })
}

describe('Avro files written by other tools', () => {
  it('reads a file whose top-level schema is not a record as one column named value', async () => {
    const path = await writeAvro('ints.avro', 'int', [1, 2, 3])
    expect(await (await read(path)).toRecords()).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }])
  })

  it('decodes nested records, maps and arrays of records with avsc', async () => {
    const schema = {
      type: 'record',
      name: 'Order',
      fields: [
        { name: 'id', type: 'long' },
        {
          name: 'customer',
          type: { type: 'record', name: 'Customer', fields: [{ name: 'name', type: 'string' }] },
        },
        { name: 'tags', type: { type: 'map', values: 'int' } },
        {
          name: 'lines',
          type: {
            type: 'array',
            items: { type: 'record', name: 'Line', fields: [{ name: 'qty', type: 'int' }] },
          },
        },
      ],
    }
    const path = await writeAvro('orders.avro', schema, [
      { id: 1, customer: { name: 'Ada' }, tags: { a: 1 }, lines: [{ qty: 2 }, { qty: 3 }] },
    ])
    expect(await (await read(path)).toRecords()).toEqual([
      { id: 1, customer: { name: 'Ada' }, tags: [{ key: 'a', value: 1 }], lines: [{ qty: 2 }, { qty: 3 }] },
    ])
  })

  it('reads recursive records (a linked list) with their field names at every depth', async () => {
    const schema = {
      type: 'record',
      name: 'Node',
      fields: [
        { name: 'value', type: 'int' },
        { name: 'next', type: ['null', 'Node'] },
      ],
    }
    const path = await writeAvro('list.avro', schema, [{ value: 1, next: { value: 2, next: null } }])
    expect(await (await read(path)).toRecords()).toEqual([{ value: 1, next: { value: 2, next: null } }])
  })

  it('reads bytes and fixed as Uint8Array at every depth (top level, in records, lists and maps)', async () => {
    const md5 = { type: 'fixed', name: 'MD5', size: 2 }
    const schema = {
      type: 'record',
      name: 'Blob',
      fields: [
        { name: 'raw', type: 'bytes' },
        { name: 'maybe', type: ['null', 'bytes'] },
        { name: 'hash', type: md5 },
        { name: 'inner', type: { type: 'record', name: 'Inner', fields: [{ name: 'h', type: 'MD5' }] } },
        { name: 'chunks', type: { type: 'array', items: 'bytes' } },
        { name: 'named', type: { type: 'map', values: 'bytes' } },
      ],
    }
    const b = (...xs: number[]) => Buffer.from(xs)
    const path = await writeAvro('blobs.avro', schema, [
      {
        raw: b(0, 255),
        maybe: null,
        hash: b(1, 2),
        inner: { h: b(3, 4) },
        chunks: [b(5), b()],
        named: { k: b(6) },
      },
      { raw: b(), maybe: b(7), hash: b(8, 9), inner: { h: b(10, 11) }, chunks: [], named: {} },
    ])
    const u = (...xs: number[]) => Uint8Array.from(xs)
    const rows = await (await read(path)).toRecords()
    expect(rows).toEqual([
      {
        raw: u(0, 255),
        maybe: null,
        hash: u(1, 2),
        inner: { h: u(3, 4) },
        chunks: [u(5), u()],
        named: [{ key: 'k', value: u(6) }],
      },
      { raw: u(), maybe: u(7), hash: u(8, 9), inner: { h: u(10, 11) }, chunks: [], named: [] },
    ])
    expect(rows[0]?.raw).toBeInstanceOf(Uint8Array)
    expect((rows[0]?.inner as { h: unknown } | undefined)?.h).toBeInstanceOf(Uint8Array)
  })

  it('writes Binary columns read from Avro bytes and fixed back (inferred as bytes, or with their schema)', async () => {
    const schema = {
      type: 'record',
      name: 'B',
      fields: [
        { name: 'raw', type: ['null', 'bytes'] },
        { name: 'hash', type: { type: 'fixed', name: 'H', size: 2 } },
        { name: 'n', type: 'int' },
      ],
    }
    const path = await writeAvro('blobs-in.avro', schema, [
      { raw: Buffer.from([1, 2]), hash: Buffer.from([3, 4]), n: 1 },
      { raw: null, hash: Buffer.from([5, 6]), n: 2 },
    ])
    const expected = [
      { raw: Uint8Array.from([1, 2]), hash: Uint8Array.from([3, 4]), n: 1 },
      { raw: null, hash: Uint8Array.from([5, 6]), n: 2 },
    ]
    const frame = await read(path)
    const inferred = join(tmp.dir, 'blobs-inferred.avro')
    await frame.write(inferred)
    expect(await (await read(inferred)).toRecords()).toEqual(expected)
    const withSchema = join(tmp.dir, 'blobs-schema.avro')
    await frame.toAvro(withSchema, { schema: schema as never })
    expect(await (await read(withSchema)).toRecords()).toEqual(expected)
  })

  it('reads a union of several types as one field per branch, the value in its own branch (even int vs long)', async () => {
    const schema = {
      type: 'record',
      name: 'U',
      fields: [
        { name: 'v', type: ['string', 'int'] },
        { name: 'n', type: ['null', 'int', 'long'] },
        {
          name: 'r',
          type: [
            'null',
            { type: 'record', name: 'Inner', fields: [{ name: 'x', type: ['boolean', 'double'] }] },
          ],
        },
      ],
    }
    // Values given wrapped ({ branch: value }) so that avsc writes the branch asked for, not the first that fits.
    const path = await writeAvro(
      'unions.avro',
      schema,
      [
        { v: { string: 'a' }, n: { long: 5 }, r: { Inner: { x: { boolean: true } } } },
        { v: { int: 3 }, n: { int: 5 }, r: null },
        { v: { int: 4 }, n: null, r: { Inner: { x: { double: 1.5 } } } },
      ],
      { wrapUnions: true },
    )
    expect(await (await read(path)).toRecords()).toEqual([
      { v: { string: 'a', int: null }, n: { int: null, long: 5 }, r: { x: { boolean: true, double: null } } },
      { v: { string: null, int: 3 }, n: { int: 5, long: null }, r: null },
      { v: { string: null, int: 4 }, n: null, r: { x: { boolean: null, double: 1.5 } } },
    ])
  })

  it('reads records without fields as that many rows without columns', async () => {
    const path = await writeAvro('empty-records.avro', { type: 'record', name: 'Nothing', fields: [] }, [
      {},
      {},
    ])
    const frame = await read(path)
    expect(await frame.toRecords()).toEqual([{}, {}])
  })

  it('reads the zstandard codec (Java ZstandardCodec blocks)', async () => {
    const schema = {
      type: 'record',
      name: 'W',
      fields: [
        { name: 'station', type: 'string' },
        { name: 'temp', type: 'int' },
      ],
    }
    const values = Array.from({ length: 3000 }, (_, i) => ({ station: `s${i % 7}`, temp: i - 1500 }))
    const path = await writeAvro('weather-zstd.avro', schema, values, { codec: 'zstandard' })
    expect(await (await read(path)).toRecords()).toEqual(values)
  })
})
