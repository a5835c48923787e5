import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { biomeCheck } from './__fixtures__/biome-check.js'
import {
  type CompileDiagnostic,
  makeTempProject,
  removeTempProject,
  renderDiagnostics,
  typeCheck,
  writeFiles,
} from './__fixtures__/compile-harness.js'
import { SAMPLES } from './__fixtures__/samples.js'
import { generate } from './generate.js'

// The generated code of every sample, compiled once with the repo's strict flags.
let dir: string
let diagnostics: CompileDiagnostic[]

beforeAll(() => {
  dir = makeTempProject()
  const roots: string[] = []
  for (const [sample, ir] of SAMPLES) {
    const files = new Map([...generate(ir)].map(([p, c]) => [`${sample}/${p}`, c]))
    roots.push(...writeFiles(dir, files).filter((p) => p.endsWith('.ts')))
  }
  diagnostics = typeCheck(dir, roots)
})

afterAll(() => removeTempProject(dir))

describe('generated code', () => {
  for (const sample of SAMPLES.keys()) {
    it(`${sample}: type-checks under strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes, NodeNext`, () => {
      const mine = diagnostics.filter((d) => d.file.startsWith(`${sample}/`) || d.file === '')
      expect(renderDiagnostics(mine)).toBe('')
    })
  }

  it('is formatted and lint-clean by the repo’s biome rules', () => {
    const { status, output } = biomeCheck(dir, [...SAMPLES.keys()])
    expect(output).not.toMatch(/error|warn/i)
    expect(status).toBe(0)
  })
})
