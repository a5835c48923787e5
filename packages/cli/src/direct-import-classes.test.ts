// Decorated classes without explicit types, imported directly: the runtime and `pf validate --classes` give one
// verdict. The TypeORM set-up (tsc, experimentalDecorators + emitDecoratorMetadata, the real reflect-metadata)
// works; standard decorators under tsx are refused at import with the reason, and validate reports those fields.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { runPf } from './testing/spawn-pf.js'

const run = promisify(execFile)
const REPO = resolve(fileURLToPath(import.meta.url), '../../../..')
const TSC = join(REPO, 'node_modules/typescript/bin/tsc')
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

const MODELS = `import 'reflect-metadata'
import { Entity, entity, field, id } from '@parquetframe/runtime'

@entity({ storage: 'accounts' })
export class Account extends Entity {
  @id() id!: number
  @field() name!: string
  @field() active!: boolean
  @field() createdAt!: Date
}
`
const MAIN = `import { entityIR } from '@parquetframe/runtime'
import { Account } from './models.js'
console.log(JSON.stringify(entityIR(Account).fields.map((f) => [f.name, f.type.kind === 'scalar' ? f.type.name : '?'])))
`
const TYPEORM = { experimentalDecorators: true, emitDecoratorMetadata: true }

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** A temp app using the repo's packages, with the given decorator flags in its tsconfig.json. */
function app(decoratorFlags: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'pf-direct-import-'))
  dirs.push(dir)
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir')
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n')
  const compilerOptions = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: true,
    types: [],
    rootDir: 'src',
    outDir: 'dist',
    ...decoratorFlags,
  }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src'] }, null, 2))
  mkdirSync(join(dir, 'src'))
  writeFileSync(join(dir, 'src/models.ts'), MODELS)
  writeFileSync(join(dir, 'src/main.ts'), MAIN)
  return dir
}

/** Runs a module of the app with the runtime's TypeScript sources (tsx only loads them; `file` may be tsc's output). */
async function runApp(dir: string, file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--conditions=@parquetframe/source', '--import', TSX, file],
      { cwd: dir },
    )
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

describe('decorated classes without explicit types, imported directly', () => {
  it('TypeORM set-up: tsc with emitDecoratorMetadata and the real reflect-metadata types the fields, and pf validate --classes calls it valid', async () => {
    const dir = app(TYPEORM)
    await run(process.execPath, [TSC, '-p', '.'], { cwd: dir })
    const ran = await runApp(dir, 'dist/main.js')
    expect(ran.stderr).toBe('')
    expect(JSON.parse(ran.stdout)).toEqual([
      ['id', 'Int'],
      ['name', 'String'],
      ['active', 'Boolean'],
      ['createdAt', 'DateTime'],
    ])
    const validated = await runPf(['validate', '--classes', 'src/models.ts'], { cwd: dir })
    expect([validated.code, validated.stdout]).toEqual([0, 'src/models.ts is valid: 1 entity, 0 enums\n'])
  }, 120_000)

  it('standard decorators under tsx: import fails saying why and what to write; pf validate --classes reports each field', async () => {
    const dir = app({})
    const ran = await runApp(dir, 'src/main.ts')
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain(
      "EntityDeclarationError: Account.id: cannot tell the storage type (standard decorators never carry design-time type metadata, so the TypeScript type is unknown at run time). Write it in the decorator: @id('int'), @id('bigint') or @id('string').",
    )
    const validated = await runPf(['validate', '--classes', 'src/models.ts'], { cwd: dir })
    expect(validated.code).toBe(1)
    const reported = [...validated.stderr.matchAll(/error PF6207: (Account\.\w+)/g)].map((m) => m[1])
    expect(reported).toEqual(['Account.id', 'Account.name', 'Account.active', 'Account.createdAt'])
    expect(validated.stderr).toContain("write it in the decorator: @id('int')")
    expect(validated.stderr).toContain("write it in the decorator: @field('datetime')")
    expect(validated.stderr).toContain('or import the code `pf generate --classes` writes')
  }, 120_000)

  it('the TypeORM tsconfig run by tsx (esbuild emits no metadata) is refused naming the compiler', async () => {
    const dir = app(TYPEORM)
    const ran = await runApp(dir, 'src/main.ts')
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain(
      'Account.id: cannot tell the storage type (no design-time type metadata: this compiler did not emit it (tsx and esbuild never do; tsc does with experimentalDecorators and emitDecoratorMetadata))',
    )
  }, 120_000)
})
