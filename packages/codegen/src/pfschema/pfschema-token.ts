/** Kinds of significant tokens; comments are kept apart (see `CommentToken`). */
export type TokenKind = 'ident' | 'string' | 'number' | 'punct' | 'eof'

/** One significant token with its position (offset 0-based; line and column 1-based). */
export interface Token {
  readonly kind: TokenKind
  /** Source text of the token (for strings: with quotes and escapes). */
  readonly text: string
  /** Unescaped content for strings; same as `text` otherwise. */
  readonly value: string
  readonly offset: number
  readonly end: number
  readonly line: number
  readonly column: number
  /** A line break separates this token from the previous significant token (or it starts the file). */
  readonly newlineBefore: boolean
}

/** A `//` or `///` comment, up to the end of its line. */
export interface CommentToken {
  /** Full text, starting with `//`, without the line break and trailing spaces. */
  readonly text: string
  /** A `///` doc comment (but not `////`). */
  readonly doc: boolean
  readonly offset: number
  readonly end: number
  readonly line: number
  readonly column: number
  /** Nothing but white space precedes the comment on its line. */
  readonly ownLine: boolean
}

/** Punctuation the language uses. `@@` is one token. */
export const PUNCTUATION = ['@@', '@', '{', '}', '(', ')', '[', ']', ',', ':', '=', '?'] as const

/** Describes a token for a message: `"{"`, `identifier "foo"`, `end of file`. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'end of file'
    case 'ident':
      return `identifier "${token.text}"`
    case 'string':
      return `string ${token.text.length > 30 ? `${token.text.slice(0, 27)}..."` : token.text}`
    case 'number':
      return `number ${token.text}`
    case 'punct':
      return `"${token.text}"`
  }
}
