import { readFile, writeFile } from 'node:fs/promises'
import { createTable, formatForPath, getFormat } from '@parquetframe/runtime'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runMain } from '../testing/run-main.js'
import { PEOPLE_CSV as CSV, PERSON_ENTITY } from '../testing/sample-entity.js'
import { type TempProject, tempProject } from '../testing/temp-project.js'

let project: TempProject
beforeEach(async () => {
  project = await tempProject({ 'data/people.csv': CSV })
  // Frames come from the runtime's own readers, so this package needs no polars import.
  const df = await formatForPath('people.csv').read(project.path('data/people.csv'))
  await getFormat('parquet').write(df, project.path('data/people.parquet'))
})
afterEach(async () => {
  await project.dispose()
})

function pf(args: string, env: Record<string, string> = {}) {
  return runMain(project.dir, args.split(' '), env)
}

describe('pf inspect FILE', () => {
  it('describes a Parquet file: format, size, rows, columns and types', async () => {
    const r = await pf('inspect data/people.parquet')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(
      /^data\/people\.parquet\n {2}format {3}parquet\n {2}size {5}[\d.]+ (B|KiB) \([\d,]+ bytes\)\n {2}rows {5}3\n/,
    )
    expect(r.out).toContain('  columns  3\n    id     Int64\n    name   String\n    score  Float64\n')
    expect(r.out).toMatch(
      /\n {2}engine {3}eager — estimated in-memory size .+ < eagerThresholdMB \(100 MiB\)\n$/,
    )
  })

  it('prints JSON with --json', async () => {
    const r = await pf('inspect data/people.csv --json')
    const info = JSON.parse(r.out)
    expect(info).toMatchObject({
      kind: 'file',
      path: 'data/people.csv',
      format: 'csv',
      sizeBytes: CSV.length,
      rows: 3,
      columns: [
        { name: 'id', type: 'Int64' },
        { name: 'name', type: 'String' },
        { name: 'score', type: 'Float64' },
      ],
      engine: { engine: 'eager' },
    })
  })

  it('names a missing path, an unsupported file and a folder that is not a table', async () => {
    expect(await pf('inspect nope.parquet')).toMatchObject({
      code: 1,
      err: 'error: File or directory not found: nope.parquet\n',
    })
    const unsupported = await pf('inspect data')
    expect(unsupported.code).toBe(1)
    expect(unsupported.err).toContain('data is a folder but not a table (no _delta_log/ inside)')
  })
})

describe('pf inspect TABLE', () => {
  it('describes a table: format, versions, files, rows, schema and history', async () => {
    const df = await formatForPath('people.csv').read(project.path('data/people.csv'))
    const table = await createTable(project.path('tables/people'), { entity: PERSON_ENTITY })
    await table.append(df)
    await table.deleteKeys([2])
    const r = await pf('inspect tables/people')
    expect(r.code).toBe(0)
    expect(r.out).toContain(
      'tables/people (table of Person)\n  format     parquet\n  version    2 (3 versions)\n  rows       2\n',
    )
    expect(r.out).toMatch(/ {2}files {6}1 live, [\d.]+ (B|KiB)\n {2}key {8}id\n/)
    expect(r.out).toContain('  columns    3\n    id     Int\n    name   String\n    score  Float\n')
    expect(r.out).toMatch(/ {4}v0 .* CREATE .*\n {4}v1 .* APPEND {6}\+3 -0\n {4}v2 .* DELETE {6}\+0 -1\n$/)

    const json = JSON.parse((await pf('inspect tables/people --json')).out)
    expect(json).toMatchObject({ kind: 'table', entity: 'Person', format: 'parquet', version: 2, rows: 2 })
    expect(json.files).toHaveLength(1)
    expect(json.history.map((h: { operation: string }) => h.operation)).toEqual([
      'CREATE',
      'APPEND',
      'DELETE',
    ])
  })
  it('a damaged log is a user-facing error naming the entry and version (exit 1), not an internal error', async () => {
    const df = await formatForPath('people.csv').read(project.path('data/people.csv'))
    const table = await createTable(project.path('tables/people'), { entity: PERSON_ENTITY })
    await table.append(df)
    const entry = project.path('tables/people/_delta_log/00000000000000000001.json')
    const good = await readFile(entry, 'utf8')
    // The commit's add action (one JSON action per line) edited in place.
    const damaged: [string, (e: Record<string, unknown>) => void, RegExp][] = [
      ['add as a string', (e) => Object.assign(e, { add: 'part-x.parquet' }), /line \d+: add: /],
      ['add without path', (e) => delete (e.add as Record<string, unknown>).path, /line \d+: add\.path/],
      [
        'a path outside the table',
        (e) => Object.assign(e.add as object, { path: '/etc/passwd' }),
        /absolute path/,
      ],
    ]
    for (const [name, edit, detail] of damaged) {
      const lines = good.split('\n').filter((l) => l !== '')
      const edited = lines.map((line) => {
        const action = JSON.parse(line) as Record<string, unknown>
        if ('add' in action) edit(action)
        return JSON.stringify(action)
      })
      await writeFile(entry, `${edited.join('\n')}\n`)
      const r = await pf('inspect tables/people')
      expect(r.code, name).toBe(1)
      expect(r.err, name).toMatch(/^error: Table .*00000000000000000001\.json \(version 1\) is corrupt: /)
      expect(r.err, name).toMatch(detail)
      expect(r.err, name).not.toMatch(/internal error/)
    }
    // Version 1 as it was: the damage below is version 0's alone (which of two damaged entries an open meets first
    // depends on where it starts: version 0, or pf's state cache of version 1).
    await writeFile(entry, good)
    const v0 = project.path('tables/people/_delta_log/00000000000000000000.json')
    const actions = (await readFile(v0, 'utf8')).split('\n').filter((l) => l !== '')
    const emptied = actions.map((l) => (l.startsWith('{"metaData"') ? '{"metaData":{}}' : l))
    await writeFile(v0, `${emptied.join('\n')}\n`)
    const r = await pf('inspect tables/people')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/\(version 0\) is corrupt: line \d+: metaData\./)
  })
})
