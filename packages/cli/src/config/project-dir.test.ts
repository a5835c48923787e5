// `pf` run from a subfolder of a project finds its config file and schema like git finds its root; relative paths
// in the config file mean the same from anywhere (relative to the file), flags stay relative to the working
// directory, and a folder holding `.git` bounds the search.
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runMain } from '../testing/run-main.js'
import { BLOG_SCHEMA, type TempProject, tempProject } from '../testing/temp-project.js'
import { findProjectDir } from './project-dir.js'

let project: TempProject
afterEach(async () => {
  await project.dispose()
})

/** Runs `pf` in-process from `cwd`. */
function pf(args: readonly string[], cwd: string) {
  return runMain(cwd, args)
}

const PLAIN_SCHEMA = BLOG_SCHEMA.replace(/config \{[^}]*\}\n*/, '')

describe('findProjectDir', () => {
  it('returns the nearest folder with a config file, schema file or schema folder', async () => {
    project = await tempProject({
      'schema/a.pfschema': '',
      'app/pf.config.json': '{}',
      'app/src/x/.keep': '',
    })
    expect(await findProjectDir(project.path('app/src/x'))).toBe(project.path('app'))
    expect(await findProjectDir(project.path('app'))).toBe(project.path('app'))
    expect(await findProjectDir(project.path('schema'))).toBe(project.dir)
  })

  it('stops after a folder holding .git', async () => {
    project = await tempProject({
      'schema.pfschema': PLAIN_SCHEMA,
      'repo/.git/HEAD': '',
      'repo/src/.keep': '',
    })
    expect(await findProjectDir(project.path('repo/src'))).toBeUndefined()
  })
})

describe('pf from a subfolder of the project', () => {
  it('reads the config file of a parent, its paths relative to the file', async () => {
    project = await tempProject({
      'pf.config.json': JSON.stringify({ schema: './db/app.pfschema', output: './gen', storage: './tables' }),
      'db/app.pfschema': PLAIN_SCHEMA,
      'src/deep/.keep': '',
    })
    const sub = project.path('src/deep')
    expect(await pf(['validate'], sub)).toMatchObject({ code: 0, err: '' })
    const generated = await pf(['generate'], sub)
    expect(generated).toMatchObject({ code: 0, err: '' })
    expect(existsSync(project.path('gen/index.ts'))).toBe(true)
    expect(existsSync(join(sub, 'gen'))).toBe(false)
    const status = await pf(['migrate', 'status'], sub)
    expect(status.code).toBe(0)
    expect(status.out).toContain('tables')
  })

  it('finds schema.pfschema in a parent; defaults are relative to that folder, flags to the working directory', async () => {
    project = await tempProject({ 'schema.pfschema': PLAIN_SCHEMA, 'pkg/.keep': '' })
    const sub = project.path('pkg')
    expect(await pf(['generate'], sub)).toMatchObject({ code: 0, err: '' })
    expect(existsSync(project.path('src/generated/index.ts'))).toBe(true)
    expect(existsSync(join(sub, 'src'))).toBe(false)
    expect(await pf(['generate', '--out', 'here'], sub)).toMatchObject({ code: 0, err: '' })
    expect(existsSync(join(sub, 'here/index.ts'))).toBe(true)
  })

  it('finds a schema/ folder in a parent', async () => {
    project = await tempProject({ 'schema/blog.pfschema': PLAIN_SCHEMA })
    await mkdir(project.path('docs/notes'), { recursive: true })
    expect(await pf(['validate'], project.path('docs/notes'))).toMatchObject({ code: 0, err: '' })
  })

  it('does not look above a folder holding .git', async () => {
    project = await tempProject({
      'schema.pfschema': PLAIN_SCHEMA,
      'repo/.git/HEAD': '',
      'repo/src/.keep': '',
    })
    const r = await pf(['validate'], project.path('repo/src'))
    expect(r.code).toBe(1)
    expect(r.err).toContain('No schema found: looked for ./schema.pfschema and ./schema/')
    expect(r.err).toContain('or its parent folders')
  })
})
