// `importExtension: 'ts'`: generated modules import each other as `./x.ts`, so Node's type stripping
// (`node src/main.ts`), Deno and Bun run them as written.
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { blogIR } from './__fixtures__/blog-ir.js'
import { makeTempProject, removeTempProject, writeFiles } from './__fixtures__/compile-harness.js'
import { SAMPLES } from './__fixtures__/samples.js'
import { generate } from './generate.js'

const run = promisify(execFile)

/** Every relative specifier in `import ... from` / `export ... from` lines. */
function relativeSpecifiers(text: string): string[] {
  return [...text.matchAll(/^(?:import|export)\b[^;]*?from '(\.[^']*)'/gms)].map((m) => m[1] ?? '')
}

describe('generated import specifiers', () => {
  for (const [sample, ir] of SAMPLES) {
    it(`${sample}: .js by default, .ts with importExtension 'ts', nothing else changes`, () => {
      const js = generate(ir)
      const ts = generate(ir, { importExtension: 'ts' })
      expect([...ts.keys()]).toEqual([...js.keys()])
      const specifiers = (files: ReadonlyMap<string, string>) =>
        [...files.values()].flatMap((text) => relativeSpecifiers(text))
      expect(specifiers(js).length).toBeGreaterThan(0)
      expect(specifiers(js).every((s) => s.endsWith('.js'))).toBe(true)
      expect(specifiers(ts)).toEqual(specifiers(js).map((s) => s.replace(/\.js$/, '.ts')))
      for (const [path, text] of ts)
        expect(text.replaceAll(/(\.\/[\w-]+)\.ts'/g, "$1.js'")).toBe(js.get(path))
    })
  }
})

const MAIN = `import { setConfig } from '@parquetframe/runtime'
import { User } from './generated/index.ts'

setConfig({ entityBasePath: process.argv[2] ?? '.' })
await User.create({ id: 1, name: 'Ada', email: 'ada@example.com', tags: ['math'] })
const users = await User.findMany()
console.log(JSON.stringify(users.map((u) => [u.id, u.name, u.tags])))
`

/** Node runs TypeScript itself (type stripping: Node 22.6+ with the flag, on by default from 23.6). */
const stripsTypes =
  Boolean((process.features as { typescript?: unknown }).typescript) ||
  Number(process.versions.node.split('.')[0]) >= 23

describe('generated code with .ts specifiers runs', () => {
  const dirs: string[] = []
  afterAll(() => {
    for (const dir of dirs) removeTempProject(dir)
  })

  it(`runs a small app importing ./generated/index.ts (${stripsTypes ? 'node --experimental-strip-types' : 'tsx: this Node cannot strip types'})`, async () => {
    const dir = makeTempProject('pf-import-ts-')
    dirs.push(dir)
    const data = mkdtempSync(join(tmpdir(), 'pf-import-ts-data-'))
    dirs.push(data)
    const files = new Map<string, string>()
    for (const [path, text] of generate(blogIR, { importExtension: 'ts' }))
      files.set(`src/generated/${path}`, text)
    files.set('src/main.ts', MAIN)
    writeFiles(dir, files)
    // The runtime as users install it: its built entry (no source condition), which Node runs without help.
    const args = stripsTypes
      ? ['--experimental-strip-types', '--no-warnings', 'src/main.ts', data]
      : ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, 'src/main.ts', data]
    const { stdout } = await run(process.execPath, args, { cwd: dir })
    expect(JSON.parse(stdout)).toEqual([[1, 'Ada', ['math']]])
  }, 60_000)
})
