// A new user's install, end to end: the packages packed with `npm pack`, installed from the tarballs into a
// fresh app outside the monorepo with a strict layout (`--install-strategy=linked`, as pnpm lays packages out: an
// app sees only what it declares), then the README's quick start followed word for word: its schema, `pf generate`,
// its app code run with tsx, and the app type-checked by tsc under `nodenext` and `bundler` resolution without
// `skipLibCheck`. The package READMEs' examples are run too. Runs on whatever Node runs the suite (20 and 24 in CI).
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '../..')
const PACKAGES = ['runtime', 'codegen', 'language-server', 'cli'] as const
const TSX = join(ROOT, 'node_modules/tsx/dist/esm/index.mjs')
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc')

/** The fenced code blocks of a Markdown section, in order. */
function codeBlocks(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(heading)
  if (start < 0) throw new Error(`README has no section "${heading}"`)
  const next = markdown.indexOf('\n## ', start + heading.length)
  const section = markdown.slice(start, next < 0 ? undefined : next)
  return [...section.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
}

async function sh(file: string, args: readonly string[], cwd: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: cleanEnv() })
    return stdout + stderr
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}${e.stderr ?? e.message}`)
  }
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  // The suite's own settings (source condition, loaders, entity base path) must not leak into the user's app.
  for (const key of Object.keys(env))
    if (key.startsWith('PARQUETFRAME_') || key === 'NODE_OPTIONS') delete env[key]
  return env
}

const tsconfig = (resolution: 'nodenext' | 'bundler') =>
  JSON.stringify({
    compilerOptions: {
      target: 'ES2023',
      module: resolution === 'bundler' ? 'ESNext' : 'NodeNext',
      moduleResolution: resolution,
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      experimentalDecorators: false,
      typeRoots: [join(ROOT, 'node_modules/@types')],
      types: ['node'],
    },
    include: ['src'],
  })

describe('packed packages installed into a fresh app', () => {
  let work: string
  let app: string
  const tarballs: string[] = []

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'pf-pack-'))
    const packs = join(work, 'packs')
    mkdirSync(packs)
    for (const name of PACKAGES) {
      const out = await sh(
        'npm',
        ['pack', '--silent', '--pack-destination', packs],
        join(ROOT, 'packages', name),
      )
      tarballs.push(join(packs, out.trim().split('\n').at(-1) ?? ''))
    }
    app = join(work, 'app')
    mkdirSync(join(app, 'src'), { recursive: true })
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'first-app', private: true, type: 'module' }),
    )
    await sh(
      'npm',
      ['install', '--install-strategy=linked', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs],
      app,
    )
  }, 600_000)

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('ship only what runs: README, LICENSE, metadata, no tests, fixtures or build info', async () => {
    for (const tarball of tarballs) {
      const files = (await sh('tar', ['tzf', tarball], work)).trim().split('\n')
      expect(files).toContain('package/README.md')
      expect(files).toContain('package/LICENSE')
      const shipped = files.filter((f) =>
        /\.test(-d)?\.ts$|__fixtures__|__golden__|\/testing\/|tsbuildinfo/.test(f),
      )
      expect(shipped, tarball).toEqual([])
      const manifest = JSON.parse(await sh('tar', ['xzfO', tarball, 'package/package.json'], work)) as Record<
        string,
        unknown
      >
      expect(manifest.repository, tarball).toBeDefined()
      expect(manifest.homepage, tarball).toBeDefined()
    }
  })

  it("runs the README's quick start: schema, pf generate, the app with tsx, from the app's folder", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const [schema, appCode] = codeBlocks(readme, '## Quick start: entities')
    expect(schema).toContain('entity User')
    writeFileSync(join(app, 'schema.pfschema'), schema ?? '')
    writeFileSync(join(app, 'src/main.ts'), `${appCode}\nconsole.log('users', await User.count())\n`)
    await sh(join(app, 'node_modules/.bin/pf'), ['generate', '--schema', 'schema.pfschema'], app)
    const out = await sh(process.execPath, ['--import', TSX, 'src/main.ts'], app)
    expect(out).toContain('users 1')
    // The schema's config says storage "./data": the app wrote there, where `pf` looks.
    expect(readdirSync(join(app, 'data')).sort()).toEqual(['posts', 'users'])
    expect(existsSync(join(app, 'users'))).toBe(false)
  })

  it.each(['nodenext', 'bundler'] as const)(
    'type-checks the app under %s resolution without skipLibCheck',
    async (resolution) => {
      writeFileSync(join(app, 'tsconfig.json'), tsconfig(resolution))
      await sh(process.execPath, [TSC, '-p', '.'], app)
    },
    300_000, // tsc reads polars', zod's and arrow's declarations: 55-68 s each on a loaded 2-core machine
  )

  it("runs the runtime package README's example", async () => {
    const readme = readFileSync(join(ROOT, 'packages/runtime/README.md'), 'utf8')
    const [example] = codeBlocks(readme, '## Example')
    writeFileSync(join(app, 'src/runtime-example.ts'), example ?? '')
    const cwd = join(app, 'runtime-example') // its own ./data: its User is not the quick start's
    mkdirSync(cwd)
    const out = await sh(process.execPath, ['--import', TSX, join(app, 'src/runtime-example.ts')], cwd)
    expect(out).toContain("[ 'Alice' ]")
  })
})
