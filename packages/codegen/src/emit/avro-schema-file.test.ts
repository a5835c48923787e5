// The generated `.avsc` of an Avro entity is the schema the runtime really writes into its data files.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Entity, type EntityClass, openStore, type SchemaIR } from '@parquetframe/runtime'
import { readContainerHeader } from '@parquetframe/runtime/internal'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kitchenSinkIR } from './__fixtures__/kitchen-sink-ir.js'
import { registerClasses } from './__fixtures__/registered-classes.js'
import { SAMPLES } from './__fixtures__/samples.js'
import { avroSchemaFileName } from './avro-schema-emitter.js'
import { generate } from './generate.js'

let dir = ''
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pf-avsc-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Data files (recursively, hive folders included) of a table directory. */
function dataFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.avro'))
    .map((f) => join(root, f))
}

describe('generated .avsc files', () => {
  it('samples-blog: posts.avsc equals the header schema of a Post data file', async () => {
    const ir = SAMPLES.get('samples-blog') as SchemaIR
    const post = ir.entities.find((e) => e.name === 'Post')
    expect(post?.format).toBe('avro')
    const emitted = generate(ir).get(avroSchemaFileName(post as never)) as string
    const classes = registerClasses(ir)
    const store = openStore(join(dir, 'blog'))
    await store.repository(classes.get('Post') as EntityClass<Entity>).saveAll([
      { id: 1n, authorId: 1, title: 'Hello', body: 'text', rating: '4.5', publishedOn: '2024-02-29' },
      { id: 2n, authorId: 1, title: 'Draft', body: 'more', status: 'PUBLISHED' },
    ] as never)
    const files = dataFiles(join(dir, 'blog', post?.storage as string))
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const { header } = readContainerHeader(readFileSync(file))
      expect(JSON.parse(header.schemaJson)).toEqual(JSON.parse(emitted))
    }
  })

  it('every field type (kitchen sink Sample as an Avro table): the same schema, and the values round-trip', async () => {
    const ir: SchemaIR = {
      ...kitchenSinkIR,
      entities: kitchenSinkIR.entities.map((e) => ({ ...e, format: 'avro' as const })),
    }
    const entity = ir.entities.find((e) => e.name === 'Sample')
    const emitted = JSON.parse(generate(ir).get(avroSchemaFileName(entity as never)) as string)
    const classes = registerClasses(ir)
    const repo = openStore(join(dir, 'sink')).repository(classes.get('Sample') as EntityClass<Entity>)
    const full = {
      big: 2n ** 62n,
      ratio: 0.25,
      price: '12.30',
      label: 'all',
      flag: true,
      at: new Date('2024-02-29T12:34:56.789Z'),
      day: '2024-02-29',
      meta: { a: [1, null, 'x'] },
      blob: new Uint8Array([0, 1, 254, 255]),
      status: 'LIVE',
      colors: ['red', 'green'],
      scores: [1.5],
      ownerId: 7,
    }
    const saved = (await repo.saveAll([
      full,
      { big: 1n, price: '0', label: 'minimal', at: new Date(0), colors: [] },
    ] as never)) as unknown as Record<string, unknown>[]
    const files = dataFiles(join(dir, 'sink', entity?.storage as string))
    expect(files.length).toBe(2) // partitioned by status
    for (const file of files) {
      const { header } = readContainerHeader(readFileSync(file))
      expect(JSON.parse(header.schemaJson)).toEqual(emitted)
    }
    // Decimal is Avro bytes with the decimal logical type, Bytes plain bytes (they were text before).
    const typeOf = (name: string) =>
      (emitted as { fields: { name: string; type: unknown }[] }).fields.find((f) => f.name === name)?.type
    expect(typeOf('price')).toEqual({ type: 'bytes', logicalType: 'decimal', precision: 38, scale: 18 })
    expect(typeOf('blob')).toEqual(['null', 'bytes'])
    const back = (await repo.find(saved[0]?.id as never)) as unknown as Record<string, unknown>
    // A bare Decimal is Decimal(38, 18): it reads back with 18 fraction digits.
    expect({ ...back }).toEqual({ ...full, price: '12.300000000000000000', id: saved[0]?.id, count: 1 })
    expect(back.blob).toBeInstanceOf(Uint8Array)
  })
})
