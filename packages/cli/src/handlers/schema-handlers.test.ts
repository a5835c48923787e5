import { readFile, stat } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { runMain } from '../testing/run-main.js'
import { BLOG_SCHEMA, type TempProject, tempProject } from '../testing/temp-project.js'

let project: TempProject
afterEach(async () => {
  await project.dispose()
})

function pf(args: string, env: Record<string, string> = {}) {
  return runMain(
    project.dir,
    args.split(' ').filter((a) => a !== ''),
    env,
  )
}

describe('pf validate', () => {
  it('finds ./schema.pfschema and reports it valid', async () => {
    project = await tempProject({ 'schema.pfschema': BLOG_SCHEMA })
    expect(await pf('validate')).toEqual({
      code: 0,
      out: 'schema.pfschema is valid: 2 entities, 1 enum\n',
      err: '',
    })
  })

  it('reads a folder of schema files named by --schema, PARQUETFRAME_SCHEMA or the config file', async () => {
    project = await tempProject({
      'db/users.pfschema': 'entity User { id Int @id }\n',
      'db/posts.pfschema':
        'entity Post {\n  id Int @id\n  authorId Int\n  author User @relation(foreignKey: authorId)\n}\n',
      'pf.config.json': '{ "schema": "db" }',
    })
    expect((await pf('validate --schema db')).out).toContain('is valid: 2 entities, 0 enums')
    expect((await pf('validate', { PARQUETFRAME_SCHEMA: 'db' })).code).toBe(0)
    expect((await pf('validate')).code).toBe(0)
  })

  it('exits 1 with every diagnostic, rendered with the source line', async () => {
    project = await tempProject({ 'app.pfschema': 'entity X {\n  id Int @id\n  a Foo\n  b Strin\n}\n' })
    const r = await pf('validate -s app.pfschema')
    expect(r.code).toBe(1)
    expect(r.out).toBe('')
    expect(r.err).toContain('error: Schema app.pfschema has errors:')
    expect(r.err).toContain('app.pfschema:3:5: error PF2005: unknown type "Foo"\n3 |   a Foo\n  |     ^^^')
    expect(r.err).toContain('app.pfschema:4:5')
    expect(r.err).toContain('2 errors')
    expect(r.err).not.toMatch(/\n\s+at /)
  })

  it('names a schema that does not exist, and where the path came from', async () => {
    project = await tempProject()
    expect((await pf('validate --schema nope.pfschema')).err).toBe(
      'error: Schema not found: nope.pfschema (from --schema)\n',
    )
    expect((await pf('validate', { PARQUETFRAME_SCHEMA: 'x' })).err).toContain('(from $PARQUETFRAME_SCHEMA)')
    const r = await pf('validate')
    expect(r.code).toBe(1)
    expect(r.err).toContain('No schema found: looked for ./schema.pfschema and ./schema/')
  })
})

describe('pf format', () => {
  const ugly = 'entity X {\n  id   Int @id\n    name String\n}\n'

  it('--check names files that would change, exits 1 and writes nothing', async () => {
    project = await tempProject({ 'schema.pfschema': ugly })
    const r = await pf('format --check')
    expect(r).toMatchObject({ code: 1, out: 'would reformat schema.pfschema\n' })
    expect(r.err).toContain('1 file would be reformatted')
    expect(await readFile(project.path('schema.pfschema'), 'utf8')).toBe(ugly)
  })

  it('rewrites only files that change', async () => {
    project = await tempProject({ 's/a.pfschema': ugly, 's/b.pfschema': 'entity Y {\n  id Int @id\n}\n' })
    const untouched = (await stat(project.path('s/b.pfschema'))).mtimeMs
    expect(await pf('format --schema s')).toMatchObject({ code: 0, out: 'formatted s/a.pfschema\n' })
    expect(await readFile(project.path('s/a.pfschema'), 'utf8')).toBe(
      'entity X {\n  id   Int    @id\n  name String\n}\n',
    )
    expect((await stat(project.path('s/b.pfschema'))).mtimeMs).toBe(untouched)
    expect(await pf('format --schema s --check')).toMatchObject({
      code: 0,
      out: 'All schema files are formatted\n',
    })
  })

  it('refuses a file with syntax errors, printing them, and leaves it alone', async () => {
    project = await tempProject({ 'schema.pfschema': 'entity X {\n  id Int @id\n' })
    const r = await pf('format')
    expect(r.code).toBe(1)
    expect(r.err).toContain('schema.pfschema:')
    expect(r.err).toContain('error: Cannot format schema.pfschema: fix the errors above first')
    expect(await readFile(project.path('schema.pfschema'), 'utf8')).toBe('entity X {\n  id Int @id\n')
  })
})

describe('pf diagram', () => {
  it('prints a Mermaid ER diagram', async () => {
    project = await tempProject({ 'schema.pfschema': BLOG_SCHEMA })
    const r = await pf('diagram')
    expect(r.code).toBe(0)
    expect(r.out).toContain('erDiagram\n  User {\n    Int id PK\n')
    expect(r.out).toContain('    Int authorId FK\n')
    expect(r.out).toContain('  User ||--o{ Post : "posts / author"\n')
  })

  it('writes --out FILE, fenced for Markdown', async () => {
    project = await tempProject({ 'schema.pfschema': BLOG_SCHEMA })
    expect(await pf('diagram --out docs/schema.md')).toMatchObject({ code: 0, out: 'Wrote docs/schema.md\n' })
    const md = await readFile(project.path('docs/schema.md'), 'utf8')
    expect(md.startsWith('```mermaid\nerDiagram\n')).toBe(true)
    expect(md.endsWith('```\n')).toBe(true)
    await pf('diagram -o er.mmd')
    expect((await readFile(project.path('er.mmd'), 'utf8')).startsWith('erDiagram\n')).toBe(true)
  })

  it('exits 1 on a broken schema', async () => {
    project = await tempProject({ 'schema.pfschema': 'entity X { a Foo }\n' })
    expect((await pf('diagram')).code).toBe(1)
  })
})
