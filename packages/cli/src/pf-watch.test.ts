import { readdir, readFile, writeFile } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { collectOutput, exited, spawnPf } from './testing/spawn-pf.js'
import { BLOG_SCHEMA, type TempProject, tempProject } from './testing/temp-project.js'
import { waitFor } from './testing/wait-for.js'

let project: TempProject
afterEach(async () => {
  await project.dispose()
})

describe('pf generate --watch (the real binary)', () => {
  it('regenerates after an edit, survives a broken save, and exits 0 on SIGINT', async () => {
    project = await tempProject({ 'schema.pfschema': BLOG_SCHEMA })
    const child = spawnPf(['generate', '--watch'], { cwd: project.dir })
    const output = collectOutput(child)
    const ended = exited(child)
    try {
      await waitFor(
        'the first generation and the watching message',
        () => output.stdout.includes('Watching schema.pfschema'),
        60_000,
      )
      const generated = (await readdir(project.path('gen'))).sort()
      expect(generated).toContain('index.ts')
      const before = generated.length

      await writeFile(
        project.path('schema.pfschema'),
        `${BLOG_SCHEMA}\nentity Tag @storage("tags") {\n  id Int @id\n  label String\n}\n`,
      )
      await waitFor(
        'output for the added entity',
        async () => (await readdir(project.path('gen'))).length > before,
      )
      expect(await readFile(project.path('gen/tag.ts'), 'utf8')).toContain('label')

      await writeFile(
        project.path('schema.pfschema'),
        `${BLOG_SCHEMA}\nentity Tag {\n  id Int @id\n  label Strin\n}\n`,
      )
      await waitFor('the diagnostics of the broken save', () =>
        output.stderr.includes('did you mean "String"?'),
      )
      expect(child.exitCode).toBeNull()

      await writeFile(project.path('schema.pfschema'), BLOG_SCHEMA)
      await waitFor(
        'the Tag files removed after the fix',
        async () => (await readdir(project.path('gen'))).length === before,
      )
    } finally {
      child.kill('SIGINT')
    }
    expect(await ended).toBe(0)
    expect(output.stdout).toContain('Stopped watching')
    expect(output.stderr).not.toMatch(/\n\s+at /)
  })
})
