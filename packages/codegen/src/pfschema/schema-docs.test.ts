import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SCALAR_TYPE_NAMES, type SchemaIssue, schemaRuleMessages } from '@parquetframe/runtime/schema'
import { describe, expect, it } from 'vitest'
import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'
import { ENTITY_ATTRIBUTES, FIELD_ATTRIBUTES } from './attribute-binder.js'

// The language reference and the editor grammar live in schema/; these tests keep them in step with the code.
const schemaDir = join(import.meta.dirname, '..', '..', '..', '..', 'schema')

describe('schema/README.md', () => {
  const readme = readFileSync(join(schemaDir, 'README.md'), 'utf8')

  it('documents every diagnostic code with its severity', () => {
    const span = { file: 'f', line: 1, column: 1, length: 1 }
    const made = [
      ...Object.values(messages).map((factory) =>
        (factory as (...args: unknown[]) => Diagnostic)(span, 'a', 'b', 'c', 'd', 'e', ['f']),
      ),
      // The entity rules shared with the runtime are worded in @parquetframe/runtime/schema.
      ...Object.values(schemaRuleMessages).map((factory) =>
        (factory as (...args: unknown[]) => SchemaIssue)('a', 'b', 'c', 'd', 'e', 'f'),
      ),
    ]
    for (const d of made)
      expect(readme, d.code).toMatch(new RegExp(`^\\| ${d.code} \\| ${d.severity} +\\|`, 'm'))
    const documented = [...readme.matchAll(/^\| (PF\d{4}) \|/gm)].map((m) => m[1])
    expect(documented.sort()).toEqual([...new Set(made.map((d) => d.code))].sort())
  })

  it('documents every scalar type and attribute', () => {
    for (const type of SCALAR_TYPE_NAMES) expect(readme).toMatch(new RegExp(`^\\| \`${type}\` +\\|`, 'm'))
    for (const attribute of [...FIELD_ATTRIBUTES, ...ENTITY_ATTRIBUTES])
      expect(readme).toContain(`@${attribute}`)
  })
})

describe('schema/pfschema.tmLanguage.json', () => {
  const grammar = JSON.parse(readFileSync(join(schemaDir, 'pfschema.tmLanguage.json'), 'utf8')) as {
    scopeName: string
    repository: Record<string, unknown>
  }
  const text = JSON.stringify(grammar)

  it('is a TextMate grammar whose includes all resolve and whose patterns compile', () => {
    expect(grammar.scopeName).toBe('source.pfschema')
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) {
        for (const item of node) walk(item)
        return
      }
      if (node === null || typeof node !== 'object') return
      for (const [key, value] of Object.entries(node)) {
        if (key === 'include' && typeof value === 'string')
          expect(grammar.repository).toHaveProperty(value.slice(1))
        if ((key === 'match' || key === 'begin' || key === 'end') && typeof value === 'string') {
          expect(() => new RegExp(value), value).not.toThrow()
        }
        walk(value)
      }
    }
    walk(grammar)
  })

  it('knows every scalar type and attribute of the language', () => {
    for (const type of SCALAR_TYPE_NAMES) expect(text).toContain(type)
    for (const attribute of [...FIELD_ATTRIBUTES, ...ENTITY_ATTRIBUTES]) expect(text).toContain(attribute)
  })

  it('scopes a field line: name, scalar type, attribute', () => {
    const field = grammar.repository.field as { begin: string }
    const match = new RegExp(field.begin).exec('  tags  String[]? @default(now())')
    expect(match?.slice(1, 5)).toEqual(['tags', 'String', '[]', '?'])
  })
})
