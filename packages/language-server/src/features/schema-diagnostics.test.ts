import { parseSchema } from '@parquetframe/codegen'
import { describe, expect, it } from 'vitest'
import type { SchemaFileText } from '../workspace/schema-workspace.js'
import { schemaDiagnostics } from './schema-diagnostics.js'

const file = (name: string, text: string): SchemaFileText => ({
  uri: `file:///p/${name}`,
  path: `/p/${name}`,
  name,
  text,
  version: 1,
})

describe('schemaDiagnostics', () => {
  it('gives the checker’s code, message and hint, at its line and UTF-16 column', () => {
    // The emoji before the unknown attribute is two UTF-16 units, as LSP columns count by default.
    const text = 'entity A {\n  id Int @id\n  name String @map("😀") @uniqe\n}\n'
    const [result] = schemaDiagnostics({ key: 'a', files: [file('a.pfschema', text)], unreadable: [] })
    const [expected] = parseSchema(text, 'a.pfschema').diagnostics
    expect(expected?.code).toBe('PF1101')
    expect(expected?.hint).toContain('unique')
    expect(result?.diagnostics).toEqual([
      {
        range: { start: { line: 2, character: 26 }, end: { line: 2, character: 31 } },
        severity: 1,
        code: 'PF1101',
        source: 'pf',
        message: `${expected?.message}\nhint: ${expected?.hint}`,
      },
    ])
    expect(text.split('\n')[2]?.slice(26, 31)).toBe('uniqe')
  })

  it('lists every file of the group, clean ones with no diagnostics, and a warning as a warning', () => {
    const results = schemaDiagnostics({
      key: 'dir',
      files: [file('a.pfschema', 'entity a {\n  id Int @id\n}\n'), file('b.pfschema', 'enum B { X }\n')],
      unreadable: [],
    })
    expect(results.map((r) => [r.uri, r.diagnostics.map((d) => [d.code, d.severity])])).toEqual([
      ['file:///p/a.pfschema', [['PF2007', 2]]],
      ['file:///p/b.pfschema', []],
    ])
  })

  it('reports only the unreadable files when a file of the folder cannot be read, as pf validate does', () => {
    const bad = file('bad.pfschema', '')
    const results = schemaDiagnostics({
      key: 'dir',
      files: [file('a.pfschema', 'entity A {\n}\n')],
      unreadable: [
        {
          file: bad,
          diagnostic: {
            code: 'PF0005',
            severity: 'error',
            message: 'bad.pfschema is not valid UTF-8',
            span: { file: 'bad.pfschema', line: 1, column: 3, length: 1 },
          },
        },
      ],
    })
    expect(results.map((r) => [r.uri, r.diagnostics.map((d) => d.code)])).toEqual([
      ['file:///p/a.pfschema', []],
      ['file:///p/bad.pfschema', ['PF0005']],
    ])
  })
})
