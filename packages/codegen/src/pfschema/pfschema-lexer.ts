import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'
import type { CommentToken, Token, TokenKind } from './pfschema-token.js'

/** The tokens of one file: significant tokens (ending with `eof`), comments, and lexical diagnostics. */
export interface LexResult {
  readonly tokens: readonly Token[]
  readonly comments: readonly CommentToken[]
  readonly diagnostics: readonly Diagnostic[]
}

// Identifiers are lexed with any Unicode letter so a name like `Café` is one token; the binder then refuses
// non-ASCII names once (PF2009) instead of the lexer cascading errors through the line.
const isAsciiLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_'
const isIdentStart = (c: string) => isAsciiLetter(c) || (c > '\x7f' && /\p{L}/u.test(c))
const isIdentPart = (c: string) =>
  isAsciiLetter(c) || (c >= '0' && c <= '9') || (c > '\x7f' && /[\p{L}\p{N}\p{M}]/u.test(c))
const isDigit = (c: string) => c >= '0' && c <= '9'
const SINGLE = new Set(['@', '{', '}', '(', ')', '[', ']', ',', ':', '=', '?'])
function isUnknown(text: string, i: number): boolean {
  const c = text[i] as string
  if (/[\s"\p{L}\p{N}_]/u.test(c) || SINGLE.has(c) || c === '-') return false
  return !(c === '/' && text[i + 1] === '/')
}
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r' }

/** Splits `.pfschema` text into tokens. Never throws: bad characters become diagnostics and are skipped. */
export function lexPfschema(text: string, file: string): LexResult {
  const tokens: Token[] = []
  const comments: CommentToken[] = []
  const diagnostics: Diagnostic[] = []
  let i = 0
  let line = 1
  let lineStart = 0
  let newlineBefore = true

  const span = (offset: number, length: number, atLine = line, atLineStart = lineStart) => ({
    file,
    line: atLine,
    column: offset - atLineStart + 1,
    length: Math.max(0, length),
  })
  const push = (kind: TokenKind, start: number, value: string) => {
    tokens.push({
      kind,
      text: text.slice(start, i),
      value,
      offset: start,
      end: i,
      line,
      column: start - lineStart + 1,
      newlineBefore,
    })
    newlineBefore = false
  }

  while (i < text.length) {
    const c = text[i] as string
    if (c === '\n') {
      i++
      line++
      lineStart = i
      newlineBefore = true
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\uFEFF') {
      i++
      continue
    }
    if (c === '/' && text[i + 1] === '/') {
      const start = i
      while (i < text.length && text[i] !== '\n') i++
      const raw = text.slice(start, i).replace(/\s+$/, '')
      const before = text.slice(lineStart, start)
      comments.push({
        text: raw,
        doc: raw.startsWith('///') && !raw.startsWith('////'),
        offset: start,
        end: start + raw.length,
        line,
        column: start - lineStart + 1,
        ownLine: before.trim() === '',
      })
      continue
    }
    if (isIdentStart(c)) {
      const start = i
      while (i < text.length && isIdentPart(text[i] as string)) i++
      push('ident', start, text.slice(start, i))
      continue
    }
    if (isDigit(c) || (c === '-' && isDigit(text[i + 1] ?? ''))) {
      const start = i
      if (c === '-') i++
      while (isDigit(text[i] ?? '')) i++
      if (text[i] === '.' && isDigit(text[i + 1] ?? '')) {
        i++
        while (isDigit(text[i] ?? '')) i++
      }
      if ((text[i] === 'e' || text[i] === 'E') && /^[+-]?\d/.test(text.slice(i + 1, i + 3))) {
        i += 2
        while (isDigit(text[i] ?? '')) i++
      }
      push('number', start, text.slice(start, i))
      continue
    }
    if (c === '"') {
      const start = i
      i++
      let value = ''
      let closed = false
      while (i < text.length && text[i] !== '\n') {
        const ch = text[i] as string
        if (ch === '"') {
          i++
          closed = true
          break
        }
        if (ch === '\\') {
          const next = text[i + 1]
          const escaped = next === undefined ? undefined : ESCAPES[next]
          if (escaped === undefined) {
            const seq = next === undefined || next === '\n' ? '\\' : `\\${next}`
            diagnostics.push(messages.invalidEscape(span(i, seq.length), seq))
            i += seq.length
          } else {
            value += escaped
            i += 2
          }
          continue
        }
        value += ch
        i++
      }
      if (!closed) diagnostics.push(messages.unterminatedString(span(start, i - start)))
      push('string', start, value)
      continue
    }
    if (c === '@' && text[i + 1] === '@') {
      const start = i
      i += 2
      push('punct', start, '@@')
      continue
    }
    if (SINGLE.has(c)) {
      const start = i
      i++
      push('punct', start, c)
      continue
    }
    // Unknown characters: one diagnostic per run of them, then skip the run.
    const start = i
    do {
      const cp = text.codePointAt(i) ?? 0
      i += cp > 0xffff ? 2 : 1
    } while (i < text.length && isUnknown(text, i))
    diagnostics.push(messages.unexpectedCharacter(span(start, i - start), text.slice(start, i)))
  }
  tokens.push({
    kind: 'eof',
    text: '',
    value: '',
    offset: i,
    end: i,
    line,
    column: i - lineStart + 1,
    newlineBefore: true,
  })
  return { tokens, comments, diagnostics }
}
