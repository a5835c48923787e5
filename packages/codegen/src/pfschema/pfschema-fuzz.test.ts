import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hasErrors } from '../diagnostics/diagnostic.js'
import { parseSchema } from './parse-schema.js'
import { formatSchema } from './schema-formatter.js'

// Property tests: no input, however malformed, makes the front-end throw; every span points inside the text;
// formatting is idempotent and keeps the meaning of whatever it accepts.

const samplesDir = join(import.meta.dirname, '..', '..', '..', '..', 'schema', 'samples')
const brokenDir = join(import.meta.dirname, '__fixtures__', 'broken')
const read = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.pfschema'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
const BASES = [...read(samplesDir), ...read(brokenDir)]

// biome-ignore format: a fragment list reads best packed
const FRAGMENTS = [
  '{', '}', '(', ')', '[', ']', '[]', '?', ',', ':', '=', '@', '@@', '"', '\\', '//', '///', '\n', '\t', ' ',
  'entity', 'enum', 'config', 'Int', 'String', 'User', 'Post', 'id', '@id', '@default(', 'now()', '@relation(',
  'foreignKey:', '-', '-1.5e3', '0', '"x"', '@@index([a, b])', 'é', '😀', '\r\n', '\u0000', '#',
]

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...FRAGMENTS) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ maxLength: 6 }) }),
)
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never

function mutate(base: string, mutations: readonly Mutation[]): string {
  let text = base
  for (const m of mutations) {
    const at = text.length === 0 ? 0 : m.at % (text.length + 1)
    text =
      m.kind === 'insert'
        ? text.slice(0, at) + m.text + text.slice(at)
        : text.slice(0, at) + text.slice(at + m.length)
  }
  return text
}

const mutatedSchema = fc
  .tuple(fc.constantFrom(...BASES), fc.array(mutation, { minLength: 1, maxLength: 8 }))
  .map(([base, mutations]) => mutate(base, mutations))
const randomSchema = fc
  .array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 })
  .map((parts) => parts.join(' '))

function checkSpans(text: string): void {
  const result = parseSchema(text, 'fuzz.pfschema')
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''))
  for (const d of result.diagnostics) {
    expect(d.span.file).toBe('fuzz.pfschema')
    expect(d.code).toMatch(/^PF\d{4}$/)
    const line = lines[d.span.line - 1]
    expect(line, `line ${d.span.line} of ${lines.length}`).toBeDefined()
    expect(d.span.column).toBeGreaterThanOrEqual(1)
    expect(d.span.column - 1).toBeLessThanOrEqual((line ?? '').length)
    expect(d.span.column - 1 + d.span.length).toBeLessThanOrEqual(
      Math.max((line ?? '').length, d.span.column),
    )
  }
  expect(result.ir === undefined).toBe(hasErrors(result.diagnostics))
}

const withoutSpans = (text: string) =>
  JSON.stringify(parseSchema(text).ir, (key, value) => (key === 'span' ? undefined : value))
const codes = (text: string) =>
  parseSchema(text)
    .diagnostics.map((d) => d.code)
    .sort()

function checkFormatter(text: string): void {
  const result = formatSchema(text)
  if (!result.ok) {
    expect(result.diagnostics.length).toBeGreaterThan(0)
    return
  }
  const again = formatSchema(result.text)
  expect(again.ok && again.text).toBe(result.text)
  expect(codes(result.text)).toEqual(codes(text))
  expect(withoutSpans(result.text)).toBe(withoutSpans(text))
}

describe('pfschema front-end under random input', () => {
  it('never throws on mutated schemas and keeps spans inside the text', () => {
    fc.assert(fc.property(mutatedSchema, checkSpans), { numRuns: 400 })
  })

  it('never throws on random token soup and keeps spans inside the text', () => {
    fc.assert(fc.property(randomSchema, checkSpans), { numRuns: 400 })
  })

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200, unit: 'binary' }), checkSpans), { numRuns: 300 })
  })

  it('formats whatever parses: idempotent, same meaning, same diagnostics', () => {
    fc.assert(fc.property(fc.oneof(mutatedSchema, randomSchema), checkFormatter), { numRuns: 400 })
  })
})
