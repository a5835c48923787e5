import { readFile } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { runPf } from './testing/spawn-pf.js'
import { BLOG_SCHEMA, type TempProject, tempProject } from './testing/temp-project.js'

let project: TempProject
afterEach(async () => {
  await project.dispose()
})

describe('the pf binary', () => {
  it('prints its version and validates a schema', async () => {
    project = await tempProject({ 'schema.pfschema': BLOG_SCHEMA })
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
    expect(await runPf(['--version'], { cwd: project.dir })).toEqual({
      code: 0,
      stdout: `${pkg.version}\n`,
      stderr: '',
    })
    expect(await runPf(['validate'], { cwd: project.dir })).toMatchObject({
      code: 0,
      stdout: 'schema.pfschema is valid: 2 entities, 1 enum\n',
    })
  })

  it('exits 1 with a message and no stack trace on a user error', async () => {
    project = await tempProject({ 'schema.pfschema': 'entity X { id Int @id\n  a Foo }\n' })
    const bad = await runPf(['validate'], { cwd: project.dir })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('schema.pfschema:2:5: error PF2005: unknown type "Foo"')
    expect(bad.stderr).not.toMatch(/\n\s+at /)
    expect(await runPf(['inspect', '--nope'], { cwd: project.dir })).toMatchObject({
      code: 1,
      stderr: 'error: Unknown option --nope for "pf inspect"\nRun "pf inspect --help" for usage.\n',
    })
  })
})
