// Avro tables store Decimal(p, s) as Avro `bytes` with logical type `decimal` and Bytes as `bytes`, read back
// exactly; tables written before (their Delta schema says `string`) keep reading and writing text until a rewrite of
// every file stores bytes.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import avsc from 'avsc'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import { avroSchemaForEntity } from '../format/avro-entity-schema.js'
import { avroFormat } from '../format/avro-format.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { createTable, openTable } from './table.js'

const tmp = useTempDir('pf-avro-bytes-storage-')

const entity = entityIRFor(
  'Item',
  { id: 'Int', price: 'Decimal(38,18)', small: 'Decimal(5,2)?', blob: 'Bytes?', prices: 'Decimal(10,2)[]?' },
  { format: 'avro' },
)

const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64')
const frame = () =>
  pl.DataFrame([
    pl.Series('id', [1, 2, 3, 4], pl.Int64),
    pl.Series(
      'price',
      [
        '99999999999999999999.999999999999999999',
        '-99999999999999999999.999999999999999999',
        '0.000000000000000001',
        '-0.500000000000000000',
      ],
      pl.Utf8,
    ),
    pl.Series('small', ['-128.00', '127.99', null, '0.00'], pl.Utf8),
    pl.Series('blob', [b64([0, 1, 254, 255]), b64([]), null, b64([128])], pl.Utf8),
    pl.Series('prices', [['1.50', '-2.25'], [], null, ['0.01']], pl.List(pl.Utf8)),
  ])

/** The writer schema and records of an Avro data file, decoded by avsc (independent of pf's reader). */
async function avroFile(path: string): Promise<{ schema: unknown; records: Record<string, unknown>[] }> {
  const records: Record<string, unknown>[] = []
  let schema: unknown
  await new Promise<void>((resolve, reject) => {
    avsc
      .createFileDecoder(path)
      .on('metadata', (_type: avsc.Type, _codec: string, header: { meta: Record<string, Buffer> }) => {
        // The header's schema text: avsc's own Type drops logical types it does not implement.
        schema = JSON.parse(String(header.meta['avro.schema']))
      })
      .on('data', (r: Record<string, unknown>) => records.push(r))
      .on('end', resolve)
      .on('error', reject)
  })
  return { schema, records }
}

const dataFiles = (root: string) => readdirSync(root).filter((f) => f.endsWith('.avro'))
const fieldType = (schema: unknown, name: string) =>
  (schema as { fields: { name: string; type: unknown }[] }).fields.find((f) => f.name === name)?.type
const sorted = async (table: { read(): Promise<pl.DataFrame> }) => (await table.read()).sort('id')

describe('Avro tables store Decimal and Bytes as Avro bytes', () => {
  it('decimal logical type and bytes in the files; every value reads back exactly', async () => {
    const root = join(tmp.dir, 'items')
    const table = await createTable(root, { entity, enums: [], format: 'avro' })
    await table.append(frame())
    const [file] = dataFiles(root)
    const { schema, records } = await avroFile(join(root, file as string))
    expect(fieldType(schema, 'price')).toEqual({
      type: 'bytes',
      logicalType: 'decimal',
      precision: 38,
      scale: 18,
    })
    expect(fieldType(schema, 'blob')).toEqual(['null', 'bytes'])
    const byId = new Map(records.map((r) => [Number(r.id), r]))
    expect(byId.get(1)?.blob).toEqual(Buffer.from([0, 1, 254, 255]))
    // -0.5 at scale 18: the unscaled -5·10^17 as big-endian two's complement.
    const unscaled = byId.get(4)?.price as Buffer
    expect(BigInt.asIntN(unscaled.length * 8, BigInt(`0x${unscaled.toString('hex')}`))).toBe(
      -(5n * 10n ** 17n),
    )
    expect((await sorted(table)).toRecords()).toEqual(frame().toRecords())
    const reopened = await openTable(root)
    expect((await sorted(reopened)).toRecords()).toEqual(frame().toRecords())
  })

  it('a table written before bytes storage keeps reading and writing text until pf rewrites its files', async () => {
    const root = join(tmp.dir, 'old')
    await createTable(root, { entity, enums: [], format: 'avro' })
    // What an older pf wrote: the Delta schema says string for the Decimal/Bytes fields, the files hold text.
    const textStored = new Set(['price', 'small', 'blob', 'prices'])
    const file = 'part-old.avro'
    await avroFormat.write(frame(), join(root, file), {
      avroSchema: avroSchemaForEntity(entity, [], { textStored }),
    })
    const log = join(root, '_delta_log')
    const first = readFileSync(join(log, '00000000000000000000.json'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, Record<string, unknown>>)
    const meta = first.find((a) => a.metaData)?.metaData as Record<string, unknown>
    const schema = JSON.parse(String(meta.schemaString)) as { fields: { name: string; type: unknown }[] }
    for (const f of schema.fields) {
      if (f.name === 'prices') f.type = { type: 'array', elementType: 'string', containsNull: false }
      else if (textStored.has(f.name)) f.type = 'string'
    }
    const size = readFileSync(join(root, file)).length
    // Null counts name every column the file holds (pf reads a column without statistics as absent).
    const STATS = JSON.stringify({
      numRecords: 4,
      nullCount: { id: 0, price: 0, small: 1, blob: 1, prices: 1 },
      minValues: { id: 1 },
      maxValues: { id: 4 },
    })
    const commit = [
      { commitInfo: { timestamp: Date.now(), operation: 'WRITE', readVersion: 0 } },
      { metaData: { ...meta, schemaString: JSON.stringify(schema) } },
      {
        add: {
          path: file,
          partitionValues: {},
          size,
          modificationTime: Date.now(),
          dataChange: true,
          stats: STATS,
        },
      },
    ]
    writeFileSync(
      join(log, '00000000000000000001.json'),
      `${commit.map((a) => JSON.stringify(a)).join('\n')}\n`,
    )

    const old = await openTable(root)
    expect((await sorted(old)).toRecords()).toEqual(frame().toRecords())
    // New rows go into text files too: one physical type per column.
    const more = frame().withColumns(pl.col('id').add(pl.lit(10).cast(pl.Int64)))
    await old.append(more)
    const added = dataFiles(root).filter((f) => f !== file)
    expect(added).toHaveLength(1)
    expect(fieldType((await avroFile(join(root, added[0] as string))).schema, 'price')).toBe('string')
    const all = pl.concat([frame(), more]).sort('id').toRecords()
    expect((await sorted(old)).toRecords()).toEqual(all)

    // Rewriting the files (same format) stores bytes, and the Delta schema says decimal/binary again.
    await old.rewriteFormat('avro')
    const live = (await old.snapshot()).files.map((f) => f.add.path)
    expect(live.every((p) => p !== file && !added.includes(p))).toBe(true)
    for (const path of live)
      expect(fieldType((await avroFile(join(root, path))).schema, 'price')).toEqual({
        type: 'bytes',
        logicalType: 'decimal',
        precision: 38,
        scale: 18,
      })
    expect((await sorted(await openTable(root))).toRecords()).toEqual(all)
    expect((await old.snapshot()).metadata.textStoredFields).toBeUndefined()
  })
})
