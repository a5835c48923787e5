import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import * as projectConfigModule from './config/project-config.js'
import * as avroSchemaModule from './format/avro-entity-schema.js'
import * as runtime from './index.js'
import * as internalModule from './internal.js'
import * as schemaModule from './schema/index.js'
import * as testingModule from './testing.js'

// The built package is what users import: the bundle of dist/bundle/ (scripts/bundle.mjs links tsc's output into a
// few files). Node 20's ESM loader opens a static import graph's files all at once; with `ulimit -n 64` importing the
// ~300 modules of the unbundled runtime failed with EMFILE. These tests run the built entries (npm run build / npm
// test build them first) in a child process under that limit.
const PACKAGE = fileURLToPath(new URL('..', import.meta.url))
const ENTRY = join(PACKAGE, 'dist', 'bundle', 'index.js')
const data = mkdtempSync(join(tmpdir(), 'pf-low-fd-'))
afterAll(() => rmSync(data, { recursive: true, force: true, maxRetries: 5 }))

/** Runs an ES module snippet with at most `limit` open files, importing the package by its name. */
async function underFileLimit(limit: number, code: string): Promise<string> {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run "npm run build" first`)
  const env: Record<string, string | undefined> = { ...process.env }
  delete env.NODE_OPTIONS // no source condition or loader from the test runner: the published entry
  const script = `ulimit -n ${limit} && exec "${process.execPath}" --input-type=module -e "$PF_CODE"`
  const { stdout } = await promisify(execFile)('bash', ['-c', script], {
    cwd: PACKAGE,
    env: { ...env, PF_CODE: code },
  })
  return stdout.trim()
}

describe('the package entry point', () => {
  // Each entry: package.json subpath, its bundle file, and the source module whose values it must export.
  const entries = [
    { subpath: '.', file: 'index.js', module: runtime },
    { subpath: './internal', file: 'internal.js', module: internalModule },
    { subpath: './testing', file: 'testing.js', module: testingModule },
    { subpath: './schema', file: 'schema.js', module: schemaModule },
    { subpath: './avro-schema', file: 'avro-schema.js', module: avroSchemaModule },
    { subpath: './project-config', file: 'project-config.js', module: projectConfigModule },
  ]

  it.each(entries)(
    "$subpath is the bundle's $file, which exports exactly the values of its source module",
    async ({ subpath, file, module }) => {
      const pkg = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as {
        exports: Record<string, { default: string }>
      }
      expect(pkg.exports[subpath]?.default).toBe(`./dist/bundle/${file}`)
      const name = `@parquetframe/runtime${subpath.slice(1)}`
      const code = `const m = await import('${name}'); console.log(JSON.stringify(Object.keys(m).filter((k) => m[k] !== undefined).sort()))`
      const built = JSON.parse(await underFileLimit(1024, code)) as string[]
      expect(built, 'exports of dist differ from src (older than src? run "npm run build")').toEqual(
        Object.keys(module).sort(),
      )
    },
  )

  it('imports with 64 open files allowed (it failed with EMFILE in the module loader)', async () => {
    const out = await underFileLimit(
      64,
      "const m = await import('@parquetframe/runtime'); console.log(JSON.stringify(Object.keys(m).filter((k) => m[k] !== undefined)))",
    )
    const built = new Set(JSON.parse(out) as string[])
    const missing = Object.keys(runtime).filter((name) => !built.has(name))
    expect(missing, 'exports missing from dist (older than src? run "npm run build")').toEqual([])
  })

  it('imports the ./zod entry generated code uses with 64 open files allowed; its schemas work with zod', async () => {
    const parse =
      "const { z } = await import('@parquetframe/runtime/zod'); console.log(z.object({ n: z.int() }).parse({ n: 1 }).n)"
    expect(await underFileLimit(64, parse)).toBe('1')
    // zod's CommonJS build: its schemas are instances of, and compose with, those of an app's own import 'zod'.
    const interop =
      "const { z } = await import('@parquetframe/runtime/zod'); const { z: esm } = await import('zod'); " +
      'const s = z.object({ n: z.int() }); console.log(s instanceof esm.ZodType, esm.object({ s }).parse({ s: { n: 1 } }).s.n)'
    expect(await underFileLimit(1024, interop)).toBe('true 1')
  })

  it('imports alongside concurrent imports of its other entries, zod and apache-arrow (no require/import race)', async () => {
    const code =
      "const [r, s, a, i, t] = await Promise.all(['@parquetframe/runtime', '@parquetframe/runtime/schema', " +
      "'@parquetframe/runtime/avro-schema', '@parquetframe/runtime/internal', '@parquetframe/runtime/testing', " +
      "'zod', 'apache-arrow'].map((m) => import(m))); " +
      'console.log(typeof r.Entity, typeof s.checkSchemaRules, typeof a.avroSchemaForEntity, typeof i.entryOf, ' +
      'typeof t.FaultyFileSystem, typeof r.FaultyFileSystem, typeof r.entryOf, r.SCALAR_TYPE_NAMES === s.SCALAR_TYPE_NAMES)'
    // The test double and the internals are only on their subpaths, not in the public entry; a module two entries
    // share is one instance (the bundle's chunks), not a copy per entry.
    expect(await underFileLimit(1024, code)).toBe(
      'function function function function function undefined undefined true',
    )
  })

  it('no runtime module imports zod or apache-arrow values but src/vendor (their ES module graphs are too wide)', () => {
    const offenders: string[] = []
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory() && entry.name !== '__fixtures__' && entry.name !== 'vendor') walk(path)
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          const statements = readFileSync(path, 'utf8').matchAll(
            /^(import|export)( type)?\b[\s\S]*?\bfrom '([^']+)'/gm,
          )
          for (const [, , typeOnly, from] of statements)
            if (typeOnly === undefined && /^(zod|apache-arrow)(\/|$)/.test(from ?? ''))
              offenders.push(path.slice(PACKAGE.length))
        }
      }
    }
    walk(join(PACKAGE, 'src'))
    expect(offenders).toEqual(['src/zod.ts'])
  })

  it("runs the partitioned engine's worker threads (their module sits beside the bundle's chunks)", async () => {
    const folder = join(data, 'partitions')
    const code = `
      import { mkdirSync } from 'node:fs'
      import pl from 'nodejs-polars'
      const { read, withConfig } = await import('@parquetframe/runtime')
      mkdirSync(${JSON.stringify(folder)}, { recursive: true })
      for (let p = 0; p < 4; p++)
        pl.DataFrame({ id: Array.from({ length: 100 }, (_, i) => p * 100 + i) }).writeParquet(${JSON.stringify(folder)} + '/part-' + p + '.parquet')
      const lines = []
      process.stderr.write = (chunk) => lines.push(String(chunk)) > 0
      const frame = await read(${JSON.stringify(folder)}, { engine: 'partitioned' })
      const rows = await withConfig({ maxWorkers: 2, verbose: true }, () => frame.filter(pl.col('id').gt(9)).toRecords())
      console.log(JSON.stringify({ rows: rows.length, sum: rows.reduce((a, r) => a + r.id, 0), workers: lines.some((l) => /on 2 worker threads/.test(l)) }))`
    // 0..399 less 0..9, filtered on two worker threads (verbose says where it ran).
    expect(JSON.parse(await underFileLimit(1024, code))).toEqual({ rows: 390, sum: 79_755, workers: true })
  })

  it('importing it loads neither apache-arrow nor avsc: each is required when a table first needs it', async () => {
    const loaded = `import { createRequire } from 'node:module'
      const cache = createRequire(import.meta.url).cache
      const packages = () => [...new Set(Object.keys(cache).flatMap((k) => /node_modules\\/(apache-arrow|avsc)\\//.exec(k)?.[1] ?? []))].sort()`
    const afterImport = `${loaded}
      await import('@parquetframe/runtime')
      console.log(JSON.stringify(packages()))`
    expect(JSON.parse(await underFileLimit(1024, afterImport))).toEqual([])
    // A table of Bytes in Avro needs both: they load then, and the values round-trip.
    const afterUse = `${loaded}
      const { Entity, openStore, registerEntity } = await import('@parquetframe/runtime')
      const field = (name, id, type, isId) =>
        ({ name, id, column: name, type: { kind: 'scalar', name: type }, optional: false, isId, unique: false, index: false })
      class Blob extends Entity {}
      registerEntity(Blob, { name: 'Blob', storage: 'blobs', format: 'avro', primaryKey: ['id'], partitionBy: [],
        fields: [field('id', 1, 'Int', true), field('data', 2, 'Bytes', false)], relations: [], indexes: [], uniques: [] })
      const repo = openStore(${JSON.stringify(join(data, 'lazy'))}).repository(Blob)
      await repo.create({ id: 1, data: new Uint8Array([0, 255, 7]) })
      const found = await repo.find(1)
      console.log(JSON.stringify({ data: [...found.data], packages: packages() }))`
    expect(JSON.parse(await underFileLimit(1024, afterUse))).toEqual({
      data: [0, 255, 7],
      packages: ['apache-arrow', 'avsc'],
    })
  })

  it('writes, queries and deletes a small entity table in both formats with 64 open files allowed', async () => {
    const app = (format: string) => `
      import { Entity, openStore, registerEntity } from '@parquetframe/runtime'
      const field = (name, id, type, isId) =>
        ({ name, id, column: name, type: { kind: 'scalar', name: type }, optional: false, isId, unique: !isId, index: false })
      class Item extends Entity {}
      registerEntity(Item, { name: 'Item', storage: 'items', format: '${format}', primaryKey: ['id'], partitionBy: [],
        fields: [field('id', 1, 'Int', true), field('name', 2, 'String', false)], relations: [], indexes: [],
        uniques: [['name']] })
      const repo = openStore(${JSON.stringify(join(data, format))}).repository(Item)
      for (let i = 0; i < 20; i++) await repo.create({ id: i, name: 'n' + i })
      await repo.deleteBy({ id: 3 })
      console.log(JSON.stringify({ all: (await repo.findAll()).length, n7: (await repo.findBy({ name: 'n7' })).map((x) => x.id) }))`
    for (const format of ['parquet', 'avro']) {
      expect(JSON.parse(await underFileLimit(64, app(format)))).toEqual({ all: 19, n7: [7] })
    }
  })
})
