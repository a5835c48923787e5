import type { DefaultValue, FieldType } from '@parquetframe/runtime/schema'
import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'
import {
  isDateText,
  isDateTimeText,
  isDecimalText,
  isIntegerText,
  isJsonText,
  isTooDeepJson,
} from '../pfschema/default-literal-text.js'
import { MAX_VALUE_NESTING } from '../pfschema/pfschema-parser.js'
import type { FileNames } from './node-span.js'
import { nodeSpan } from './node-span.js'
import type { StaticValue } from './static-value.js'

/** The field a default belongs to. */
export interface DefaultTarget {
  readonly entity: string
  readonly field: string
  readonly type: FieldType
  readonly optional: boolean
  /** Values of the field's enum, when it is one. */
  readonly enumValues: readonly string[] | undefined
}

const FUNCTIONS = { now: 'DateTime', uuid: 'String', autoincrement: 'Int or BigInt' } as const

function describe(value: StaticValue): string {
  switch (value.kind) {
    case 'string':
      return `string ${JSON.stringify(value.value)}`
    case 'number':
    case 'bigint':
      return `${value.kind} ${value.raw}`
    case 'boolean':
      return String(value.value)
    case 'object':
      return 'an object'
    case 'array':
      return 'a list'
    default:
      return value.kind
  }
}

/**
 * Reads `default:` (a literal, or `{ kind: 'now' | 'uuid' | 'autoincrement' }`, or `{ kind: 'literal', value }`) into
 * the IR's form, which the .pfschema front-end shares: Int and Float numbers; BigInt and Decimal digits as a string;
 * Date "YYYY-MM-DD"; DateTime an ISO string; Json the JSON text; an enum its value; `null` only when optional.
 */
export function readDefault(
  value: StaticValue,
  target: DefaultTarget,
  names: FileNames,
): DefaultValue | Diagnostic {
  const at = nodeSpan(value.node, names)
  const mismatch = (expected: string, given = describe(value)) =>
    messages.classDefaultMismatch(at, target.entity, target.field, expected, given)
  if (value.kind === 'unknown')
    return messages.nonStaticArgument(at, `default of ${target.entity}.${target.field}`, 'the value')
  if (value.kind === 'object') {
    const kind = value.entries.get('kind')?.value
    if (kind?.kind !== 'string') return mismatch("a literal or { kind: 'now' | 'uuid' | 'autoincrement' }")
    if (kind.value === 'literal') {
      const inner = value.entries.get('value')?.value
      return inner === undefined ? mismatch('a value') : readDefault(inner, target, names)
    }
    const fn = kind.value as keyof typeof FUNCTIONS
    if (!(fn in FUNCTIONS)) return mismatch("a literal or { kind: 'now' | 'uuid' | 'autoincrement' }")
    // Which field types take now(), uuid() and autoincrement() is a shared entity rule (PF3007-PF3009, PF3015).
    return { kind: fn }
  }
  if (target.type.kind === 'list') return mismatch('absent (a missing list is stored as empty)')
  if (value.kind === 'null')
    return target.optional ? literal(null) : mismatch('non-null (the field is not optional)')
  if (target.type.kind === 'enum') {
    const values = target.enumValues ?? []
    if (value.kind === 'string' && values.includes(value.value)) return literal(value.value)
    return mismatch(`one of ${values.map((v) => JSON.stringify(v)).join(', ')}`)
  }
  const raw = value.kind === 'number' || value.kind === 'bigint' ? value.raw : undefined
  switch (target.type.name) {
    case 'Int':
      return value.kind === 'number' && Number.isSafeInteger(value.value)
        ? literal(value.value)
        : mismatch('a safe integer')
    case 'BigInt':
      if (raw !== undefined && isIntegerText(raw)) return literal(raw)
      return value.kind === 'string' && isIntegerText(value.value)
        ? literal(value.value)
        : mismatch('an integer')
    case 'Float':
      return value.kind === 'number' ? literal(value.value) : mismatch('a number')
    case 'Decimal':
      if (value.kind === 'number' && isDecimalText(value.raw)) return literal(value.raw)
      return value.kind === 'string' && isDecimalText(value.value)
        ? literal(value.value)
        : mismatch('a decimal number')
    case 'String':
      return value.kind === 'string' ? literal(value.value) : mismatch('a string')
    case 'Boolean':
      return value.kind === 'boolean' ? literal(value.value) : mismatch('true or false')
    case 'DateTime':
      return value.kind === 'string' && isDateTimeText(value.value)
        ? literal(value.value)
        : mismatch("{ kind: 'now' } or an ISO 8601 date-time string")
    case 'Date':
      return value.kind === 'string' && isDateText(value.value)
        ? literal(value.value)
        : mismatch('a "YYYY-MM-DD" string')
    case 'Json':
      if (value.kind === 'string' && isTooDeepJson(value.value))
        return messages.nestingTooDeep(at, MAX_VALUE_NESTING)
      return value.kind === 'string' && isJsonText(value.value)
        ? literal(value.value)
        : mismatch('a string holding JSON text')
    case 'Bytes':
      return mismatch('absent (Bytes fields have no default)')
  }
}

const literal = (value: string | number | boolean | null): DefaultValue => ({ kind: 'literal', value })
