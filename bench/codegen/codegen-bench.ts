// Codegen benchmark: cold and warm generate for a 200-entity schema, regeneration after changing one entity,
// generated size against entity count, and the TypeScript type-check time of the generated code.
// usage: npm run build && npx tsx --conditions=@parquetframe/source bench/codegen/codegen-bench.ts [entities=200]
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { generate, parseSchema } from '@parquetframe/codegen'
import {
  makeTempProject,
  removeTempProject,
  typeCheck,
  writeFiles,
} from '../../packages/codegen/src/emit/__fixtures__/compile-harness.js'
import { fmtMs, writeResults } from '../lib/bench-util.mjs'
import { schemaText } from './make-schema.js'

/** Wall and CPU milliseconds of one call (CPU time is what the code costs on a busy machine). */
function timed<T>(fn: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const value = fn()
  const wall = performance.now() - t0
  const c = process.cpuUsage(c0)
  return { value, wall, cpu: (c.user + c.system) / 1000 }
}

/** Median wall and CPU milliseconds of `runs` calls after one warm-up. */
function median(fn: () => unknown, runs = 5): { wall: number; cpu: number } {
  fn()
  const samples = Array.from({ length: runs }, () => timed(fn))
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  return { wall: mid(samples.map((s) => s.wall)), cpu: mid(samples.map((s) => s.cpu)) }
}

const both = (t: { wall: number; cpu: number }) => `${fmtMs(t.wall)} wall, ${fmtMs(t.cpu)} CPU`

const N = Number(process.argv[2] ?? 200)

function parseAndGenerate(text: string): ReadonlyMap<string, string> {
  const parsed = parseSchema(text, 'bench.pfschema')
  if (!parsed.ir) throw new Error(`schema has errors: ${parsed.diagnostics.map((d) => d.message).join('; ')}`)
  return generate(parsed.ir)
}

function bytes(files: ReadonlyMap<string, string>): number {
  let total = 0
  for (const c of files.values()) total += Buffer.byteLength(c)
  return total
}

const lines: string[] = []
const text = schemaText(N)
const relations = (text.match(/@relation/g) ?? []).length

// Cold: the first parse + generate in this process (JIT cold, modules already loaded).
const cold = timed(() => parseAndGenerate(text))
const files = cold.value
const warm = median(() => parseAndGenerate(text))
const parsed = parseSchema(text, 'bench.pfschema')
const parseOnly = median(() => parseSchema(text, 'bench.pfschema'))
const generateOnly = median(() => generate(parsed.ir!))

// Regeneration after changing one entity (one field added to entity 57).
const changedIndex = Math.min(57, N - 1)
const changedText = schemaText(N, changedIndex)
const regen = median(() => parseAndGenerate(changedText))
const after = parseAndGenerate(changedText)
const changedFiles = [...after.keys()].filter((p) => after.get(p) !== files.get(p))

// The CLI end to end, in a fresh process, as a user runs it: the built binary (run `npm run build` first).
const project = makeTempProject('pf-codegen-bench-')
writeFileSync(join(project, 'schema.pfschema'), text)
const cliArgs = [join(process.cwd(), 'packages/cli/bin/pf.js')]
const t0 = performance.now()
const cli = spawnSync(
  process.execPath,
  [...cliArgs, 'generate', '--schema', 'schema.pfschema', '--out', 'src/generated'],
  {
    cwd: project,
    encoding: 'utf8',
  },
)
const cliMs = performance.now() - t0
const cliOut = `${cli.stdout}${cli.stderr}`.trim().split('\n').at(-1) ?? ''

// Size against entity count.
const sizes: { n: number; files: number; bytes: number; lines: number }[] = []
for (const n of [25, 50, 100, 200, 400]) {
  const f = parseAndGenerate(schemaText(n))
  let lineCount = 0
  for (const c of f.values()) lineCount += c.split('\n').length - 1
  sizes.push({ n, files: f.size, bytes: bytes(f), lines: lineCount })
}

// Type-check the generated code under the repo's strict flags (compiler API, no emit): N entities, and a small
// schema for the fixed cost (runtime and zod types) that every check pays.
function checkGenerated(generated: ReadonlyMap<string, string>) {
  const tcDir = makeTempProject('pf-codegen-tc-')
  const roots = writeFiles(tcDir, generated).filter((p) => p.endsWith('.ts'))
  const result = timed(() => typeCheck(tcDir, roots))
  removeTempProject(tcDir)
  return result
}
const small = checkGenerated(parseAndGenerate(schemaText(10)))
const checked = checkGenerated(files)
const diagnostics = checked.value
removeTempProject(project)

const load = loadavg()[0]!.toFixed(1)
lines.push(
  `Machine load average at the end of the run: ${load} on ${cpus().length} cores (wall times stretch under load; CPU times do not).`,
  '',
  `Schema: ${N} entities, ${relations} relations, ${text.split('\n').length} lines of .pfschema.`,
  '',
  '| measure | result | target |',
  '| --- | --- | --- |',
  `| cold parse + generate (first call in the process) | ${both(cold)} | <= 2 s |`,
  `| warm parse + generate (median of 5) | ${both(warm)} | |`,
  `| of which parse (warm) | ${both(parseOnly)} | |`,
  `| of which generate (warm) | ${both(generateOnly)} | |`,
  `| regenerate after adding a field to one entity (warm) | ${both(regen)} | <= 200 ms |`,
  `| files whose content changed | ${changedFiles.join(', ')} (${changedFiles.length} of ${after.size}) | only the entity's own |`,
  `| \`pf generate\` in a fresh process (built binary) | ${fmtMs(cliMs)}, exit ${cli.status}: ${cliOut.replace(/\|/g, '/')} | <= 2 s |`,
  `| type-check of the generated code (${files.size} files, strict, compiler API) | ${both(checked)}, ${diagnostics.length} diagnostics | report |`,
  `| the same for 10 entities (the fixed cost: runtime and zod types) | ${both(small)}, ${small.value.length} diagnostics | |`,
  '',
  '## Generated size against entity count',
  '',
  '| entities | files | bytes | lines | bytes per entity |',
  '| ---: | ---: | ---: | ---: | ---: |',
  ...sizes.map((s) => `| ${s.n} | ${s.files} | ${s.bytes} | ${s.lines} | ${Math.round(s.bytes / s.n)} |`),
  '',
  `Bytes per entity stay flat (${Math.round(sizes[0]!.bytes / sizes[0]!.n)} at ${sizes[0]!.n} entities, ` +
    `${Math.round(sizes.at(-1)!.bytes / sizes.at(-1)!.n)} at ${sizes.at(-1)!.n}): the output grows linearly.`,
)

writeResults(join(import.meta.dirname, 'results.md'), 'Codegen benchmark', lines)
console.log(lines.join('\n'))
