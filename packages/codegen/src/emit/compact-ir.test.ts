// The compact IR literal registers exactly the IR the front-end produced: generated code is run, and what the
// runtime registered is compared with the front-end's IR (without docs and source spans, which the generated
// modules keep in doc comments instead).
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import type { EntityIR } from '@parquetframe/runtime'
import { afterAll, describe, expect, it } from 'vitest'
import { makeTempProject, removeTempProject, writeFiles } from './__fixtures__/compile-harness.js'
import { SAMPLES } from './__fixtures__/samples.js'
import { generate } from './generate.js'
import { entityNames } from './naming.js'

const run = promisify(execFile)
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

/** Prints, for each class name given, the IR the runtime registered for the generated class. */
const PRINT_REGISTERED = `import { entityIR } from '@parquetframe/runtime'
import * as generated from './generated/index.js'

const names: string[] = JSON.parse(process.argv[2] ?? '[]')
const table = generated as unknown as Record<string, Parameters<typeof entityIR>[0]>
console.log(JSON.stringify(names.map((name) => entityIR(table[name]!))))
`

/** The IR without `doc` and `span` (anywhere), as the generated registration carries it. */
function withoutDocs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDocs)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k, v]) => k !== 'doc' && k !== 'span' && v !== undefined)
      .map(([k, v]) => [k, withoutDocs(v)]),
  )
}

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) removeTempProject(dir)
})

describe('the compact IR in generated modules', () => {
  for (const [sample, ir] of SAMPLES) {
    it(`${sample}: the runtime registers exactly the front-end's IR (deep-equal)`, async () => {
      const dir = makeTempProject('pf-compact-ir-')
      dirs.push(dir)
      const files = new Map<string, string>([['src/print-registered.ts', PRINT_REGISTERED]])
      for (const [path, text] of generate(ir)) files.set(`src/generated/${path}`, text)
      writeFiles(dir, files)
      const names = ir.entities.map((e) => entityNames(e).cls)
      const { stdout } = await run(
        process.execPath,
        ['--import', TSX, 'src/print-registered.ts', JSON.stringify(names)],
        { cwd: dir },
      )
      const registered = JSON.parse(stdout) as EntityIR[]
      const expected = ir.entities.map(withoutDocs)
      expect(registered).toEqual(expected)
    }, 60_000)
  }

  it('is compact: one line per field, giving only what differs from the usual', () => {
    const kitchenSink = SAMPLES.get('kitchen-sink')
    if (kitchenSink === undefined) throw new Error('no kitchen-sink sample')
    for (const [path, text] of generate(kitchenSink)) {
      if (!path.endsWith('.ts') || path === 'index.ts' || path === 'enums.ts' || path === 'json-value.ts')
        continue
      const start = text.indexOf(': EntityIR = {')
      const ir = text.slice(start, text.indexOf('\n}\n', start))
      expect(ir, path).toMatch(/\n {4}field\(1, /)
      expect(ir, path).not.toMatch(/unique: false|index: false|isId: false|optional: false/)
    }
  })
})
