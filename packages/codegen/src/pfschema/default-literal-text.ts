// The text a literal default holds in the IR, per scalar type, checked by one set of rules for both front-ends
// (`.pfschema` @default and decorated classes' `default` option).
import { MAX_VALUE_NESTING } from './pfschema-parser.js'

const INTEGER = /^-?\d+$/
const DECIMAL = /^-?\d+(\.\d+)?$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/

/** Whole-number digits, optionally negative: a BigInt default (its digits kept exact). */
export const isIntegerText = (text: string): boolean => INTEGER.test(text)

/** Digits with an optional fraction, optionally negative: a Decimal default. */
export const isDecimalText = (text: string): boolean => DECIMAL.test(text)

/** A real calendar date `YYYY-MM-DD` (2024-02-30 is none). */
export function isDateText(text: string): boolean {
  if (!DATE.test(text)) return false
  const d = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text)
}

/** An ISO 8601 date-time: a date, optionally a time and a zone. */
export const isDateTimeText = (text: string): boolean =>
  DATE_TIME.test(text) && !Number.isNaN(Date.parse(text))

/** JSON text: what a Json default holds. */
export function isJsonText(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** True when JSON text nests deeper than any schema value may (MAX_VALUE_NESTING): the runtime stringifies defaults. */
export const isTooDeepJson = (text: string): boolean => jsonNesting(text) > MAX_VALUE_NESTING

/** How deep arrays and objects nest in JSON text, counted without recursion. */
function jsonNesting(text: string): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth)
    else if (c === ']' || c === '}') depth--
  }
  return deepest
}
