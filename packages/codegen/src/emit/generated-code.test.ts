import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { biomeCheck } from './__fixtures__/biome-check.js'
import { blogIR } from './__fixtures__/blog-ir.js'
import {
  type CompileDiagnostic,
  makeTempProject,
  removeTempProject,
  renderDiagnostics,
  typeCheck,
  writeFiles,
} from './__fixtures__/compile-harness.js'
import { SAMPLES } from './__fixtures__/samples.js'
import { MISUSE_SNIPPETS, OK_SNIPPET } from './__fixtures__/usage-snippets.js'
import { generate } from './generate.js'

// The generated code of every sample and the usage snippets, compiled once with the repo's strict flags.
let dir: string
let diagnostics: CompileDiagnostic[]

const snippetFile = (i: number) => `blog-usage/misuse-${i}.ts`
/** The blog generated with a storage folder, as `pf generate` does when the schema's config sets one. */
const STORAGE_SAMPLE = 'blog-with-storage'
const STORAGE_OPTIONS = { outDir: '/app/src/generated', storageDir: '/app/data' }

beforeAll(() => {
  dir = makeTempProject()
  const files = new Map<string, string>()
  for (const [sample, ir] of SAMPLES) for (const [p, c] of generate(ir)) files.set(`${sample}/${p}`, c)
  for (const [p, c] of generate(blogIR, STORAGE_OPTIONS)) files.set(`${STORAGE_SAMPLE}/${p}`, c)
  files.set('blog-usage/ok.ts', OK_SNIPPET)
  for (const [i, s] of MISUSE_SNIPPETS.entries()) files.set(snippetFile(i), s.code)
  diagnostics = typeCheck(
    dir,
    writeFiles(dir, files).filter((p) => p.endsWith('.ts')),
  )
})

afterAll(() => removeTempProject(dir))

const inFile = (file: string) => diagnostics.filter((d) => d.file === file || d.file === '')

describe('generated code', () => {
  for (const sample of SAMPLES.keys()) {
    it(`${sample}: type-checks under strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes, NodeNext`, () => {
      const mine = diagnostics.filter((d) => d.file.startsWith(`${sample}/`) || d.file === '')
      expect(renderDiagnostics(mine)).toBe('')
    })
  }

  it('declares the storage folder relative to each entity module, and type-checks', () => {
    const user = generate(blogIR, STORAGE_OPTIONS).get('user.ts') ?? ''
    expect(user).toContain(
      "\ndeclareEntityBasePath(new URL('../../data/', import.meta.url))\nregisterEntity(User,",
    )
    expect(generate(blogIR).get('user.ts')).not.toContain('declareEntityBasePath')
    const mine = diagnostics.filter((d) => d.file.startsWith(`${STORAGE_SAMPLE}/`) || d.file === '')
    expect(renderDiagnostics(mine)).toBe('')
  })

  it('is formatted and lint-clean by the repo’s biome rules', () => {
    const { status, output } = biomeCheck(dir, [...SAMPLES.keys(), STORAGE_SAMPLE])
    expect(output).not.toMatch(/error|warn/i)
    expect(status).toBe(0)
  })
})

describe('generated types', () => {
  it('accept correct use: CRUD, where operators, orderBy, include, select, relations', () => {
    expect(renderDiagnostics(inFile('blog-usage/ok.ts'))).toBe('')
  })

  MISUSE_SNIPPETS.forEach((snippet, i) => {
    it(`reject misuse: ${snippet.name} (TS${snippet.tsCode})`, () => {
      const found = inFile(snippetFile(i))
      const lastLine = snippet.code.trimEnd().split('\n').length
      expect(found.length, renderDiagnostics(found) || 'no diagnostics: the misuse compiled').toBeGreaterThan(
        0,
      )
      const match = found.find((d) => d.code === snippet.tsCode && d.message.includes(snippet.message))
      expect(match, renderDiagnostics(found)).toBeDefined()
      expect(match!.line).toBe(lastLine)
    })
  })
})
