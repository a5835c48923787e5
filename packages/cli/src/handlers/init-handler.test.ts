// `pf init` as a new user runs it: the real binary in an empty folder, then `pf generate` and the example app
// with tsx; and the refusal, which must leave every file as it was.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempProject, removeTempProject } from '../../../codegen/src/emit/__fixtures__/compile-harness.js'
import { STARTER_SCHEMA } from '../init/starter-files.js'
import { runTsApp } from '../testing/run-ts-app.js'
import { runPf } from '../testing/spawn-pf.js'

let dir: string | undefined
afterEach(() => {
  if (dir) removeTempProject(dir)
  dir = undefined
})

describe('pf init', () => {
  it("writes the README quick start's schema, as the README says", () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('## Quick start: entities'))
    expect(section).toContain('`npx pf init` starts a project with the schema below')
    expect(section.match(/```\n([\s\S]*?)```/)?.[1]).toBe(STARTER_SCHEMA)
  })

  it('creates a project that generates and runs, twice', async () => {
    dir = makeTempProject('pf-init-')
    const init = await runPf(['init'], { cwd: dir })
    expect(init).toMatchObject({ code: 0, stderr: '' })
    expect(init.stdout).toContain('npx pf generate')
    expect(init.stdout).toContain('npx tsx src/main.ts')
    expect(init.stdout).not.toContain('Note:')
    for (const file of ['schema.pfschema', 'pf.config.json', 'src/main.ts']) {
      expect(existsSync(join(dir, file)), file).toBe(true)
    }
    expect(readdirSync(join(dir, 'src/generated'))).toEqual([])
    // The folder had a package.json: it is kept as it was.
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{ "type": "module", "private": true }\n')

    const generated = await runPf(['generate'], { cwd: dir })
    expect(generated).toMatchObject({ code: 0, stderr: '' })
    expect(await runTsApp('src/main.ts', dir)).toBe('Alice has 1 post\n')
    expect(await runTsApp('src/main.ts', dir)).toBe('Alice has 2 posts\n')
    expect(existsSync(join(dir, 'data'))).toBe(true)
  }, 120_000)

  it('creates the folder given, with a package.json when it has none', async () => {
    dir = makeTempProject('pf-init-dir-')
    const init = await runPf(['init', 'my app'], { cwd: dir })
    expect(init).toMatchObject({ code: 0, stderr: '' })
    expect(init.stdout).toContain('cd my app')
    expect(JSON.parse(readFileSync(join(dir, 'my app/package.json'), 'utf8'))).toEqual({
      name: 'my-app',
      private: true,
      type: 'module',
    })
  }, 60_000)

  it('says so when the existing package.json is not an ES module package, and leaves it alone', async () => {
    dir = makeTempProject('pf-init-cjs-')
    writeFileSync(join(dir, 'package.json'), '{ "name": "old-app" }\n')
    const init = await runPf(['init'], { cwd: dir })
    expect(init).toMatchObject({ code: 0, stderr: '' })
    expect(init.stdout).toContain('Note: package.json has no "type": "module"; add it')
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{ "name": "old-app" }\n')
  }, 60_000)

  it('refuses when a file exists, names every one and writes nothing', async () => {
    dir = makeTempProject('pf-init-clash-')
    writeFileSync(join(dir, 'schema.pfschema'), 'entity Mine { id Int @id }\n')
    writeFileSync(join(dir, 'pf.config.mjs'), 'export default {}\n')
    const before = readdirSync(dir).sort()
    const init = await runPf(['init'], { cwd: dir })
    expect(init.code).toBe(1)
    expect(init.stdout).toBe('')
    expect(init.stderr).toContain(
      'pf init writes nothing: 2 files exist already: schema.pfschema, pf.config.mjs',
    )
    expect(readdirSync(dir).sort()).toEqual(before)
    expect(readFileSync(join(dir, 'schema.pfschema'), 'utf8')).toBe('entity Mine { id Int @id }\n')
  }, 60_000)
})
