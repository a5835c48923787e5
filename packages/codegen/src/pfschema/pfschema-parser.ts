import type { Diagnostic, DiagnosticSpan } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'
import { closestName } from './edit-distance.js'
import type {
  ArgNode,
  AstSpan,
  AttributeNode,
  BlockAttributeNode,
  ConfigEntryNode,
  ConfigNode,
  DeclarationNode,
  EntityMemberNode,
  EntityNode,
  EnumNode,
  EnumValueNode,
  FieldNode,
  NameNode,
  SchemaFileNode,
  TypeRefNode,
  ValueNode,
} from './pfschema-ast.js'
import { lexPfschema } from './pfschema-lexer.js'
import { type CommentToken, describeToken, type Token } from './pfschema-token.js'

/** A parsed file and its lexical and syntax diagnostics. */
export interface ParseFileResult {
  readonly ast: SchemaFileNode
  readonly diagnostics: readonly Diagnostic[]
}

const DECLARATION_KEYWORDS = ['entity', 'enum', 'config'] as const

/** Deepest nesting of lists and calls in a value; deeper input is one PF1010, so no stage recurses without bound. */
export const MAX_VALUE_NESTING = 64

/**
 * Parses one `.pfschema` file into an AST. Recovers from errors (skipping to the next line or declaration) so one
 * run reports every syntax error; never throws.
 */
export function parsePfschemaFile(text: string, file: string): ParseFileResult {
  const lexed = lexPfschema(text, file)
  const parser = new PfschemaParser(lexed.tokens, lexed.comments, file)
  const declarations = parser.parseFile()
  return {
    ast: { file, text, declarations, comments: lexed.comments },
    diagnostics: [...lexed.diagnostics, ...parser.diagnostics],
  }
}

class PfschemaParser {
  readonly diagnostics: Diagnostic[] = []
  private pos = 0
  private lastEnd = 0
  /** Lists and calls currently open around the value being parsed. */
  private nesting = 0
  private readonly docByLine = new Map<number, CommentToken>()

  constructor(
    private readonly tokens: readonly Token[],
    comments: readonly CommentToken[],
    private readonly file: string,
  ) {
    for (const c of comments) if (c.ownLine) this.docByLine.set(c.line, c)
  }

  parseFile(): DeclarationNode[] {
    const declarations: DeclarationNode[] = []
    while (this.peek().kind !== 'eof') {
      const t = this.peek()
      const declaration =
        t.kind === 'ident' && t.text === 'entity'
          ? this.parseEntity()
          : t.kind === 'ident' && t.text === 'enum'
            ? this.parseEnum()
            : t.kind === 'ident' && t.text === 'config'
              ? this.parseConfig()
              : undefined
      if (declaration !== undefined) {
        declarations.push(declaration)
        continue
      }
      const suggestion = t.kind === 'ident' ? closestName(t.text, DECLARATION_KEYWORDS) : undefined
      this.diagnostics.push(messages.unknownDeclaration(this.tokenSpan(t), describeToken(t), suggestion))
      this.skipToDeclaration()
    }
    return declarations
  }

  // ---- declarations

  private parseEntity(): EntityNode {
    const keyword = this.next()
    const doc = this.docBefore(keyword)
    const name = this.expectName('an entity name')
    const attributes: AttributeNode[] = []
    while (this.isPunct('@')) {
      const attribute = this.parseAttribute()
      if (attribute !== undefined) attributes.push(attribute)
    }
    const members: EntityMemberNode[] = []
    const body = this.parseBlock(`entity "${name.text}"`, (t) => {
      if (t.kind === 'punct' && t.text === '@@') {
        const member = this.parseBlockAttribute()
        if (member !== undefined) members.push(member)
      } else if (t.kind === 'ident') {
        members.push(this.parseField())
      } else if (t.kind === 'punct' && t.text === '@') {
        this.diagnostics.push(
          messages.attributeOnOwnLine(
            this.tokenSpan(t),
            `@${this.peek(1).kind === 'ident' ? this.peek(1).text : ''}`,
          ),
        )
        this.parseAttribute()
      } else {
        this.diagnostics.push(messages.unexpectedToken(this.tokenSpan(t), 'a field name', describeToken(t)))
        this.skipLine()
      }
    })
    return { kind: 'entity', name, attributes, members, doc, span: this.spanFrom(keyword), ...body }
  }

  private parseEnum(): EnumNode {
    const keyword = this.next()
    const doc = this.docBefore(keyword)
    const name = this.expectName('an enum name')
    const values: EnumValueNode[] = []
    const body = this.parseBlock(`enum "${name.text}"`, (t) => {
      if (t.kind === 'ident') {
        this.next()
        values.push({ name: { text: t.text, span: this.spanOf(t) }, span: this.spanOf(t) })
      } else {
        const hint = t.text === ',' ? 'separate enum values with spaces or new lines' : undefined
        this.diagnostics.push(
          messages.unexpectedToken(this.tokenSpan(t), 'an enum value', describeToken(t), hint),
        )
        this.next()
      }
    })
    return { kind: 'enum', name, values, doc, span: this.spanFrom(keyword), ...body }
  }

  private parseConfig(): ConfigNode {
    const keywordToken = this.next()
    const keyword = { text: keywordToken.text, span: this.spanOf(keywordToken) }
    const entries: ConfigEntryNode[] = []
    const body = this.parseBlock('config', (t) => {
      if (t.kind !== 'ident') {
        this.diagnostics.push(messages.unexpectedToken(this.tokenSpan(t), 'a config key', describeToken(t)))
        this.next()
        return
      }
      this.next()
      const key = { text: t.text, span: this.spanOf(t) }
      let value: ValueNode | undefined
      if (this.isPunct('=')) {
        this.next()
        const errorsBefore = this.diagnostics.length
        const parsed = this.parseValue('a config value')
        // A value cut short by a syntax error is dropped: the binder would only report it a second time.
        value = this.diagnostics.length === errorsBefore ? parsed : undefined
      } else {
        const found = this.peek()
        this.diagnostics.push(
          messages.unexpectedToken(this.tokenSpan(found), `"=" after "${t.text}"`, describeToken(found)),
        )
      }
      entries.push({ key, value, span: this.spanFrom(t) })
    })
    return { kind: 'config', keyword, entries, span: this.spanFrom(keywordToken), ...body }
  }

  /**
   * Opens a block and parses its items (see parseBlockBody). Without a `{` there is no body: it starts where the
   * last token ended and has no close.
   */
  private parseBlock(
    what: string,
    item: (t: Token) => void,
  ): { bodyStart: number; close: AstSpan | undefined } {
    const open = this.openBlock()
    if (open === undefined) return { bodyStart: this.lastEnd, close: undefined }
    return { bodyStart: open.end, close: this.parseBlockBody(open, what, item) }
  }

  /**
   * Parses the items of a block opened by `open` until its `}` (returns the close span). At the end of input or
   * at the next declaration it reports the block (`what`) as unclosed and returns undefined. `item` receives the
   * token that starts each item and must consume at least that token.
   */
  private parseBlockBody(open: Token, what: string, item: (t: Token) => void): AstSpan | undefined {
    for (;;) {
      const t = this.peek()
      if (t.kind === 'punct' && t.text === '}') return this.spanOf(this.next())
      if (t.kind === 'eof' || this.isDeclarationStart()) {
        this.diagnostics.push(messages.unclosedBlock(this.tokenSpan(open), what))
        return undefined
      }
      item(t)
    }
  }

  /** Consumes `{`; on anything else reports it and skips to the next `{` (returned) or declaration (undefined). */
  private openBlock(): Token | undefined {
    if (this.isPunct('{')) return this.next()
    const t = this.peek()
    this.diagnostics.push(messages.unexpectedToken(this.tokenSpan(t), '"{"', describeToken(t)))
    for (;;) {
      const u = this.peek()
      if (u.kind === 'eof' || (u.newlineBefore && this.isDeclarationKeyword(u))) return undefined
      this.next()
      if (u.kind === 'punct' && u.text === '{') return u
    }
  }

  // ---- entity members

  private parseField(): FieldNode {
    const nameToken = this.next()
    const name = { text: nameToken.text, span: this.spanOf(nameToken) }
    const doc = this.docBefore(nameToken)
    const attributes: AttributeNode[] = []
    const t = this.peek()
    if (t.newlineBefore || t.kind === 'eof' || (t.kind === 'punct' && t.text === '}')) {
      this.diagnostics.push(messages.missingFieldType(this.tokenSpan(nameToken), nameToken.text))
      return { kind: 'field', name, type: undefined, attributes, doc, span: this.spanFrom(nameToken) }
    }
    if (t.kind !== 'ident') {
      this.diagnostics.push(
        messages.unexpectedToken(this.tokenSpan(t), `a type for field "${nameToken.text}"`, describeToken(t)),
      )
      this.skipLine()
      return { kind: 'field', name, type: undefined, attributes, doc, span: this.spanFrom(nameToken) }
    }
    const type = this.parseTypeRef()
    while (this.isPunct('@') && !this.peek().newlineBefore) {
      const attribute = this.parseAttribute()
      if (attribute !== undefined) attributes.push(attribute)
    }
    const after = this.peek()
    if (!after.newlineBefore && after.kind !== 'eof' && !(after.kind === 'punct' && after.text === '}')) {
      const hint = after.kind === 'ident' ? 'put each field on its own line' : undefined
      this.diagnostics.push(
        messages.unexpectedToken(
          this.tokenSpan(after),
          'an attribute or a new line',
          describeToken(after),
          hint,
        ),
      )
      this.skipLine()
    }
    return { kind: 'field', name, type, attributes, doc, span: this.spanFrom(nameToken) }
  }

  private parseTypeRef(): TypeRefNode {
    const nameToken = this.next()
    const args = this.isPunct('(') && !this.peek().newlineBefore ? this.parseArgs() : undefined
    let listDepth = 0
    let optional = false
    while (this.isPunct('[') && !this.peek().newlineBefore) {
      this.next()
      if (this.isPunct(']')) {
        this.next()
        listDepth++
      } else {
        const t = this.peek()
        this.diagnostics.push(messages.unexpectedToken(this.tokenSpan(t), '"]"', describeToken(t)))
        break
      }
    }
    if (this.isPunct('?') && !this.peek().newlineBefore) {
      this.next()
      optional = true
    }
    return {
      name: { text: nameToken.text, span: this.spanOf(nameToken) },
      ...(args === undefined ? {} : { args }),
      listDepth,
      optional,
      span: this.spanFrom(nameToken),
    }
  }

  private parseBlockAttribute(): BlockAttributeNode | undefined {
    const start = this.peek()
    const attribute = this.parseAttribute()
    const after = this.peek()
    if (!after.newlineBefore && after.kind !== 'eof' && !(after.kind === 'punct' && after.text === '}')) {
      this.diagnostics.push(
        messages.unexpectedToken(this.tokenSpan(after), 'a new line', describeToken(after)),
      )
      this.skipLine()
    }
    return attribute === undefined
      ? undefined
      : { kind: 'blockAttribute', attribute, span: this.spanFrom(start) }
  }

  /** `@name`, `@name(args)`, `@@name(args)`; the current token is `@` or `@@`. */
  private parseAttribute(): AttributeNode | undefined {
    const at = this.next()
    const nameToken = this.peek()
    if (nameToken.kind !== 'ident' || nameToken.offset !== at.end) {
      this.diagnostics.push(
        messages.unexpectedToken(
          this.tokenSpan(nameToken),
          `an attribute name right after "${at.text}"`,
          describeToken(nameToken),
        ),
      )
      return undefined
    }
    this.next()
    const errorsBefore = this.diagnostics.length
    const args = this.isPunct('(') ? this.parseArgs() : undefined
    return {
      name: { text: nameToken.text, span: this.spanOf(nameToken) },
      block: at.text === '@@',
      args,
      complete: this.diagnostics.length === errorsBefore,
      span: this.spanFrom(at),
    }
  }

  /** `( arg, arg, ... )`, the current token being `(`. Arguments may span lines. */
  private parseArgs(): ArgNode[] {
    const open = this.next()
    const args: ArgNode[] = []
    for (;;) {
      if (this.isPunct(')')) {
        this.next()
        return args
      }
      const start = this.peek()
      if (this.isPunct('}') || this.looksLikeMemberStart()) {
        this.diagnostics.push(messages.unclosedParenthesis(this.tokenSpan(open), describeToken(start)))
        return args
      }
      let name: NameNode | undefined
      if (start.kind === 'ident' && this.peek(1).kind === 'punct' && this.peek(1).text === ':') {
        this.next()
        this.next()
        name = { text: start.text, span: this.spanOf(start) }
      }
      const value = this.parseValue('an argument')
      if (value === undefined) {
        this.skipArgs()
        return args
      }
      args.push(
        name === undefined
          ? { value, span: this.spanFrom(start) }
          : { name, value, span: this.spanFrom(start) },
      )
      if (this.isPunct(',')) {
        this.next()
        continue
      }
      if (this.isPunct(')')) continue
      const t = this.peek()
      if (t.newlineBefore || t.kind === 'eof' || (t.kind === 'punct' && t.text === '}')) {
        this.diagnostics.push(messages.unclosedParenthesis(this.tokenSpan(open), describeToken(t)))
        return args
      }
      this.diagnostics.push(messages.unexpectedToken(this.tokenSpan(t), '"," or ")"', describeToken(t)))
      this.skipArgs()
      return args
    }
  }

  /** Error recovery inside `( ... )`: skip to the closing `)` on this line, or stop before a new line or `}`. */
  private skipArgs(): void {
    let depth = 0
    for (;;) {
      const t = this.peek()
      if (t.kind === 'eof' || t.newlineBefore || (t.kind === 'punct' && t.text === '}')) return
      this.next()
      if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++
      if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) {
        if (depth === 0 && t.text === ')') return
        depth = Math.max(0, depth - 1)
      }
    }
  }

  private parseValue(expected: string): ValueNode | undefined {
    const t = this.peek()
    if (t.kind === 'string') {
      this.next()
      return { kind: 'string', value: t.value, span: this.spanOf(t) }
    }
    if (t.kind === 'number') {
      this.next()
      return { kind: 'number', raw: t.text, span: this.spanOf(t) }
    }
    if (t.kind === 'ident') {
      this.next()
      if (this.isPunct('(') && !this.peek().newlineBefore) {
        if (this.nesting >= MAX_VALUE_NESTING) return this.skipTooDeep(t)
        this.nesting++
        const args = this.parseArgs()
        this.nesting--
        return { kind: 'call', name: t.text, args, span: this.spanFrom(t) }
      }
      return { kind: 'ident', name: t.text, span: this.spanOf(t) }
    }
    if (t.kind === 'punct' && t.text === '[') {
      if (this.nesting >= MAX_VALUE_NESTING) return this.skipTooDeep(t)
      this.next()
      this.nesting++
      const items: ValueNode[] = []
      for (;;) {
        if (this.isPunct(']')) {
          this.next()
          break
        }
        const errorsBefore = this.diagnostics.length
        const item = this.parseValue('a list item')
        if (item === undefined) break
        items.push(item)
        if (this.isPunct(',')) {
          this.next()
          continue
        }
        if (this.isPunct(']')) continue
        // An item that already reported its error (an unclosed inner list) is not reported again per level.
        if (this.diagnostics.length > errorsBefore) break
        const u = this.peek()
        this.diagnostics.push(messages.unexpectedToken(this.tokenSpan(u), '"," or "]"', describeToken(u)))
        break
      }
      this.nesting--
      return { kind: 'list', items, span: this.spanFrom(t) }
    }
    this.diagnostics.push(messages.unexpectedToken(this.tokenSpan(t), expected, describeToken(t)))
    return undefined
  }

  // ---- recovery

  /**
   * A list or call opened at `start` (`[` or a call's name) beyond MAX_VALUE_NESTING: reports it once and skips the
   * whole group iteratively (to its matching close, a `}` or the end), standing in an empty list for it.
   */
  private skipTooDeep(start: Token): ValueNode {
    this.diagnostics.push(messages.nestingTooDeep(this.tokenSpan(start), MAX_VALUE_NESTING))
    this.next() // `[`, or the `(` after the call's name
    let depth = 1
    while (depth > 0) {
      const t = this.peek()
      if (t.kind === 'eof' || (t.kind === 'punct' && t.text === '}')) break
      this.next()
      if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++
      if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--
    }
    return { kind: 'list', items: [], span: this.spanFrom(start) }
  }

  private skipLine(): void {
    do {
      if (this.peek().kind === 'eof') return
      this.next()
    } while (!this.peek().newlineBefore && !this.isPunct('}'))
  }

  /** Top-level recovery: skip (balancing braces) to the next line starting with entity/enum/config. */
  private skipToDeclaration(): void {
    let depth = 0
    do {
      const t = this.next()
      if (t.kind === 'punct' && t.text === '{') depth++
      if (t.kind === 'punct' && t.text === '}') depth = Math.max(0, depth - 1)
    } while (
      this.peek().kind !== 'eof' &&
      !(depth === 0 && this.peek().newlineBefore && this.isDeclarationKeyword(this.peek()))
    )
  }

  /** A line starting `name Type` or `@@`: a member, so an open `(` before it was never closed. */
  private looksLikeMemberStart(): boolean {
    const t = this.peek()
    if (!t.newlineBefore) return false
    if (t.kind === 'punct' && t.text === '@@') return true
    const u = this.peek(1)
    return t.kind === 'ident' && u.kind === 'ident' && !u.newlineBefore
  }

  private isDeclarationKeyword(t: Token): boolean {
    return t.kind === 'ident' && (DECLARATION_KEYWORDS as readonly string[]).includes(t.text)
  }

  /** A keyword at a line start with `{` later on that line: a new declaration (the previous block is unclosed). */
  private isDeclarationStart(): boolean {
    const t = this.peek()
    if (!t.newlineBefore || !this.isDeclarationKeyword(t)) return false
    for (let k = 1; ; k++) {
      const u = this.peek(k)
      if (u.kind === 'eof' || u.newlineBefore) return false
      if (u.kind === 'punct' && u.text === '{') return true
    }
  }

  // ---- tokens and spans

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)] as Token
  }

  private next(): Token {
    const t = this.peek()
    if (t.kind !== 'eof') {
      this.pos++
      this.lastEnd = t.end
    }
    return t
  }

  private isPunct(text: string): boolean {
    const t = this.peek()
    return t.kind === 'punct' && t.text === text
  }

  private expectName(expected: string): NameNode {
    const t = this.peek()
    if (t.kind === 'ident') {
      this.next()
      return { text: t.text, span: this.spanOf(t) }
    }
    this.diagnostics.push(messages.unexpectedToken(this.tokenSpan(t), expected, describeToken(t)))
    return { text: '', span: { ...this.spanOf(t), end: t.offset } }
  }

  private docBefore(t: Token): string | undefined {
    const lines: string[] = []
    for (let line = t.line - 1; ; line--) {
      const c = this.docByLine.get(line)
      if (c === undefined || !c.doc) break
      lines.unshift(c.text.slice(3).replace(/^ /, ''))
    }
    return lines.length === 0 ? undefined : lines.join('\n')
  }

  private spanOf(t: Token): AstSpan {
    return { file: this.file, offset: t.offset, end: t.end, line: t.line, column: t.column }
  }

  private spanFrom(t: Token): AstSpan {
    return {
      file: this.file,
      offset: t.offset,
      end: Math.max(t.end, this.lastEnd),
      line: t.line,
      column: t.column,
    }
  }

  private tokenSpan(t: Token): DiagnosticSpan {
    return { file: this.file, line: t.line, column: t.column, length: Math.max(1, t.end - t.offset) }
  }
}
