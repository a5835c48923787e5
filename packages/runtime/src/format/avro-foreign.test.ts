import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import avsc from 'avsc'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { read } from '../frame/read-frame.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pf-avro-foreign-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Writes an Avro container file with avsc (as Java and fastavro write them: any schema, not only records). */
function writeAvro(name: string, schema: unknown, values: unknown[]): Promise<string> {
  const path = join(dir, name)
  return new Promise((done, fail) => {
    const encoder = avsc.createFileEncoder(path, avsc.Type.forSchema(schema as avsc.Schema))
    encoder.on('error', fail)
    encoder.on('finish', () => setTimeout(() => done(path), 50))
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
})
