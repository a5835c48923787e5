// Runtime settings in pf.config.json, as a user meets them: `pf generate` in a temp project, then an app run from
// ANOTHER working directory that creates, updates and deletes rows. `"updateMode": "copy-on-write"` in the file must
// give tables with no deletion vectors in their log (before, pf refused the key and the app never read the file);
// variables still win over the file; mistakes name the file, the key and the allowed values; an existing table
// keeps its mode and the app says so.
import { execFile } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runPf } from '../../packages/cli/src/testing/spawn-pf.js'
import {
  makeTempProject,
  removeTempProject,
} from '../../packages/codegen/src/emit/__fixtures__/compile-harness.js'

const SCHEMA = `config {
  storage = "./data"
  output  = "./src/generated"
}

entity User @storage("users") {
  id    Int    @id
  name  String
}

entity Note @storage("notes") {
  id   Int    @id
  text String
}
`

// One file of five users, then one changed by save(), one by upsert, one deleted: each would be a deletion vector
// under merge-on-read. Prints the rows the app reads back.
const APP = `import { Note, User } from './generated/index.js'

const [which] = process.argv.slice(2)
if (which === 'notes') {
  await Note.saveAll([1, 2, 3].map((id) => ({ id, text: 'n' + id })))
  await Note.deleteBy({ id: 2 })
  console.log(JSON.stringify(await Note.count()))
} else {
  await User.saveAll([1, 2, 3, 4, 5].map((id) => ({ id, name: 'u' + id })))
  const two = await User.find(2)
  if (!two) throw new Error('user 2 not found')
  two.name = 'two'
  await two.save()
  await User.upsert({ id: 3, name: 'three' })
  await User.deleteBy({ id: 4 })
  const rows = (await User.findAll()).map((u) => ({ id: u.id, name: u.name })).sort((a, b) => a.id - b.id)
  console.log(JSON.stringify(rows))
}
`

const EXPECTED = [
  { id: 1, name: 'u1' },
  { id: 2, name: 'two' },
  { id: 3, name: 'three' },
  { id: 5, name: 'u5' },
]

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

/** Runs the app as a user would (node + tsx, workspace sources) from `cwd`; its exit, stdout and stderr. */
async function runApp(
  dir: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env }
  for (const name of Object.keys(childEnv))
    if (name.startsWith('PARQUETFRAME_') && !(name in env)) delete childEnv[name]
  delete childEnv.NODE_OPTIONS
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@parquetframe/source', '--import', TSX, join(dir, 'src/app.ts'), ...args],
      { cwd: join(dir, 'elsewhere'), env: childEnv },
    )
    return { ok: true, stdout, stderr }
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    return { ok: false, stdout, stderr }
  }
}

interface LogAction {
  protocol?: { readerFeatures?: string[]; writerFeatures?: string[] }
  metaData?: { configuration?: Record<string, string> }
  add?: { path: string; deletionVector?: unknown }
  remove?: { path: string }
}

/** Every action of the table's JSON commits, in order, read as an outside Delta reader would. */
function logActions(table: string): LogAction[] {
  const dir = join(table, '_delta_log')
  return readdirSync(dir)
    .filter((n) => /^\d{20}\.json$/.test(n))
    .sort()
    .flatMap((n) =>
      readFileSync(join(dir, n), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as LogAction),
    )
}

/** The live files by the log (add/remove replayed), read by DuckDB with nothing else applied. */
async function plainReaderRows(table: string): Promise<unknown[]> {
  const live = new Set<string>()
  for (const a of logActions(table)) {
    if (a.remove) live.delete(a.remove.path)
    if (a.add) live.add(a.add.path)
  }
  const list = [...live].map((p) => `'${join(table, decodeURIComponent(p)).replaceAll("'", "''")}'`)
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  try {
    const read = await duck.runAndReadAll(
      `select cast(id as integer) as id, name from read_parquet([${list.join(', ')}]) order by id`,
    )
    return read.getRowObjectsJS()
  } finally {
    duck.closeSync()
  }
}

const hasVectors = (table: string) =>
  logActions(table).some(
    (a) =>
      a.add?.deletionVector != null ||
      (a.protocol?.readerFeatures ?? []).includes('deletionVectors') ||
      (a.protocol?.writerFeatures ?? []).includes('deletionVectors'),
  )

const writeConfig = (dir: string, config: object) =>
  writeFileSync(join(dir, 'pf.config.json'), `${JSON.stringify(config, null, 2)}\n`)

let dir: string
beforeAll(() => {
  dir = makeTempProject('pf-config-runtime-')
  writeFileSync(join(dir, 'schema.pfschema'), SCHEMA)
  mkdirSync(join(dir, 'src'))
  writeFileSync(join(dir, 'src/app.ts'), APP)
  mkdirSync(join(dir, 'elsewhere'))
  writeConfig(dir, { schema: './schema.pfschema', updateMode: 'copy-on-write' })
})
afterAll(() => removeTempProject(dir))

describe('"updateMode": "copy-on-write" in pf.config.json', () => {
  it('pf generate accepts it and the generated modules declare the file', async () => {
    const generated = await runPf(['generate'], { cwd: dir })
    expect(generated).toMatchObject({ code: 0, stderr: '' })
    const user = readFileSync(join(dir, 'src/generated/user.ts'), 'utf8')
    expect(user).toContain("declareProjectConfig(new URL('../../pf.config.json', import.meta.url))")
  })

  it('the app, run from another directory, creates tables whose log has no deletion vectors after updates and deletes', async () => {
    const run = await runApp(dir, ['users'])
    expect(run).toMatchObject({ ok: true, stderr: '' })
    expect(JSON.parse(run.stdout)).toEqual(EXPECTED)
    const table = join(dir, 'data/users')
    expect(hasVectors(table)).toBe(false)
    expect(readdirSync(table).filter((n) => n.startsWith('deletion_vector_'))).toEqual([])
    expect(logActions(table).some((a) => a.remove !== undefined)).toBe(true) // the changes rewrote files
    expect(await plainReaderRows(table)).toEqual(EXPECTED)
  })

  it('a variable still wins over the file: PARQUETFRAME_UPDATE_MODE=merge-on-read gives a table with vectors', async () => {
    const run = await runApp(dir, ['notes'], { PARQUETFRAME_UPDATE_MODE: 'merge-on-read' })
    expect(run).toMatchObject({ ok: true, stdout: '2\n' })
    expect(hasVectors(join(dir, 'data/notes'))).toBe(true)
  })

  it('an existing table keeps its mode, and the app warns naming the table and the file', async () => {
    writeConfig(dir, { schema: './schema.pfschema', updateMode: 'merge-on-read' })
    try {
      const run = await runApp(dir, ['notes'])
      expect(run.ok).toBe(true)
      expect(run.stderr).toBe('')
      writeConfig(dir, { schema: './schema.pfschema', updateMode: 'copy-on-write' })
      const again = await runApp(dir, ['notes'])
      expect(again.ok).toBe(true)
      expect(again.stderr).toBe(
        `parquetframe: warning: ${join(dir, 'data/notes')} keeps the updateMode it was created with, ` +
          `'merge-on-read'; 'copy-on-write' (from ${join(dir, 'pf.config.json')}) applies only to tables created from now on\n`,
      )
    } finally {
      writeConfig(dir, { schema: './schema.pfschema', updateMode: 'copy-on-write' })
    }
  })
})

describe('mistakes in pf.config.json', () => {
  it('pf and the app name the file, the key with a "did you mean", and the allowed values', async () => {
    try {
      writeConfig(dir, { schema: './schema.pfschema', updatMode: 'copy-on-write' })
      const typo = await runPf(['generate'], { cwd: dir })
      expect(typo.code).toBe(1)
      expect(typo.stderr).toContain(
        'error: pf.config.json: unknown key "updatMode". Did you mean "updateMode"?',
      )
      const app = await runApp(dir, ['users'])
      expect(app.ok).toBe(false)
      expect(app.stderr).toContain(
        `${join(dir, 'pf.config.json')}: unknown key "updatMode". Did you mean "updateMode"?`,
      )

      writeConfig(dir, { schema: './schema.pfschema', updateMode: 'cow' })
      const bad = await runPf(['generate'], { cwd: dir })
      expect(bad.code).toBe(1)
      expect(bad.stderr).toContain(
        `error: pf.config.json: Invalid value for configuration key "updateMode": "cow" (expected 'merge-on-read' or 'copy-on-write')`,
      )
    } finally {
      writeConfig(dir, { schema: './schema.pfschema', updateMode: 'copy-on-write' })
    }
  })
})

describe('pf applies the runtime settings of pf.config.json too', () => {
  it('pf inspect explains the engine the file sets, below PARQUETFRAME_ENGINE', async () => {
    writeConfig(dir, { schema: './schema.pfschema', updateMode: 'copy-on-write', engine: 'partitioned' })
    try {
      const file = join(
        'data/users',
        readdirSync(join(dir, 'data/users')).find((n) => n.endsWith('.parquet'))!,
      )
      const fromFile = await runPf(['inspect', file], { cwd: dir })
      expect(fromFile.code).toBe(0)
      expect(fromFile.stdout).toMatch(/partitioned/)
      expect(fromFile.stdout).toContain(`engine set in ${join(dir, 'pf.config.json')}`)
      const fromEnv = await runPf(['inspect', file], { cwd: dir, env: { PARQUETFRAME_ENGINE: 'eager' } })
      expect(fromEnv.stdout).toContain('PARQUETFRAME_ENGINE=eager')
    } finally {
      writeConfig(dir, { schema: './schema.pfschema', updateMode: 'copy-on-write' })
    }
  })
})
