import { describe, expect, it } from 'vitest'
import type { Diagnostic } from './diagnostic.js'
import { hasErrors, sortDiagnostics } from './diagnostic.js'
import { DiagnosticError } from './diagnostic-error.js'
import { renderDiagnostic, renderDiagnostics } from './diagnostic-renderer.js'
import { messages } from './messages.js'

const source = 'entity User {\n  id    Int @id\n  posts Pots[]\n}\n'
const unknown = messages.unknownType({ file: 's.pfschema', line: 3, column: 9, length: 4 }, 'Pots', 'Post')
const warning = messages.partitionById({ file: 's.pfschema', line: 2, column: 3, length: 2 }, 'User', 'id')

describe('renderDiagnostic', () => {
  it('prints location, severity, code, message, the source line, a caret underline and the hint', () => {
    expect(renderDiagnostic(unknown, source)).toBe(
      [
        's.pfschema:3:9: error PF2005: unknown type "Pots"',
        '3 |   posts Pots[]',
        '  |         ^^^^',
        'hint: did you mean "Post"?',
      ].join('\n'),
    )
  })

  it('prints only the first line and hint without a source', () => {
    expect(renderDiagnostic(unknown)).toBe(
      's.pfschema:3:9: error PF2005: unknown type "Pots"\nhint: did you mean "Post"?',
    )
  })

  it('keeps tabs in the caret prefix and clamps the underline to the line', () => {
    const d: Diagnostic = {
      code: 'PF9999',
      severity: 'error',
      message: 'm',
      span: { file: 'f', line: 1, column: 3, length: 50 },
    }
    expect(renderDiagnostic(d, '\t\tabc')).toBe('f:1:3: error PF9999: m\n1 | \t\tabc\n  | \t\t^^^')
  })

  it('draws one caret at the end of a line (for "unexpected end of file")', () => {
    const d: Diagnostic = {
      code: 'PF9999',
      severity: 'error',
      message: 'm',
      span: { file: 'f', line: 1, column: 4, length: 1 },
    }
    expect(renderDiagnostic(d, 'abc').split('\n')[2]).toBe('  |    ^')
  })

  it('renders a list with a summary line, looking sources up by file', () => {
    const out = renderDiagnostics([warning, unknown], new Map([['s.pfschema', source]]))
    expect(out).toContain('s.pfschema:2:3: warning PF3016')
    expect(out).toContain('3 |   posts Pots[]')
    expect(out.endsWith('1 error, 1 warning')).toBe(true)
    expect(renderDiagnostics([])).toBe('')
  })
})

describe('diagnostic helpers', () => {
  it('tells errors from warnings and sorts by position', () => {
    expect(hasErrors([warning])).toBe(false)
    expect(hasErrors([warning, unknown])).toBe(true)
    expect(sortDiagnostics([unknown, warning])).toEqual([warning, unknown])
  })
})

describe('DiagnosticError', () => {
  it('carries the diagnostics, a stable code, and renders them with sources', () => {
    const error = new DiagnosticError([unknown, warning], (file) =>
      file === 's.pfschema' ? source : undefined,
    )
    expect(error).toBeInstanceOf(Error)
    expect(error.code).toBe('PF_SCHEMA')
    expect(error.name).toBe('DiagnosticError')
    expect(error.diagnostics).toHaveLength(2)
    expect(error.message).toBe(
      'Schema has 1 error, 1 warning:\ns.pfschema:3:9: error PF2005: unknown type "Pots"\nhint: did you mean "Post"?',
    )
    expect(error.render()).toContain('  |         ^^^^')
  })
})

describe('messages', () => {
  it('gives every factory a unique PF code', () => {
    const span = { file: 'f', line: 1, column: 1, length: 1 }
    const codes = Object.values(messages).map((factory) => {
      const make = factory as (...args: unknown[]) => Diagnostic
      return make(span, 'a', 'b', 'c', 'd', 'e', ['f']).code
    })
    for (const code of codes) expect(code).toMatch(/^PF\d{4}$/)
    expect(new Set(codes).size).toBe(codes.length)
  })
})
