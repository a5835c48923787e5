import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'
import { closestName } from '../pfschema/edit-distance.js'
import type { FieldGroup, Spanned } from './class-model.js'
import type { FileNames } from './node-span.js'
import { nodeSpan } from './node-span.js'
import type { StaticValue } from './static-value.js'

/**
 * Reads the options object of one decorator (`@entity({ ... })`), reporting unknown keys, values that need the code
 * to run, and values of the wrong kind — each once, at the value.
 */
export class DecoratorOptions {
  private readonly entries: ReadonlyMap<string, StaticValue>

  constructor(
    value: StaticValue | undefined,
    private readonly decorator: string,
    known: readonly string[],
    private readonly names: FileNames,
    private readonly diagnostics: Diagnostic[],
  ) {
    const entries = new Map<string, StaticValue>()
    if (value?.kind === 'object') {
      for (const [key, entry] of value.entries) {
        if (known.includes(key)) entries.set(key, entry.value)
        else
          diagnostics.push(
            messages.unknownDecoratorOption(
              nodeSpan(entry.key, names),
              decorator,
              key,
              known,
              closestName(key, known),
            ),
          )
      }
    } else if (value?.kind === 'unknown') {
      diagnostics.push(messages.nonStaticArgument(nodeSpan(value.node, names), decorator, 'the options'))
    } else if (value !== undefined && value.kind !== 'undefined') {
      diagnostics.push(
        messages.invalidDecoratorOption(
          nodeSpan(value.node, names),
          decorator,
          'options',
          'an object literal',
        ),
      )
    }
    this.entries = entries
  }

  /** The raw value of an option, when given. */
  raw(key: string): StaticValue | undefined {
    const value = this.entries.get(key)
    return value?.kind === 'undefined' ? undefined : value
  }

  /** A string option; reports anything else. */
  string(key: string, expected = 'a string'): Spanned<string> | undefined {
    const value = this.raw(key)
    if (value === undefined) return undefined
    if (value.kind === 'string') return { value: value.value, span: nodeSpan(value.node, this.names) }
    return this.wrong(value, key, expected)
  }

  /** A whole-number option (`precision: 10`); reports anything else. */
  wholeNumber(key: string): number | undefined {
    const value = this.raw(key)
    if (value === undefined) return undefined
    if (value.kind === 'number' && Number.isInteger(value.value) && value.value >= 0) return value.value
    return this.wrong(value, key, 'a whole number')
  }

  /** A boolean option; reports anything else. */
  boolean(key: string): boolean | undefined {
    const value = this.raw(key)
    if (value === undefined) return undefined
    if (value.kind === 'boolean') return value.value
    return this.wrong(value, key, 'true or false')
  }

  /** A list of field names (`partitionBy: ['day']`). */
  fieldNames(key: string): readonly Spanned<string>[] {
    const value = this.raw(key)
    if (value === undefined) return []
    return this.nameList(value, key, 'a list of field names')?.fields ?? []
  }

  /** A list of lists of field names (`uniques: [['a', 'b']]`). */
  groups(key: string): FieldGroup[] {
    const expected = "a list of field-name lists, e.g. [['a', 'b']]"
    const value = this.raw(key)
    if (value === undefined) return []
    if (value.kind !== 'array') return this.wrong(value, key, expected) ?? []
    const out: FieldGroup[] = []
    for (const item of value.items) {
      const group = this.nameList(item, key, expected)
      if (group !== undefined) out.push(group)
    }
    return out
  }

  private nameList(value: StaticValue, key: string, expected: string): FieldGroup | undefined {
    if (value.kind === 'unknown') return this.wrong(value, key, expected)
    if (value.kind !== 'array' || !value.items.every((i) => i.kind === 'string'))
      return this.wrong(
        value.kind === 'array' ? (value.items.find((i) => i.kind !== 'string') ?? value) : value,
        key,
        expected,
      )
    return {
      fields: value.items.map((i) => ({
        value: i.kind === 'string' ? i.value : '',
        span: nodeSpan(i.node, this.names),
      })),
      span: nodeSpan(value.node, this.names),
    }
  }

  private wrong(value: StaticValue, key: string, expected: string): undefined {
    const span = nodeSpan(value.node, this.names)
    this.diagnostics.push(
      value.kind === 'unknown'
        ? messages.nonStaticArgument(span, this.decorator, `option "${key}"`)
        : messages.invalidDecoratorOption(span, this.decorator, key, expected),
    )
    return undefined
  }
}
