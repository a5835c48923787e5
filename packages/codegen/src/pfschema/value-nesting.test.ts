import { describe, expect, it } from 'vitest'
import { parseSchema } from './parse-schema.js'
import { MAX_VALUE_NESTING } from './pfschema-parser.js'
import { formatSchema } from './schema-formatter.js'

// Deep input must not reach the JavaScript stack limit: every stage that walks values is bounded by the parser.
const N = 50_000
const lists = `${'['.repeat(N)}${']'.repeat(N)}`
const calls = `${'f('.repeat(N)}${')'.repeat(N)}`

const positions: Record<string, string> = {
  'list in @default': `entity A {\n  id Int @id\n  x  Int[] @default(${lists})\n}\n`,
  'call in @default': `entity A {\n  id Int @id\n  x  Int @default(${calls})\n}\n`,
  'named argument': `entity A {\n  id Int @id\n  b  Int @index(name: ${lists})\n}\n`,
  'block attribute': `entity A {\n  id Int @id\n  @@index(${calls})\n}\n`,
  'entity attribute': `entity A @storage(${lists}) {\n  id Int @id\n}\n`,
  'config value (list)': `config {\n  storage = ${lists}\n}\n`,
  'config value (call)': `config {\n  storage = ${calls}\n}\n`,
  'Json default text': `entity A {\n  id Int @id\n  x  Json @default("${lists}")\n}\n`,
}

describe('values nested beyond the limit', () => {
  it.each(Object.entries(positions))('%s: one PF1010, no throw', (_, text) => {
    const result = parseSchema(text, 'deep.pfschema')
    expect(result.ir).toBeUndefined()
    expect(result.diagnostics.map((d) => d.code)).toEqual(['PF1010'])
    expect(result.diagnostics[0]?.span.line).toBeGreaterThan(0)
    expect(result.diagnostics[0]?.message).toContain(`${MAX_VALUE_NESTING} levels`)
  })

  it.each(Object.entries(positions))('%s: the formatter refuses or formats, no throw', (name, text) => {
    const result = formatSchema(text, 'deep.pfschema')
    if (name === 'Json default text') expect(result.ok).toBe(true)
    else expect(result.ok ? [] : result.diagnostics.map((d) => d.code)).toEqual(['PF1010'])
  })

  it('reports an unclosed deep list without one error per level', () => {
    const result = parseSchema(`entity A {\n  id Int @id\n  x Int[] @default(${'['.repeat(N)})\n}\n`)
    expect(result.diagnostics.map((d) => d.code).sort()).toEqual(['PF1009', 'PF1010'])
  })

  it('accepts nesting up to the limit', () => {
    const deepest = `${'['.repeat(MAX_VALUE_NESTING)}${']'.repeat(MAX_VALUE_NESTING)}`
    const result = formatSchema(`entity A {\n  id Int @id\n  x Int[] @default(${deepest})\n}\n`)
    expect(result.ok).toBe(true)
    const json = parseSchema(`entity A {\n  id Int @id\n  x Json @default("${deepest}")\n}\n`)
    expect(json.diagnostics).toEqual([])
  })
})
