import { readFile, writeFile } from 'node:fs/promises'
import { openTable } from '@parquetframe/runtime'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../main.js'
import { captureIo } from '../testing/capture-io.js'
import { peopleProject, PEOPLE_SCHEMA as SCHEMA } from '../testing/people-project.js'
import { runMain } from '../testing/run-main.js'
import type { TempProject } from '../testing/temp-project.js'

let project: TempProject
beforeEach(async () => {
  project = await peopleProject()
})
afterEach(async () => {
  await project.dispose()
})

function pf(args: string, env: Record<string, string> = {}) {
  return runMain(project.dir, args.split(' '), env)
}

const edit = (text: string) => writeFile(project.path('schema.pfschema'), text)

describe('pf migrate plan / status / apply', () => {
  it('reports an up-to-date table', async () => {
    expect(await pf('migrate plan')).toEqual({ code: 0, out: 'Person (data/people): up to date\n', err: '' })
    expect((await pf('migrate apply')).out).toContain('Nothing to apply\n')
  })

  it('plans a metadata-only change, applies it, and lists it as applied', async () => {
    await edit(SCHEMA.replace('  score Float\n', '  score Float\n  nick  String?\n'))
    expect(await pf('migrate plan')).toMatchObject({
      code: 0,
      out:
        'Person (data/people): 1 change\n' +
        '  ~ Person.nick: add nick String?; existing rows read null\n' +
        'Legend: ~ metadata only, ! rewrites data, ✗ refused\n',
    })
    expect((await pf('migrate status')).out).toBe(
      'Person (data/people): version 1, 0 applied, 1 pending\n' +
        '  pending  ~ Person.nick: add nick String?; existing rows read null\n',
    )
    const apply = await pf('migrate apply')
    expect(apply).toMatchObject({ code: 0, err: '' })
    expect(apply.out).toContain('Person (data/people): applied 1 schema change (metadata only); version 2\n')
    expect((await pf('migrate plan')).out).toBe('Person (data/people): up to date\n')
    const status = await pf('migrate status')
    expect(status.out).toMatch(
      /^Person \(data\/people\): version 2, 1 applied, 0 pending\n {2}applied {2}v2 {2}\S+Z {2}SET_SCHEMA\n {4}Person\.nick: add nick String\?; existing rows read null\n$/,
    )
    const table = await openTable(project.path('data/people'))
    expect((await table.read()).getColumn('nick').nullCount()).toBe(3)
    expect((await pf('migrate apply')).out).toContain('Nothing to apply\n')
  })

  it('applies a default-filled field, an @map rename and a widening; readers see old rows through them', async () => {
    await edit(
      SCHEMA.replace('  name  String\n', '  fullName String @map("name")\n')
        .replace('  id    Int    @id\n', '  id    Int    @id\n  level Int    @default(1)\n')
        .replace('  score Float\n', '  score Float\n  bonus Int? \n'),
    )
    const plan = await pf('migrate plan')
    expect(plan.out).toContain(
      '  ~ Person.fullName: rename name to fullName (column "name" keeps its data)\n',
    )
    // Delta readers know no defaults for existing rows: the default is written into the old files.
    expect(plan.out).toContain(
      '  ! Person.level: add level Int; existing rows read its default (written into their files: Delta readers know no defaults for existing rows)\n',
    )
    const apply = await pf('migrate apply')
    expect(apply.code).toBe(0)
    expect(apply.out).toMatch(
      /applied 3 schema changes \(data rewritten, 3 rows in 1 file → 1 file, verified .*\); version 2\n/,
    )
    const table = await openTable(project.path('data/people'))
    // Tables hold storage columns: fullName is stored as "name" (@map).
    const rows = (await table.read()).sort('id').select('id', 'name', 'level', 'bonus').toRecords()
    expect(rows[0]).toEqual({ id: 1, name: 'Alice', level: 1, bonus: null })
    expect(table.metadata.entity.fields.find((f) => f.column === 'name')?.name).toBe('fullName')
    // Widen bonus Int? → Float?: a verified rewrite in the same kind of commit.
    const text = (await readFile(project.path('schema.pfschema'), 'utf8')).replace(
      'bonus Int?',
      'bonus Float?',
    )
    await edit(text)
    expect((await pf('migrate plan')).out).toContain(
      '  ! Person.bonus: widen Int → Float (rewrites the data)\n',
    )
    const widen = await pf('migrate apply')
    expect(widen.out).toMatch(
      /applied 1 schema change \(data rewritten, 3 rows in 1 file → 1 file, verified \(rows and checksum [0-9a-f]{16} match\)\); version 3\n/,
    )
    expect(widen.err).toBe(
      'Person schema: rewriting 1 file (3 rows)…\nPerson schema: rewrote 1 file (3 rows)\n',
    )
    expect((await pf('migrate status')).out).toContain('2 applied, 0 pending')
  })

  it('applies a format change written in the schema', async () => {
    await edit(
      SCHEMA.replace(
        'entity Person @storage("people") {',
        'entity Person @storage("people") @format(avro) {',
      ),
    )
    expect((await pf('migrate plan')).out).toContain(
      '  ! Person: storage format changes from parquet to avro (rewrites the data, as "pf migrate format --entity Person --to avro")\n',
    )
    const apply = await pf('migrate apply')
    expect(apply.out).toContain('Person (data/people): parquet → avro, 3 rows in 1 file → 1 file, verified')
    expect((await openTable(project.path('data/people'))).metadata.format).toBe('avro')
    expect((await pf('migrate status')).out).toContain('SET_FORMAT\n    format parquet → avro\n')
    // Back to Parquet through the schema: the Avro feature is dropped too, and the output says so.
    await edit(SCHEMA)
    const back = await pf('migrate apply')
    expect(back.out).toContain('Person (data/people): avro → parquet, 3 rows in 1 file → 1 file, verified')
    expect(back.out).toMatch(
      /\n {2}dropped the Avro reader feature at version \d+: .* time travel to earlier versions is no longer possible\n$/,
    )
  })

  it('refuses an incompatible change with an explanation and exit 1', async () => {
    await edit(SCHEMA.replace('  score Float\n', '  score Float\n  email String\n'))
    const r = await pf('migrate plan')
    expect(r.code).toBe(1)
    expect(r.out).toContain('  ✗ Person.email: add required email String without a default')
    expect(r.err).toBe('error: 1 change is incompatible (✗ above); nothing was changed\n')
    const apply = await pf('migrate apply')
    expect(apply.code).toBe(1)
    expect(apply.err).toBe('error: 1 change is incompatible (✗ above); nothing was changed\n')
    expect((await openTable(project.path('data/people'))).version).toBe(1)
  })
})

describe('pf migrate format', () => {
  it('--dry-run reports what it would rewrite', async () => {
    const r = await pf('migrate format --entity Person --to avro --dry-run')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(
      /^Person \(data\/people\): would rewrite parquet → avro \(3 rows in 1 file, [\d.]+ (B|KiB)\)\n$/,
    )
    expect((await pf('migrate format --all --to parquet --dry-run')).out).toContain('already parquet')
    expect((await openTable(project.path('data/people'))).metadata.format).toBe('parquet')
  })

  it('rewrites Parquet → Avro → Parquet, verified, with progress lines off a terminal', async () => {
    const before = (await (await openTable(project.path('data/people'))).read()).toRecords()
    const toAvro = await pf('migrate format --entity Person --to avro')
    expect(toAvro).toMatchObject({ code: 0 })
    expect(toAvro.out).toMatch(
      /^Person \(data\/people\): parquet → avro, 3 rows in 1 file → 1 file, verified \(rows and checksum [0-9a-f]{16} match\); version 2\n$/,
    )
    expect(toAvro.err).toBe(
      'Person parquet → avro: rewriting 1 file (3 rows)…\nPerson parquet → avro: rewrote 1 file (3 rows)\n',
    )
    const table = await openTable(project.path('data/people'))
    expect(table.metadata.format).toBe('avro')
    expect((await table.read()).toRecords()).toEqual(before)
    const back = await pf('migrate format --all --to parquet', { PARQUETFRAME_PROGRESS: '0' })
    expect(back.out).toContain('avro → parquet')
    // Back to Parquet drops the Avro reader feature, and says that the history before it is gone.
    const drop =
      /dropped the Avro reader feature at version (\d+): other Delta engines read the table now; the log before version \1 was moved to data\/people\/_pf\/dropped-history\/\1, time travel to earlier versions is no longer possible\n$/
    expect(back.out).toMatch(drop)
    const dropVersion = Number(drop.exec(back.out)?.[1])
    expect(dropVersion).toBe((await openTable(project.path('data/people'))).version)
    // The history before the drop is gone: status lists the drop, with what it did.
    expect((await pf('migrate status')).out).toBe(
      `Person (data/people): version ${dropVersion}, 1 applied, 0 pending\n` +
        `  applied  v${dropVersion}  ${(await (await openTable(project.path('data/people'))).history())[0]?.timestamp.toISOString()}  DROP_FEATURE\n` +
        '    reader feature pfAvroDataFiles dropped; history before this version removed\n',
    )
    expect(back.err).toBe('')
    expect((await pf('migrate format --all --to parquet')).out).toContain('Nothing to migrate')
  })

  it('draws a bar on a terminal and stays quiet with PARQUETFRAME_QUIET', async () => {
    const tty = captureIo(project.dir, {}, { tty: true })
    expect(await main(['migrate', 'format', '--entity', 'Person', '--to', 'avro'], tty)).toBe(0)
    // One file: no percentage that could only jump 0% → 100%; the line says what runs, then that it is done.
    expect(tty.err()).toBe(
      '\rPerson parquet → avro: rewriting 1 file (3 rows)…\x1b[K\rPerson parquet → avro: rewrote 1 file (3 rows)\x1b[K\n',
    )
    expect(tty.err().endsWith('\n')).toBe(true)
    const quiet = captureIo(project.dir, { PARQUETFRAME_QUIET: '1' }, { tty: true })
    expect(await main(['migrate', 'format', '--entity', 'Person', '--to', 'parquet'], quiet)).toBe(0)
    expect(quiet.err()).toBe('')
  })

  it('stops before committing when interrupted', async () => {
    const controller = new AbortController()
    controller.abort()
    const io = captureIo(project.dir, {}, { signal: controller.signal })
    expect(await main(['migrate', 'format', '--entity', 'Person', '--to', 'avro'], io)).toBe(1)
    expect(io.err()).toContain('stopped after 0 of 1 files; nothing was committed')
    expect((await openTable(project.path('data/people'))).metadata.format).toBe('parquet')
  })

  it('names an unknown entity and the near one', async () => {
    expect((await pf('migrate format --entity Persn --to avro')).err).toBe(
      'error: Unknown entity "Persn". Did you mean "Person"? Entities in the schema: Person\n',
    )
    expect((await pf('migrate format --entity Person,Zzz --to avro')).err).toBe(
      'error: Unknown entity "Zzz". Entities in the schema: Person\n',
    )
    expect((await openTable(project.path('data/people'))).metadata.format).toBe('parquet')
  })

  it('refuses an --entity that names no entity instead of migrating every table', async () => {
    const refused = await pf('migrate format --entity , --to avro')
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('Option --entity names no entity: ","')
    expect((await openTable(project.path('data/people'))).metadata.format).toBe('parquet')
  })
})
