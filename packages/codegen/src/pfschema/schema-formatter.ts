import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { hasErrors } from '../diagnostics/diagnostic.js'
import type {
  ArgNode,
  AttributeNode,
  ConfigNode,
  DeclarationNode,
  EntityNode,
  EnumNode,
  FieldNode,
  SchemaFileNode,
  TypeRefNode,
  ValueNode,
} from './pfschema-ast.js'
import { parsePfschemaFile } from './pfschema-parser.js'
import type { CommentToken } from './pfschema-token.js'

/** The formatted text, or the syntax errors that stopped formatting (the text is never guessed at). */
export type FormatResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] }

const INDENT = '  '
/** Enums whose one-line form is at most this long (and hold no comments) stay on one line. */
const ONE_LINE_ENUM_WIDTH = 80

/**
 * Formats `.pfschema` text canonically: two-space indents, one declaration per paragraph, field names, types and
 * attributes in aligned columns, at most one blank line in a row, every comment kept. Idempotent. Refuses (returns
 * the diagnostics) when the text has syntax errors.
 */
export function formatSchema(text: string, file = 'schema.pfschema'): FormatResult {
  const parsed = parsePfschemaFile(text, file)
  if (hasErrors(parsed.diagnostics)) return { ok: false, diagnostics: parsed.diagnostics }
  return { ok: true, text: new SchemaPrinter(parsed.ast).print() }
}

/** A line-oriented item inside a block: a comment on its own line, or a node's printed line(s). */
interface Item {
  readonly blankBefore: boolean
  readonly text: string
}

class SchemaPrinter {
  private readonly lines: string[]
  private readonly comments: CommentToken[]
  private next = 0

  constructor(private readonly ast: SchemaFileNode) {
    this.lines = ast.text.split('\n')
    this.comments = [...ast.comments].sort((a, b) => a.offset - b.offset)
  }

  print(): string {
    const out: string[] = []
    for (const declaration of this.ast.declarations) {
      const leading = this.takeBefore(declaration.span.offset)
      const group: string[] = []
      for (const comment of leading) {
        if (group.length > 0 && this.blankBefore(comment.line)) group.push('')
        group.push(comment.text)
      }
      if (group.length > 0 && this.blankBefore(declaration.span.line)) group.push('')
      group.push(...this.printDeclaration(declaration))
      if (out.length > 0) out.push('')
      out.push(...group)
    }
    const rest = this.takeBefore(Number.POSITIVE_INFINITY)
    rest.forEach((comment, i) => {
      if (out.length > 0 && (i === 0 || this.blankBefore(comment.line))) out.push('')
      out.push(comment.text)
    })
    return out.length === 0 ? '' : `${out.join('\n')}\n`
  }

  private printDeclaration(declaration: DeclarationNode): string[] {
    switch (declaration.kind) {
      case 'entity':
        return this.printEntity(declaration)
      case 'enum':
        return this.printEnum(declaration)
      case 'config':
        return this.printConfig(declaration)
    }
  }

  private printEntity(entity: EntityNode): string[] {
    const header = ['entity', entity.name.text, ...entity.attributes.map(printAttribute)].join(' ')
    const headerComment = this.trailing(this.takeBefore(entity.bodyStart))
    const fields = entity.members.filter((m): m is FieldNode => m.kind === 'field')
    const nameWidth = Math.max(0, ...fields.map((f) => f.name.text.length))
    const typeWidth = Math.max(0, ...fields.map((f) => printType(f.type).length))
    const items = entity.members.map((member) => {
      const text =
        member.kind === 'blockAttribute'
          ? printAttribute(member.attribute)
          : printField(member, nameWidth, typeWidth)
      return { start: member.span, end: member.span.end, text }
    })
    const close = entity.close ?? entity.span
    return this.printBlock(header, headerComment, items, close.offset, entity.span.end, close.line)
  }

  private printEnum(node: EnumNode): string[] {
    const header = `enum ${node.name.text}`
    const headerComment = this.trailing(this.takeBefore(node.bodyStart))
    const close = node.close ?? node.span
    const closeAt = close.offset
    const inside = this.comments.slice(this.next).some((c) => c.offset < closeAt)
    const oneLine = `${header} { ${node.values.map((v) => v.name.text).join(' ')} }`
    if (
      headerComment === undefined &&
      !inside &&
      node.values.length > 0 &&
      oneLine.length <= ONE_LINE_ENUM_WIDTH
    ) {
      return [this.withTrailing(oneLine, this.trailingAfter(node.span.end, close.line))]
    }
    const items = node.values.map((v) => ({ start: v.span, end: v.span.end, text: v.name.text }))
    return this.printBlock(header, headerComment, items, closeAt, node.span.end, close.line)
  }

  private printConfig(node: ConfigNode): string[] {
    const headerComment = this.trailing(this.takeBefore(node.bodyStart))
    const keyWidth = Math.max(0, ...node.entries.map((e) => e.key.text.length))
    const items = node.entries.map((entry) => ({
      start: entry.span,
      end: entry.span.end,
      text: `${entry.key.text.padEnd(keyWidth)} = ${entry.value === undefined ? '' : printValue(entry.value)}`,
    }))
    const close = node.close ?? node.span
    return this.printBlock('config', headerComment, items, close.offset, node.span.end, close.line)
  }

  /**
   * Prints `header {`, the items one per line (each with its leading and trailing comments), comments left before
   * `}`, and `}` with the comment after it.
   */
  private printBlock(
    header: string,
    headerComment: string | undefined,
    items: readonly { start: { offset: number; line: number }; end: number; text: string }[],
    closeAt: number,
    end: number,
    endLine: number,
  ): string[] {
    const body: Item[] = []
    let openLine = headerComment === undefined ? `${header} {` : `${header} { ${headerComment}`
    // A comment on its own line is a body line; one after code trails the last body line, or the open line.
    const placeComments = (comments: readonly CommentToken[]) => {
      for (const comment of comments) {
        const last = body.at(-1)
        if (!comment.ownLine && last !== undefined) {
          body[body.length - 1] = { ...last, text: this.withTrailing(last.text, comment.text) }
        } else if (!comment.ownLine) {
          openLine = this.withTrailing(openLine, comment.text)
        } else {
          body.push({ blankBefore: body.length > 0 && this.blankBefore(comment.line), text: comment.text })
        }
      }
    }
    for (const item of items) {
      placeComments(this.takeBefore(item.start.offset))
      const inner = this.takeBefore(item.end)
      body.push({
        blankBefore: body.length > 0 && this.blankBefore(item.start.line),
        text: this.withTrailing(item.text, this.trailing(inner)),
      })
    }
    placeComments(this.takeBefore(closeAt))
    const close = this.withTrailing('}', this.trailingAfter(end, endLine))
    if (body.length === 0 && openLine === `${header} {`) return [`${header} {}${close.slice(1)}`]
    const lines = [openLine]
    for (const item of body) {
      if (item.blankBefore) lines.push('')
      lines.push(`${INDENT}${item.text}`)
    }
    lines.push(close)
    return lines
  }

  /** Comments not yet printed that start before `offset`, consumed. */
  private takeBefore(offset: number): CommentToken[] {
    const taken: CommentToken[] = []
    while (this.next < this.comments.length && (this.comments[this.next] as CommentToken).offset < offset) {
      taken.push(this.comments[this.next] as CommentToken)
      this.next++
    }
    return taken
  }

  /** The comment right after `end` on the same `line` (after a `}`), consumed. */
  private trailingAfter(end: number, line: number): string | undefined {
    const comment = this.comments[this.next]
    if (comment === undefined || comment.ownLine || comment.offset < end || comment.line !== line)
      return undefined
    this.next++
    return comment.text
  }

  /** Several comments that must share one line become one (line comments run to the end of the line anyway). */
  private trailing(comments: readonly CommentToken[]): string | undefined {
    if (comments.length === 0) return undefined
    return comments.map((c) => c.text).join(' ')
  }

  private withTrailing(text: string, comment: string | undefined): string {
    return comment === undefined ? text : `${text} ${comment}`
  }

  private blankBefore(line: number): boolean {
    const previous = this.lines[line - 2]
    return previous !== undefined && previous.trim() === ''
  }
}

function printField(field: FieldNode, nameWidth: number, typeWidth: number): string {
  const type = printType(field.type)
  if (field.attributes.length === 0) return `${field.name.text.padEnd(nameWidth)} ${type}`.trimEnd()
  return `${field.name.text.padEnd(nameWidth)} ${type.padEnd(typeWidth)} ${field.attributes.map(printAttribute).join(' ')}`
}

function printType(type: TypeRefNode | undefined): string {
  if (type === undefined) return ''
  const args = type.args === undefined ? '' : `(${printArgs(type.args)})`
  return `${type.name.text}${args}${'[]'.repeat(type.listDepth)}${type.optional ? '?' : ''}`
}

function printAttribute(attribute: AttributeNode): string {
  const name = `${attribute.block ? '@@' : '@'}${attribute.name.text}`
  return attribute.args === undefined || attribute.args.length === 0
    ? name
    : `${name}(${printArgs(attribute.args)})`
}

function printArgs(args: readonly ArgNode[]): string {
  return args
    .map((a) => (a.name === undefined ? printValue(a.value) : `${a.name.text}: ${printValue(a.value)}`))
    .join(', ')
}

function printValue(value: ValueNode): string {
  switch (value.kind) {
    case 'string':
      return `"${value.value.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? c)}"`
    case 'number':
      return value.raw
    case 'ident':
      return value.name
    case 'call':
      return `${value.name}(${printArgs(value.args)})`
    case 'list':
      return `[${value.items.map(printValue).join(', ')}]`
  }
}
