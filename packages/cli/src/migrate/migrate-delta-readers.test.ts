// `pf migrate` as other engines see it: after each applied step a reader that follows only the Delta protocol
// (test/delta/spec-delta-reader.ts) reads the same rows as pf, or refuses an Avro table rather than misread it.
import { writeFile } from 'node:fs/promises'
import { openTable } from '@parquetframe/runtime'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectSameRowsAt } from '../../../../test/delta/pf-agreement.js'
import { SpecDeltaReader } from '../../../../test/delta/spec-delta-reader.js'
import { SpecOracleError } from '../../../../test/delta/spec-oracle-error.js'
import { main } from '../main.js'
import { captureIo } from '../testing/capture-io.js'
import { peopleProject, PEOPLE_SCHEMA as SCHEMA } from '../testing/people-project.js'
import type { TempProject } from '../testing/temp-project.js'

let project: TempProject
let oracle: SpecDeltaReader
beforeAll(async () => {
  oracle = await SpecDeltaReader.open()
  project = await peopleProject()
})
afterAll(async () => {
  oracle.close()
  await project.dispose()
})

async function apply(schema: string): Promise<string> {
  await writeFile(project.path('schema.pfschema'), schema)
  const io = captureIo(project.dir, {})
  const code = await main(['migrate', 'apply'], io)
  expect(code, io.err()).toBe(0)
  return io.out()
}

async function agree(step: string) {
  const root = project.path('data/people')
  const table = await openTable(root)
  return expectSameRowsAt(oracle, table, root, table.version, step)
}

describe('pf migrate apply, read by a Delta reader after each step', () => {
  it('@map rename, drop, defaulted add, re-added name, widening, then Avro', async () => {
    await agree('created')
    let schema = SCHEMA.replace('  name  String\n', '  fullName String @map("name")\n')
    await apply(schema)
    await agree('@map rename')
    schema = schema.replace('  score Float\n', '  level Int @default(3)\n')
    expect(await apply(schema)).toContain('data rewritten')
    const added = await agree('drop score, add level with a default')
    expect(added.mode).toBe('name')
    expect(new Set(added.rows.map((r) => r.level))).toEqual(new Set([3n]))
    expect(added.fields.map((f) => f.name)).toEqual(['id', 'name', 'level'])
    schema = schema.replace('  level Int @default(3)\n', '  level Int @default(3)\n  score String?\n')
    await apply(schema)
    const readded = await agree('score added again as a String')
    expect(readded.rows.every((r) => r.score === null)).toBe(true)
    schema = schema.replace('  level Int @default(3)\n', '  level Float @default(3)\n')
    await apply(schema)
    await agree('level widened to Float')
    await apply(schema.replace('@storage("people")', '@storage("people") @format(avro)'))
    const error = await oracle.read(project.path('data/people')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SpecOracleError)
    expect((error as SpecOracleError).code).toBe('unsupported-reader-feature')
    // `pf migrate format --to parquet` makes it a plain Delta table again: no pf reader feature left.
    const io = captureIo(project.dir, {})
    expect(await main(['migrate', 'format', '--all', '--to', 'parquet'], io), io.err()).toBe(0)
    expect(io.out()).toContain('dropped the Avro reader feature')
    const plain = await agree('back to Parquet')
    expect(plain.snapshot.protocol.readerFeatures ?? []).not.toContain('pfAvroDataFiles')
    expect(plain.snapshot.protocol.writerFeatures ?? []).not.toContain('pfAvroDataFiles')
  }, 180_000)
})
