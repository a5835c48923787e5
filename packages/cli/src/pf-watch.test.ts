import { readdir, readFile, writeFile } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { collectOutput, exited, spawnPf } from './testing/spawn-pf.js'
import { BLOG_SCHEMA, type TempProject, tempProject } from './testing/temp-project.js'
import { waitFor } from './testing/wait-for.js'

let project: TempProject
afterEach(async () => {
  await project.dispose()
})

// Deadlines are generous: the binary compiles its sources with tsx at start, slow on a loaded machine.
const DEADLINE = 90_000

describe('pf generate --watch (the real binary)', () => {
  it('regenerates after an edit, survives a broken save, and exits 0 on SIGINT', {
    timeout: 5 * DEADLINE,
  }, async () => {
    project = await tempProject({ 'schema.pfschema': BLOG_SCHEMA })
    const child = spawnPf(['generate', '--watch'], { cwd: project.dir })
    const output = collectOutput(child)
    const ended = exited(child)
    const shown = () => `stdout:\n${output.stdout}\nstderr:\n${output.stderr}`
    // The generator writes each file as a temp file then renames it: count only finished files.
    const gen = async () =>
      (await readdir(project.path('gen')).catch(() => [] as string[])).filter((f) => !f.includes('.pf-tmp-'))
    const wait = <T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>) =>
      waitFor(what, check, DEADLINE, shown)
    try {
      await wait('the first generation and the watching message', () =>
        output.stdout.includes('Watching schema.pfschema'),
      )
      const generated = (await gen()).sort()
      expect(generated).toContain('index.ts')
      const before = generated.length

      const tag = 'entity Tag @storage("tags") {\n  id Int @id\n  label String\n}\n'
      await writeFile(project.path('schema.pfschema'), `${BLOG_SCHEMA}\n${tag}`)
      await wait('output for the added entity', async () => (await gen()).includes('tag.ts'))
      expect((await gen()).length).toBeGreaterThan(before)
      expect(await readFile(project.path('gen/tag.ts'), 'utf8')).toContain('label')

      await writeFile(project.path('schema.pfschema'), `${BLOG_SCHEMA}\n${tag.replace('String', 'Strin')}`)
      await wait('the diagnostics of the broken save', () => output.stderr.includes('did you mean "String"?'))
      expect(child.exitCode).toBeNull()

      await writeFile(project.path('schema.pfschema'), BLOG_SCHEMA)
      await wait('the Tag files removed after the fix', async () => (await gen()).length === before)
    } finally {
      child.kill('SIGINT')
    }
    expect(await ended).toBe(0)
    expect(output.stdout).toContain('Stopped watching')
    expect(output.stderr).not.toMatch(/\n\s+at /)
  })
})
