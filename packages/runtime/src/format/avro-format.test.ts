import { spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import avsc from 'avsc'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { FormatError } from '../errors/pf-error.js'
import { useSharedTempDir } from '../table/__fixtures__/temp-dir.js'
import { arrowColumnTypes } from './arrow-values.js'
import { AVRO_CODECS, decompressBlock } from './avro-codecs.js'
import { readContainerHeader } from './avro-container.js'
import { avroFormat } from './avro-format.js'
import { decodeAvroFrame } from './avro-frame-reader.js'
import { inferAvroSchema } from './avro-schema-inference.js'
import type { AvroRecordSchema } from './avro-schema-types.js'

const tmp = useSharedTempDir('pf-avro-')
const file = (name: string) => join(tmp.dir, name)

function eventsFrame(): pl.DataFrame {
  return pl.DataFrame([
    pl.Series('zeta', ['last?', null, 'no, first'], pl.Utf8),
    pl.Series('id', [1_700_000_000_000, null, -5], pl.Int64),
    pl.Series('at', [1_700_000_000_123_456, null, 1], pl.Int64).cast(pl.Datetime('us', 'UTC')),
    pl.Series('day', [19_723, null, -1], pl.Int32).cast(pl.Date),
    pl.Series('tags', [['a', null], [], null], pl.List(pl.Utf8)),
    pl.Series('scores', [[1, 2], null, []], pl.List(pl.Int64)),
    pl
      .Series('seen', [[1_700_000_000_000_001], [], null], pl.List(pl.Int64))
      .cast(pl.List(pl.Datetime('us', 'UTC'))),
    pl.Series('small', [1, 2, null], pl.Int32),
    pl.Series('ratio', [0.5, null, 2], pl.Float32),
    pl.Series('x', [0.1, 1e300, null], pl.Float64),
    pl.Series('ok', [true, false, null], pl.Bool),
  ])
}

const avscDefaultCodecs = (
  avsc.streams.BlockDecoder as unknown as { defaultCodecs(): Record<string, avsc.Codec> }
).defaultCodecs()
const avscSnappy = (buf: Buffer, cb: (err: Error | null, out?: Buffer) => void): void =>
  cb(null, Buffer.from(decompressBlock('snappy', buf)))

async function avscRecords(path: string): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const records: Record<string, unknown>[] = []
    avsc
      // avsc ships null and deflate but no snappy codec: give it ours (snappy block + CRC32, per the spec).
      .createFileDecoder(path, { codecs: { ...avscDefaultCodecs, snappy: avscSnappy } })
      .on('data', (r: Record<string, unknown>) => records.push(r))
      .on('end', () => resolve(records))
      .on('error', reject)
  })
}

describe('avro round trips', () => {
  it('keeps dtypes, values, nulls and column order exactly', async () => {
    const df = eventsFrame()
    await avroFormat.write(df, file('events.avro'))
    const back = await avroFormat.read(file('events.avro'))
    expect(back.columns).toEqual(df.columns)
    expect(back.schema).toEqual(df.schema)
    expect(back.frameEqual(df, true)).toBe(true)
    expect(back.getColumn('id').dtype.variant).toBe('Int64')
    expect(back.getColumn('id').toArray()).toEqual([1_700_000_000_000, null, -5])
    expect(back.getColumn('at').cast(pl.Int64).toArray()).toEqual([1_700_000_000_123_456, null, 1])
    expect(String(back.getColumn('at').dtype)).toBe(String(pl.Datetime('us', 'UTC')))
  })

  it('keeps int64 values beyond 2^53 exact', async () => {
    const big = ['9007199254740993', '-9223372036854775808', null, '1']
    const df = pl.DataFrame([pl.Series('n', big, pl.Utf8).cast(pl.Int64)])
    await avroFormat.write(df, file('big.avro'))
    const back = await avroFormat.read(file('big.avro'))
    expect(back.getColumn('n').dtype.variant).toBe('Int64')
    expect(back.getColumn('n').cast(pl.Utf8).toArray()).toEqual(big)
  })

  it('converts other datetime units and zones to UTC microseconds', async () => {
    const micros = 1_700_000_000_123_000
    const df = pl.DataFrame([pl.Series('t', [micros, null], pl.Int64).cast(pl.Datetime('us', 'UTC'))])
    const paris = df.withColumns(pl.col('t').cast(pl.Datetime('ms', 'Europe/Paris')))
    await avroFormat.write(paris, file('paris.avro'))
    const back = await avroFormat.read(file('paris.avro'))
    expect(back.frameEqual(df, true)).toBe(true)
  })

  it('writes an empty frame as a valid file that reads back with its columns and dtypes', async () => {
    const df = eventsFrame().head(0)
    await avroFormat.write(df, file('empty.avro'))
    expect(await avscRecords(file('empty.avro'))).toEqual([])
    expect(pl.readAvro(await readFile(file('empty.avro'))).columns).toEqual(df.columns)
    const back = await avroFormat.read(file('empty.avro'))
    expect(back.height).toBe(0)
    expect(back.columns).toEqual(df.columns)
    expect(back.schema).toEqual(df.schema)
  })

  it('infers the same schema whether or not the values hold nulls', async () => {
    const withNulls = eventsFrame()
    const without = withNulls.dropNulls()
    await avroFormat.write(withNulls, file('a.avro'))
    await avroFormat.write(without.head(0), file('b.avro'))
    const schemaOf = async (p: string) => readContainerHeader(await readFile(p)).header.schemaJson
    expect(await schemaOf(file('a.avro'))).toBe(await schemaOf(file('b.avro')))
    expect(inferAvroSchema(withNulls)).toEqual(inferAvroSchema(without))
  })

  it('spans many blocks', async () => {
    const n = 60_000
    const df = pl.DataFrame([
      pl.Series(
        'i',
        Array.from({ length: n }, (_, i) => i),
        pl.Int64,
      ),
      pl.Series(
        's',
        Array.from({ length: n }, (_, i) => `row ${i} `.repeat(3)),
        pl.Utf8,
      ),
    ])
    await avroFormat.write(df, file('many.avro'), { codec: 'snappy' })
    const back = await avroFormat.read(file('many.avro'))
    expect(back.frameEqual(df)).toBe(true)
    const limited = await avroFormat.read(file('many.avro'), { nRows: 10, columns: ['s'] })
    expect(limited.shape).toEqual({ height: 10, width: 1 })
  })
})

describe.each(AVRO_CODECS.map((c) => [c]))('codec %s', (codec) => {
  it('writes files that avsc and polars both read', async () => {
    const df = eventsFrame()
    const path = file(`codec-${codec}.avro`)
    await avroFormat.write(df, path, { codec })
    expect(readContainerHeader(await readFile(path)).header.codec).toBe(codec)
    const records = await avscRecords(path)
    expect(records.map((r) => r.id)).toEqual([1_700_000_000_000, null, -5])
    expect(records.map((r) => r.at)).toEqual([1_700_000_000_123_456, null, 1])
    expect(records.map((r) => r.tags)).toEqual([['a', null], [], null])
    const viaPolars = pl.readAvro(await readFile(path))
    expect(viaPolars.frameEqual(df, true)).toBe(true)
    expect((await avroFormat.read(path)).frameEqual(df, true)).toBe(true)
  })

  it('reads files written by polars\' own writer (record name "")', async () => {
    const df = pl.DataFrame([
      pl.Series('id', [1, null, 3], pl.Int64),
      pl.Series('name', ['a', 'b', null], pl.Utf8),
      pl.Series('t', [1_700_000_000_123_456, null, 0], pl.Int64).cast(pl.Datetime('us')),
      pl.Series('d', [19_723, 0, null], pl.Int32).cast(pl.Date),
      pl.Series('l', [[1], null, []], pl.List(pl.Int64)),
      pl.Series('f', [1.5, null, 2], pl.Float32),
    ])
    const path = file(`polars-${codec}.avro`)
    await writeFile(path, df.writeAvro({ compression: codec === 'null' ? 'uncompressed' : codec }))
    expect(JSON.parse(readContainerHeader(await readFile(path)).header.schemaJson).name).toBe('')
    const back = await avroFormat.read(path)
    expect(back.frameEqual(df, true)).toBe(true)
  })
})

describe.each(AVRO_CODECS.map((c) => [c]))('the polars fast path, codec %s', (codec) => {
  const enumSchema: AvroRecordSchema = {
    type: 'record',
    name: 'Member',
    fields: [
      { name: 'id', type: 'long' },
      { name: 'role', type: { type: 'enum', name: 'Role', symbols: ['ADMIN', 'MEMBER'] } },
      { name: 'roles', type: ['null', { type: 'array', items: 'Role' }], default: null },
      { name: 'big', type: ['null', 'long'], default: null },
      { name: 'seenMs', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }], default: null },
      {
        name: 'local',
        type: ['null', { type: 'long', logicalType: 'local-timestamp-micros' }],
        default: null,
      },
      { name: 'blob', type: ['null', 'bytes'], default: null },
    ],
  }
  const members = (): pl.DataFrame =>
    pl.DataFrame([
      pl.Series('id', [1, 2, 3], pl.Int64),
      pl.Series('role', ['ADMIN', 'MEMBER', 'ADMIN'], pl.Utf8),
      pl.Series('roles', [['ADMIN'], null, []], pl.List(pl.Utf8)),
      pl.Series('big', ['9007199254740993', null, '-9223372036854775808'], pl.Utf8).cast(pl.Int64),
      pl.Series('seenMs', [1_700_000_000_123_000, null, 0], pl.Int64).cast(pl.Datetime('us', 'UTC')),
      pl.Series('local', [1_700_000_000_123_456, null, -1], pl.Int64).cast(pl.Datetime('us')),
      pl.Series('blob', [[1, 2, 255], null, []], pl.List(pl.UInt8)),
    ])

  /** The frame as read back: Avro bytes (written from List(UInt8) values) read as Binary. */
  const asRead = (df: pl.DataFrame): pl.DataFrame => {
    if (!df.columns.includes('blob')) return df
    const hex = (df.getColumn('blob').toArray() as unknown as (number[] | null)[]).map((v) =>
      v === null ? null : Buffer.from(v).toString('hex'),
    )
    return df.withColumns(pl.Series('blob', hex, pl.Utf8).str.decode('hex'))
  }

  const only = (drop: string[]) => ({
    frame: (): pl.DataFrame => members().select(...members().columns.filter((c) => !drop.includes(c))),
    schema: { ...enumSchema, fields: enumSchema.fields.filter((f) => !drop.includes(f.name)) },
  })
  const noBlob = only(['blob', 'roles'])

  it.each([
    ['every mapped dtype', eventsFrame, undefined, true],
    ['enums, longs beyond 2^53, millis, local times', noBlob.frame, noBlob.schema, true],
    ['the same with bytes and a list of enums (decoder only)', members, enumSchema, false],
    ['a list of enums (decoder only)', only(['blob']).frame, only(['blob']).schema, false],
  ] as const)('reads %s exactly as the decoder does', async (label, frame, schema, fast) => {
    const path = file(`fast-${codec}-${label.length}.avro`)
    await avroFormat.write(frame(), path, { codec, ...(schema ? { avroSchema: schema } : {}) })
    const bytes = await readFile(path)
    const decoded = decodeAvroFrame(bytes, {}, 'decoder')
    expect(decoded.frameEqual(asRead(frame()), true)).toBe(true)
    // The fast path is taken whenever polars reads every column exactly (bytes come back as Binary: not).
    if (fast) expect(decodeAvroFrame(bytes, {}, 'polars').frameEqual(decoded, true)).toBe(true)
    else expect(() => decodeAvroFrame(bytes, {}, 'polars')).toThrow(/not read this file exactly/)
    for (const options of [{}, { columns: [decoded.columns[2] as string, 'id'] }, { nRows: 2 }]) {
      const auto = decodeAvroFrame(bytes, options)
      const slow = decodeAvroFrame(bytes, options, 'decoder')
      expect(arrowColumnTypes(auto)).toEqual(arrowColumnTypes(slow))
      expect(auto.frameEqual(slow, true)).toBe(true)
    }
  })
})

describe('optional enums', () => {
  it('read back without polars panicking (a Rust backtrace on stderr) on the way', () => {
    // polars 0.24's reader panics on a nullable enum; the panic is caught, but prints. Run in a child to see stderr.
    const code = [
      "import pl from 'nodejs-polars'",
      "import { encodeAvroFrame } from './avro-frame-writer.ts'",
      "import { decodeAvroFrame } from './avro-frame-reader.ts'",
      "const role = { type: 'enum', name: 'Role', symbols: ['ADMIN', 'GUEST'] }",
      "const df = pl.DataFrame([pl.Series('role', ['ADMIN', null, 'GUEST'], pl.Utf8)])",
      "const schema = { type: 'record', name: 'R', fields: [{ name: 'role', type: ['null', role] }] }",
      "console.log(JSON.stringify(decodeAvroFrame(encodeAvroFrame(df, schema, 'null'), {}).getColumn('role').toArray()))",
    ].join('\n')
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: import.meta.dirname,
      encoding: 'utf8',
    })
    expect(child.stderr).not.toMatch(/panicked/)
    expect(child.stdout.trim()).toBe('["ADMIN",null,"GUEST"]')
  })
})

describe('avro schemas given by the caller', () => {
  const schema: AvroRecordSchema = {
    type: 'record',
    name: 'User',
    fields: [
      { name: 'id', type: 'long' },
      { name: 'role', type: { type: 'enum', name: 'Role', symbols: ['ADMIN', 'MEMBER'] } },
      { name: 'roles', type: { type: 'array', items: 'Role' } },
      { name: 'age', type: ['null', 'int'], default: null },
    ],
  }

  it('writes with the schema as given, and enums survive', async () => {
    const df = pl.DataFrame([
      pl.Series('id', [1, 2], pl.Int64),
      pl.Series('role', ['ADMIN', 'MEMBER'], pl.Categorical),
      pl.Series('roles', [['ADMIN', 'MEMBER'], []], pl.List(pl.Utf8)),
      pl.Series('age', [30, null], pl.Int32),
    ])
    await avroFormat.write(df, file('users.avro'), { avroSchema: schema })
    expect(JSON.parse(readContainerHeader(await readFile(file('users.avro'))).header.schemaJson)).toEqual(
      schema,
    )
    const back = await avroFormat.read(file('users.avro'))
    expect(back.getColumn('role').toArray()).toEqual(['ADMIN', 'MEMBER'])
    expect(back.getColumn('roles').toArray()).toEqual([['ADMIN', 'MEMBER'], []])
    await avroFormat.write(back, file('users2.avro'), { avroSchema: JSON.stringify(schema) })
    expect((await avroFormat.read(file('users2.avro'))).frameEqual(back, true)).toBe(true)
  })

  it('names the column, row and value that do not fit', async () => {
    const df = pl.DataFrame([
      pl.Series('id', [1, 2], pl.Int64),
      pl.Series('role', ['ADMIN', 'OWNER'], pl.Utf8),
      pl.Series('roles', [[], []], pl.List(pl.Utf8)),
    ])
    const write = avroFormat.write(df, file('bad.avro'), { avroSchema: schema })
    await expect(write).rejects.toThrow(FormatError)
    await expect(avroFormat.write(df, file('bad.avro'), { avroSchema: schema })).rejects.toThrow(
      /column "role", row 1: value "OWNER"/,
    )
  })

  it('refuses columns the schema does not have, and non-record schemas', async () => {
    const df = pl.DataFrame([pl.Series('id', [1], pl.Int64), pl.Series('extra', [1], pl.Int64)])
    await expect(avroFormat.write(df, file('x.avro'), { avroSchema: schema })).rejects.toThrow(/"extra"/)
    await expect(avroFormat.write(df, file('x.avro'), { avroSchema: 'long' })).rejects.toThrow(FormatError)
  })
})

describe('avro inference', () => {
  it('maps dtypes, never values', () => {
    const df = pl.DataFrame([
      pl.Series('i64', [1], pl.Int64),
      pl.Series('u32', [1], pl.UInt32),
      pl.Series('i16', [1], pl.Int16),
      pl.Series('u8', [1], pl.UInt8),
      pl.Series('f64', [1], pl.Float64),
      pl.Series('f32', [1], pl.Float32),
      pl.Series('b', [true], pl.Bool),
      pl.Series('s', ['x'], pl.Utf8),
      pl.Series('c', ['x'], pl.Categorical),
      pl.Series('t', [1], pl.Int64).cast(pl.Datetime('ns', 'Asia/Tokyo')),
      pl.Series('d', [1], pl.Int32).cast(pl.Date),
      pl.Series('l', [[1]], pl.List(pl.Int32)),
    ])
    const types = Object.fromEntries(inferAvroSchema(df).fields.map((f) => [f.name, f.type]))
    expect(types).toEqual({
      i64: ['null', 'long'],
      u32: ['null', 'long'],
      i16: ['null', 'int'],
      u8: ['null', 'int'],
      f64: ['null', 'double'],
      f32: ['null', 'float'],
      b: ['null', 'boolean'],
      s: ['null', 'string'],
      c: ['null', 'string'],
      t: ['null', { type: 'long', logicalType: 'timestamp-micros' }],
      d: ['null', { type: 'int', logicalType: 'date' }],
      l: ['null', { type: 'array', items: ['null', 'int'] }],
    })
    expect(inferAvroSchema(df).name).toBe('Record')
    expect(inferAvroSchema(df, 'Event').name).toBe('Event')
  })

  it('refuses names Avro cannot hold, naming them', async () => {
    const df = pl.DataFrame([pl.Series('my col', [1], pl.Int64)])
    await expect(avroFormat.write(df, file('names.avro'))).rejects.toThrow(/"my col"/)
    expect(() => inferAvroSchema(pl.DataFrame([pl.Series('a', [1])]), '9lives')).toThrow(/"9lives"/)
  })
})

describe('damaged avro files', () => {
  it('names a truncated file', async () => {
    await avroFormat.write(eventsFrame(), file('whole.avro'), { codec: 'deflate' })
    const bytes = await readFile(file('whole.avro'))
    const path = file('truncated.avro')
    await writeFile(path, bytes.subarray(0, bytes.length - 30))
    await expect(avroFormat.read(path)).rejects.toThrow(FormatError)
    await expect(avroFormat.read(path)).rejects.toThrow(path)
  })

  it('names a file that is not Avro', async () => {
    const path = file('not.avro')
    await writeFile(path, 'hello')
    await expect(avroFormat.read(path)).rejects.toThrow(new RegExp(`${path}.*magic`))
  })

  it('detects a corrupted snappy block', async () => {
    await avroFormat.write(eventsFrame(), file('snappy.avro'), { codec: 'snappy' })
    const bytes = Buffer.from(await readFile(file('snappy.avro')))
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 0xff
    await writeFile(file('corrupt.avro'), bytes)
    await expect(avroFormat.read(file('corrupt.avro'))).rejects.toThrow(FormatError)
  })
})
