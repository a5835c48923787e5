import type { FieldType, ScalarTypeName } from '@parquetframe/runtime/schema'
import { SCALAR_TYPE_NAMES } from '@parquetframe/runtime/schema'
import { Node } from 'ts-morph'
import type { Diagnostic, DiagnosticSpan } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'
import { closestName } from '../pfschema/edit-distance.js'
import type { DeclaredEnum } from './class-model.js'
import type { FileNames } from './node-span.js'
import { nodeSpan } from './node-span.js'
import { declarationOf, type StaticValue } from './static-value.js'
import { docOf, type TsShape, type TsTypeReading } from './ts-type-shape.js'

/** A field's storage type, whether the type made it optional, and the enums it declares. */
export interface ResolvedType {
  readonly type: FieldType
  readonly optional: boolean
  readonly enums: readonly DeclaredEnum[]
}

type Resolution = ResolvedType | Diagnostic

/** Where a field is, for messages and inferred enum names. */
export interface FieldContext {
  readonly entity: string
  readonly field: string
  readonly isId: boolean
  /** The decorator suggestions name (`field`, `unique`, `index`; `id` for a key). */
  readonly decorator: string
  readonly typeSpan: DiagnosticSpan
  /** The property's type as written, for messages. */
  readonly typeText: string
  readonly names: FileNames
}

// Mirrors the runtime's field-type-spec.ts: lower-case names and the IR's names, a trailing '?' for optional.
const LOWER: Readonly<Record<string, ScalarTypeName>> = Object.fromEntries(
  SCALAR_TYPE_NAMES.map((n) => [n.toLowerCase(), n]),
)

export function isDiagnostic(value: Resolution): value is Diagnostic {
  return 'code' in value
}

/** Reads an explicit type spec (`'int?'`, `'BigInt'`, `listOf(...)`, `enumOf(...)`). */
export function resolveSpec(spec: StaticValue, decorator: string, names: FileNames): Resolution {
  const at = nodeSpan(spec.node, names)
  if (spec.kind === 'string') {
    const optional = spec.value.endsWith('?')
    const name = optional ? spec.value.slice(0, -1) : spec.value
    const scalar = (SCALAR_TYPE_NAMES as readonly string[]).includes(name)
      ? (name as ScalarTypeName)
      : LOWER[name]
    if (scalar === undefined)
      return messages.unknownTypeSpec(at, spec.value, closestName(name, Object.keys(LOWER)))
    return { type: { kind: 'scalar', name: scalar }, optional, enums: [] }
  }
  if (spec.kind === 'call' && spec.callee === 'listOf') {
    const [element] = spec.args
    if (element === undefined || spec.args.length !== 1)
      return messages.invalidDecoratorOption(
        at,
        decorator,
        'listOf',
        "one element type, e.g. listOf('string')",
      )
    const inner = resolveSpec(element, decorator, names)
    if (isDiagnostic(inner)) return inner
    if (inner.type.kind === 'list' || inner.optional)
      return messages.invalidDecoratorOption(
        at,
        decorator,
        'listOf',
        'a scalar or enum element type (no lists of lists, no optional elements)',
      )
    return { type: { kind: 'list', element: inner.type }, optional: false, enums: inner.enums }
  }
  if (spec.kind === 'call' && spec.callee === 'enumOf') {
    const [name, values] = spec.args
    if (name?.kind !== 'string' || name.value === '')
      return name?.kind === 'unknown'
        ? messages.nonStaticArgument(nodeSpan(name.node, names), decorator, 'the enum name')
        : messages.invalidDecoratorOption(
            at,
            decorator,
            'enumOf',
            "a name and values, e.g. enumOf('Role', ['ADMIN', 'MEMBER'])",
          )
    const list = values === undefined ? undefined : enumValues(values)
    if (list === undefined || list.length === 0)
      return values?.kind === 'unknown'
        ? messages.nonStaticArgument(nodeSpan(values.node, names), decorator, 'the enum values')
        : messages.invalidDecoratorOption(
            at,
            decorator,
            'enumOf',
            'a non-empty list of strings or a string enum',
          )
    const doc = enumOfDoc(spec, values)
    return {
      type: { kind: 'enum', name: name.value },
      optional: false,
      enums: [{ name: name.value, values: list, span: nodeSpan(name.node, names), ...doc }],
    }
  }
  if (spec.kind === 'unknown') return messages.nonStaticArgument(at, decorator, 'the type')
  return messages.invalidDecoratorOption(
    at,
    decorator,
    'type',
    "a type name ('int', 'string?', ...), listOf(...) or enumOf(...)",
  )
}

/**
 * The doc comment of an `enumOf` enum: that of the TypeScript enum it takes (`enumOf('Role', Role)`), else of the
 * const holding the spec (`const Role = enumOf(...)`, used as `@field(Role)`) or the values (`enumOf('Size', SIZES)`).
 */
function enumOfDoc(spec: StaticValue, values: StaticValue | undefined): { doc?: string } {
  if (values?.kind === 'enum') {
    const own = docOf(values.declaration)
    if (own.doc !== undefined) return own
  }
  for (const node of [spec.node, values?.node]) {
    if (node === undefined || !(Node.isIdentifier(node) || Node.isPropertyAccessExpression(node))) continue
    const declaration = declarationOf(node)
    const statement = Node.isVariableDeclaration(declaration) ? declaration.getVariableStatement() : undefined
    const doc = statement === undefined ? {} : docOf(statement)
    if (doc.doc !== undefined) return doc
  }
  return {}
}

/**
 * Gives an `enumOf` enum without a doc comment that of the property's type when it names the same enum
 * (`@field(enumOf('Level', [...])) level!: Level`, with `/** ... *\/ type Level = ...`).
 */
export function withTypeDocs(enums: readonly DeclaredEnum[], shape: TsShape): readonly DeclaredEnum[] {
  const named = shape.kind === 'list' ? shape.element : shape
  if (named.kind !== 'literals' || named.name === undefined || named.doc === undefined) return enums
  const doc = named.doc
  return enums.map((e) => (e.doc === undefined && e.name === named.name ? { ...e, doc } : e))
}

/** `enumOf` values: strings, or an enum object (the runtime keeps its string values: numeric members give names). */
function enumValues(value: StaticValue): string[] | undefined {
  if (value.kind === 'array')
    return value.items.every((i) => i.kind === 'string')
      ? value.items.map((i) => (i.kind === 'string' ? i.value : ''))
      : undefined
  if (value.kind === 'enum')
    return value.declaration.getMembers().map((m) => {
      const v = m.getValue()
      return typeof v === 'string' ? v : m.getName()
    })
  if (value.kind === 'object') {
    const out: string[] = []
    for (const entry of value.entries.values()) if (entry.value.kind === 'string') out.push(entry.value.value)
    return out
  }
  return undefined
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/** The storage type the TypeScript type implies, as the runtime's `typeFromDesignType` would (and more). */
export function inferType(reading: TsTypeReading, ctx: FieldContext): Resolution {
  const type = inferShape(reading.shape, ctx)
  if (isDiagnostic(type)) return type
  return { ...type, optional: reading.optional }
}

function inferShape(shape: TsShape, ctx: FieldContext): Resolution {
  const scalar = (name: ScalarTypeName): ResolvedType => ({
    type: { kind: 'scalar', name },
    optional: false,
    enums: [],
  })
  switch (shape.kind) {
    case 'number':
      // Like the runtime: an id of type number is an integer; any other number could be Int or Float.
      return ctx.isId
        ? scalar('Int')
        : messages.ambiguousNumber(ctx.typeSpan, ctx.entity, ctx.field, ctx.decorator)
    case 'bigint':
      return scalar('BigInt')
    case 'string':
      return scalar('String')
    case 'boolean':
      return scalar('Boolean')
    case 'date':
      return scalar('DateTime')
    case 'dateOnly':
      return scalar('Date')
    case 'bytes':
      return scalar('Bytes')
    case 'literals': {
      const name = shape.name ?? `${ctx.entity}${capitalize(ctx.field)}`
      const declared: DeclaredEnum = {
        name,
        values: shape.values,
        ...(shape.doc === undefined ? {} : { doc: shape.doc }),
        span: nodeSpan(shape.node, ctx.names),
      }
      return { type: { kind: 'enum', name }, optional: false, enums: [declared] }
    }
    case 'list': {
      const element = inferShape(shape.element, { ...ctx, isId: false })
      if (isDiagnostic(element)) return element
      return { type: { kind: 'list', element: element.type }, optional: false, enums: element.enums }
    }
    case 'unsupported':
      return messages.unsupportedClassFieldType(ctx.typeSpan, ctx.entity, ctx.field, ctx.typeText, shape.why)
  }
}

/** True when values of the storage type can live in a property of the TypeScript type. */
export function specFits(type: FieldType, shape: TsShape): boolean {
  if (shape.kind === 'unsupported') return true // `Record<string, unknown>` with 'json': nothing to compare
  if (type.kind === 'list') return shape.kind === 'list' && specFits(type.element, shape.element)
  if (type.kind === 'enum') return shape.kind === 'literals' || shape.kind === 'string'
  switch (type.name) {
    case 'Int':
    case 'Float':
      return shape.kind === 'number'
    case 'BigInt':
      return shape.kind === 'bigint'
    case 'Decimal':
    case 'String':
      return shape.kind === 'string' || shape.kind === 'literals'
    case 'Date':
      return shape.kind === 'string' || shape.kind === 'literals' || shape.kind === 'dateOnly'
    case 'Boolean':
      return shape.kind === 'boolean'
    case 'DateTime':
      return shape.kind === 'date'
    case 'Bytes':
      return shape.kind === 'bytes'
    case 'Json':
      return true
  }
}
