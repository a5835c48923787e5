import { writeFile } from 'node:fs/promises'
import { parseSchema } from '@parquetframe/codegen'
import { createTable, formatForPath } from '@parquetframe/runtime'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../main.js'
import { captureIo } from '../testing/capture-io.js'
import { PEOPLE_CSV } from '../testing/sample-entity.js'
import { type TempProject, tempProject } from '../testing/temp-project.js'

const SCHEMA = `config { storage = "./data" }

entity Person @storage("people") {
  id    Int    @id
  name  String
  score Float
}
`

let project: TempProject
beforeEach(async () => {
  project = await tempProject({ 'schema.pfschema': SCHEMA, 'people.csv': PEOPLE_CSV })
  const entity = parseSchema(SCHEMA).ir?.entities[0]
  if (!entity) throw new Error('test schema does not parse')
  const table = await createTable(project.path('data/people'), { entity })
  await table.append(await formatForPath('people.csv').read(project.path('people.csv')))
})
afterEach(async () => {
  await project.dispose()
})

async function pf(args: string) {
  const io = captureIo(project.dir)
  const code = await main(args.split(' '), io)
  return { code, out: io.out(), err: io.err() }
}

const edit = (text: string) => writeFile(project.path('schema.pfschema'), text)

describe('pf migrate plan / status / apply', () => {
  it('reports an up-to-date table', async () => {
    expect(await pf('migrate plan')).toEqual({ code: 0, out: 'Person (data/people): up to date\n', err: '' })
    expect((await pf('migrate apply')).out).toContain('Nothing to apply\n')
  })

  it('plans a metadata-only change and lists it as pending', async () => {
    await edit(SCHEMA.replace('  score Float\n', '  score Float\n  nick  String?\n'))
    expect(await pf('migrate plan')).toMatchObject({
      code: 0,
      out:
        'Person (data/people): 1 change\n' +
        '  ~ Person.nick: add nick String?; existing rows read null\n' +
        'Legend: ~ metadata only, ! rewrites data, ✗ refused\n',
    })
    expect((await pf('migrate status')).out).toContain(
      'Person (data/people): version 1, 0 applied, 1 pending\n',
    )
    const apply = await pf('migrate apply')
    expect(apply.code).toBe(1)
    expect(apply.err).toContain('needs a schema-change commit (SET_SCHEMA)')
  })

  it('refuses an incompatible change with an explanation and exit 1', async () => {
    await edit(SCHEMA.replace('  score Float\n', '  score Float\n  email String\n'))
    const r = await pf('migrate plan')
    expect(r.code).toBe(1)
    expect(r.out).toContain('  ✗ Person.email: add required email String without a default')
    expect(r.err).toBe('error: 1 change is incompatible (✗ above); nothing was changed\n')
  })
})

describe('pf migrate format', () => {
  it('--dry-run reports what it would rewrite', async () => {
    const r = await pf('migrate format --entity Person --to avro --dry-run')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(
      /^Person \(data\/people\): would rewrite parquet → avro \(3 rows in 1 files, [\d.]+ (B|KiB)\)\n$/,
    )
    expect((await pf('migrate format --all --to parquet --dry-run')).out).toContain('already parquet')
  })

  it('names an unknown entity', async () => {
    expect((await pf('migrate format --entity Persn --to avro')).err).toBe(
      'error: Unknown entity "Persn". Entities in the schema: Person\n',
    )
  })
})
