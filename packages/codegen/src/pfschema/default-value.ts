import type { DefaultValue, ScalarTypeName } from '@parquetframe/runtime/schema'
import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'
import type { BoundEnum, BoundField } from './bound-schema.js'
import { typeLabel } from './bound-schema.js'
import {
  isDateText,
  isDateTimeText,
  isDecimalText,
  isIntegerText,
  isJsonText,
  isTooDeepJson,
} from './default-literal-text.js'
import { closestName } from './edit-distance.js'
import type { ValueNode } from './pfschema-ast.js'
import { toDiagnosticSpan } from './pfschema-ast.js'
import { MAX_VALUE_NESTING } from './pfschema-parser.js'

/** The result of reading a `@default(...)`: the IR value, or the diagnostic explaining why it does not fit. */
export type DefaultCheck =
  | { readonly ok: true; readonly value: DefaultValue }
  | { readonly ok: false; readonly diagnostic: Diagnostic }

const EXPECTED: Readonly<Record<ScalarTypeName, string>> = {
  Int: 'an integer',
  BigInt: 'an integer',
  Float: 'a number',
  Decimal: 'a decimal number',
  String: 'a string',
  Boolean: 'true or false',
  DateTime: 'now() or an ISO 8601 date-time string',
  Date: 'a "YYYY-MM-DD" string',
  Json: 'a string holding JSON text',
  Bytes: 'absent (Bytes fields have no default)',
}

function describe(value: ValueNode): string {
  switch (value.kind) {
    case 'string':
      return `string ${JSON.stringify(value.value)}`
    case 'number':
      return `number ${value.raw}`
    case 'ident':
      return value.name
    case 'call':
      return `${value.name}()`
    case 'list':
      return 'a list'
  }
}

/**
 * Reads a field's `@default` value against its type. Literal values in the IR: Int and Float are numbers; BigInt
 * and Decimal keep their digits as a string (exact); Date is "YYYY-MM-DD"; DateTime an ISO string; Json the JSON text;
 * enums the value name; `null` only on optional fields.
 */
export function checkDefault(
  entity: string,
  field: BoundField,
  value: ValueNode,
  enums: ReadonlyMap<string, BoundEnum>,
): DefaultCheck {
  const at = toDiagnosticSpan(value.span)
  const fail = (diagnostic: Diagnostic): DefaultCheck => ({ ok: false, diagnostic })
  const literal = (v: string | number | boolean | null): DefaultCheck => ({
    ok: true,
    value: { kind: 'literal', value: v },
  })
  const type = field.type
  const label = typeLabel(field)
  const mismatch = (expected: string) =>
    fail(messages.defaultTypeMismatch(at, entity, field.name, expected, describe(value)))

  if (field.listDepth > 0) return fail(messages.defaultOnList(at, entity, field.name))
  if (value.kind === 'call') {
    if (value.args.length > 0) return mismatch(`${value.name}() without arguments`)
    const scalar = type.kind === 'scalar' ? type.name : undefined
    switch (value.name) {
      case 'now':
        return scalar === 'DateTime'
          ? { ok: true, value: { kind: 'now' } }
          : fail(messages.nowOnNonDateTime(at, entity, field.name, label))
      case 'uuid':
        return scalar === 'String'
          ? { ok: true, value: { kind: 'uuid' } }
          : fail(messages.uuidOnNonString(at, entity, field.name, label))
      case 'autoincrement':
        return scalar === 'Int' || scalar === 'BigInt'
          ? { ok: true, value: { kind: 'autoincrement' } }
          : fail(messages.autoincrementOnNonInteger(at, entity, field.name, label))
      default:
        return fail(
          messages.invalidAttributeArguments(
            at,
            '@default',
            'a literal, now(), uuid() or autoincrement()',
            '@default(now())',
          ),
        )
    }
  }
  if (value.kind === 'ident' && value.name === 'null') {
    return field.optional ? literal(null) : mismatch(`non-null (the field is not optional)`)
  }
  if (type.kind === 'enum') {
    const values = enums.get(type.name)?.values ?? []
    if (value.kind !== 'ident') return mismatch(`a value of enum ${type.name}, written without quotes`)
    if (values.includes(value.name)) return literal(value.name)
    return fail(
      messages.defaultNotEnumValue(
        at,
        entity,
        field.name,
        type.name,
        value.name,
        values,
        closestName(value.name, values),
      ),
    )
  }
  if (type.kind !== 'scalar') return mismatch('a value') // unknown type or relation: reported elsewhere
  const expected = EXPECTED[type.name]
  switch (type.name) {
    case 'Int':
      return value.kind === 'number' && isIntegerText(value.raw) && Number.isSafeInteger(Number(value.raw))
        ? literal(Number(value.raw))
        : mismatch(
            value.kind === 'number' && isIntegerText(value.raw) ? 'a safe integer (use BigInt)' : expected,
          )
    case 'BigInt':
      return value.kind === 'number' && isIntegerText(value.raw) ? literal(value.raw) : mismatch(expected)
    case 'Float':
      return value.kind === 'number' ? literal(Number(value.raw)) : mismatch(expected)
    case 'Decimal':
      if (value.kind === 'number' && isDecimalText(value.raw)) return literal(value.raw)
      return value.kind === 'string' && isDecimalText(value.value) ? literal(value.value) : mismatch(expected)
    case 'String':
      return value.kind === 'string' ? literal(value.value) : mismatch(expected)
    case 'Boolean':
      return value.kind === 'ident' && (value.name === 'true' || value.name === 'false')
        ? literal(value.name === 'true')
        : mismatch(expected)
    case 'DateTime':
      return value.kind === 'string' && isDateTimeText(value.value)
        ? literal(value.value)
        : mismatch(expected)
    case 'Date':
      return value.kind === 'string' && isDateText(value.value) ? literal(value.value) : mismatch(expected)
    case 'Json':
      if (value.kind === 'string' && isTooDeepJson(value.value))
        return fail(messages.nestingTooDeep(at, MAX_VALUE_NESTING))
      return value.kind === 'string' && isJsonText(value.value) ? literal(value.value) : mismatch(expected)
    case 'Bytes':
      return mismatch(expected)
  }
}
