import { describe, expect, it } from 'vitest'
import type { Diagnostic } from './diagnostic.js'
import { hasErrors, sortDiagnostics } from './diagnostic.js'
import { DiagnosticError } from './diagnostic-error.js'
import {
  clipLine,
  MAX_MESSAGE,
  MAX_SHOWN_LINE,
  renderDiagnostic,
  renderDiagnostics,
} from './diagnostic-renderer.js'
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

const at = (line: number, column: number, length = 1): Diagnostic =>
  messages.unknownType({ file: 'big.pfschema', line, column, length }, 'Foo')

describe('long lines and many diagnostics', () => {
  it('clips a long line around the caret with … at both cuts, the caret under the same character', () => {
    const line = `${'a'.repeat(100_000)}BAD${'b'.repeat(100_000)}`
    const [head, source, caret] = renderDiagnostic(at(1, 100_001, 3), line).split('\n')
    expect(head).toBe('big.pfschema:1:100001: error PF2005: unknown type "Foo"')
    expect(source).toBe(`1 | …${'a'.repeat(40)}BAD${'b'.repeat(MAX_SHOWN_LINE - 43)}…`)
    expect(caret?.indexOf('^')).toBe(source?.indexOf('BAD'))
    expect(caret?.slice(caret.indexOf('^'))).toBe('^^^')
  })

  it('shortens a message quoting a huge token in the middle', () => {
    const name = `${'n'.repeat(100_000)}END`
    const [head] = renderDiagnostic(
      messages.unknownType({ file: 'f', line: 1, column: 1, length: 1 }, name),
    ).split('\n')
    expect(head?.length).toBeLessThan(MAX_MESSAGE + 60)
    expect(head).toMatch(/^f:1:1: error PF2005: unknown type "n+…n+END"$/)
  })

  it('clips only where the line is cut: start and end of a long line', () => {
    const line = 'x'.repeat(1000)
    const start = clipLine(line, 0, 1)
    expect(start).toEqual({ text: `${'x'.repeat(MAX_SHOWN_LINE)}…`, caretAt: 0, caretLength: 1 })
    const end = clipLine(line, 999, 5)
    expect(end.text).toBe(`…${'x'.repeat(MAX_SHOWN_LINE)}`)
    expect(end.caretAt).toBe(MAX_SHOWN_LINE)
    expect(end.caretLength).toBe(1)
    expect(clipLine('short', 2, 2)).toEqual({ text: 'short', caretAt: 2, caretLength: 2 })
  })

  it('keeps tabs before the caret on a clipped line and never splits a surrogate pair', () => {
    const line = `${'\t'.repeat(200)}X${'😀'.repeat(200)}`
    const out = renderDiagnostic(at(1, 201), line).split('\n')
    expect(out[2]).toBe(`  |  ${'\t'.repeat(40)}^`)
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
    const line2 = `a${'😀'.repeat(300)}b`
    const atStart = clipLine(line2, 0, 1)
    expect(atStart.text.endsWith('😀…')).toBe(true)
    const atEnd = clipLine(line2, 599, 2)
    expect(atEnd.text.startsWith('…😀')).toBe(true)
    expect(atEnd.text.slice(atEnd.caretAt, atEnd.caretAt + 2)).toBe('😀')
    for (const clipped of [atStart, atEnd]) expect(clipped.text).not.toMatch(loneSurrogate)
  })

  it('prints the first 50 and counts the rest, the summary counting all', () => {
    const diagnostics = Array.from({ length: 20_000 }, (_, i) => at(i + 1, 1))
    diagnostics.push(
      messages.partitionById({ file: 'big.pfschema', line: 1, column: 1, length: 1 }, 'U', 'id'),
    )
    const out = renderDiagnostics(diagnostics, new Map([['big.pfschema', 'Foo\n'.repeat(20_000)]]))
    expect(out.match(/error PF2005/g)).toHaveLength(50)
    expect(out).toContain('\n\n… and 19951 more (19950 errors, 1 warning)\n\n20000 errors, 1 warning')
    expect(out.endsWith('20000 errors, 1 warning')).toBe(true)
    expect(renderDiagnostics(diagnostics.slice(0, 3), undefined, { limit: 2 })).toContain(
      '… and 1 more (1 error)',
    )
  })

  it('renders 200k diagnostics over a 200k-line file reading and indexing each source once', () => {
    // Rescanning the text per diagnostic would be 200k × 2.4 MB (about 5·10^11 character steps): this test could
    // not finish. With the line index it is one pass over the text plus constant work per diagnostic.
    const lines = 200_000
    const text = Array.from({ length: lines }, (_, i) => `  f${i} Foo`).join('\n')
    const diagnostics = Array.from({ length: lines }, (_, i) => at(i + 1, 5 + String(i).length, 3))
    let lookups = 0
    const out = renderDiagnostics(
      diagnostics,
      (file) => {
        lookups++
        return file === 'big.pfschema' ? text : undefined
      },
      { limit: Number.POSITIVE_INFINITY },
    )
    expect(lookups).toBe(1)
    expect(out.match(/\^\^\^/g)).toHaveLength(lines)
    expect(out).toContain(`200000 |   f199999 Foo\n       |           ^^^`)
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

  it('lists at most 50 diagnostics in its message', () => {
    const error = new DiagnosticError(Array.from({ length: 1000 }, () => unknown))
    expect(error.message.match(/PF2005/g)).toHaveLength(50)
    expect(error.message).toContain('… and 950 more')
    expect(error.message.startsWith('Schema has 1000 errors:')).toBe(true)
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
