// The README's quick start, word for word: its schema, `pf generate`, its app code run from ANOTHER working
// directory, then `pf migrate status` in the project. The app must write where the schema's config says
// (`storage = "./data"`, next to the schema), so the CLI sees the tables; before, it wrote ./users and ./posts
// relative to wherever the app happened to run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runTsApp } from '../../packages/cli/src/testing/run-ts-app.js'
import { runPf } from '../../packages/cli/src/testing/spawn-pf.js'
import {
  makeTempProject,
  removeTempProject,
} from '../../packages/codegen/src/emit/__fixtures__/compile-harness.js'

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8')

/** The n-th fenced block after a heading of the README. */
function readmeBlock(heading: string, n: number): string {
  const section = README.slice(README.indexOf(heading))
  const blocks = [...section.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1] as string)
  const block = blocks[n]
  if (block === undefined) throw new Error(`README has no block ${n} after ${heading}`)
  return block
}

let dir: string
beforeAll(() => {
  dir = makeTempProject('pf-quick-start-')
  writeFileSync(join(dir, 'schema.pfschema'), readmeBlock('## Quick start: entities', 0))
  mkdirSync(join(dir, 'src'))
  writeFileSync(
    join(dir, 'src/app.ts'),
    `${readmeBlock('## Quick start: entities', 1)}\nconsole.log(JSON.stringify({ users: await User.count(), posts: await Post.count() }))\n`,
  )
  mkdirSync(join(dir, 'elsewhere'))
})
afterAll(() => removeTempProject(dir))

describe('README quick start: app and pf agree where the data is', () => {
  it('pf generate records the schema config storage in the generated modules', async () => {
    const generated = await runPf(['generate', '--schema', 'schema.pfschema'], { cwd: dir })
    expect(generated).toMatchObject({ code: 0, stderr: '' })
    const user = readFileSync(join(dir, 'src/generated/user.ts'), 'utf8')
    expect(user).toContain("declareEntityBasePath(new URL('../../data/', import.meta.url))")
  })

  it('the app writes under ./data next to the schema when run from another directory', async () => {
    const out = await runTsApp(join(dir, 'src/app.ts'), join(dir, 'elsewhere'))
    expect(JSON.parse(out)).toEqual({ users: 1, posts: 1 })
    expect(existsSync(join(dir, 'data/users'))).toBe(true)
    expect(existsSync(join(dir, 'data/posts'))).toBe(true)
    for (const stray of ['elsewhere/users', 'elsewhere/posts', 'users', 'posts']) {
      expect(existsSync(join(dir, stray))).toBe(false)
    }
  })

  it('pf migrate status in the project sees both tables', async () => {
    const status = await runPf(['migrate', 'status', '--schema', 'schema.pfschema'], { cwd: dir })
    expect(status.code).toBe(0)
    expect(status.stdout).toContain('User (data/users): version')
    expect(status.stdout).toContain('Post (data/posts): version')
    expect(status.stdout).not.toContain('no table yet')
  })

  it('an explicit PARQUETFRAME_ENTITY_BASE_PATH still wins over the generated default', async () => {
    const other = join(dir, 'other-data')
    await runTsApp(join(dir, 'src/app.ts'), join(dir, 'elsewhere'), { PARQUETFRAME_ENTITY_BASE_PATH: other })
    expect(existsSync(join(other, 'users'))).toBe(true)
  })
})
