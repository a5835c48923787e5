import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { collectSchemaSymbols } from '@parquetframe/codegen/internal'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { completionItems } from './schema-completion.js'
import { hoverText } from './schema-hover.js'
import { definitionOf, referencesOf, symbolAt, targetOf } from './symbol-lookup.js'

// Property test: whatever the user has typed so far (any edit of a real schema) and wherever the cursor is,
// completion, hover, definition and references answer without throwing, and what they point at is inside the text.

const samplesDir = join(import.meta.dirname, '..', '..', '..', '..', 'schema', 'samples')
const SAMPLES = readdirSync(samplesDir)
  .filter((f) => f.endsWith('.pfschema'))
  .map((f) => readFileSync(join(samplesDir, f), 'utf8'))

// biome-ignore format: a fragment list reads best packed
const FRAGMENTS = [
  '{', '}', '(', ')', '[', ']', '[]', '?', ',', ':', '=', '@', '@@', '"', '\\', '//', '\n', ' ', 'entity', 'enum',
  'config', 'Int', 'User', 'Post', '@default(', '@relation(', 'foreignKey:', 'references:', '@@index([', '😀', '\r\n',
]

describe('editor features on text being typed', () => {
  it('never throw, and every location they give is inside the file', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLES),
        fc.array(fc.record({ at: fc.nat(), text: fc.constantFrom(...FRAGMENTS) }), { maxLength: 6 }),
        fc.nat(),
        (base, inserts, cursor) => {
          let text = base
          for (const insert of inserts) {
            const at = insert.at % (text.length + 1)
            text = text.slice(0, at) + insert.text + text.slice(at)
          }
          const offset = cursor % (text.length + 1)
          const symbols = collectSchemaSymbols([{ file: 'a.pfschema', text }])
          completionItems(text, offset, symbols)
          const hit = symbolAt(symbols, 'a.pfschema', offset)
          if (hit === undefined) return
          hoverText(symbols, hit)
          const target = targetOf(hit)
          if (target === undefined) return
          const spans = [definitionOf(symbols, target), ...referencesOf(symbols, target).map((r) => r.span)]
          for (const span of spans) {
            if (span === undefined) continue
            expect(span.offset).toBeGreaterThanOrEqual(0)
            expect(span.end).toBeLessThanOrEqual(text.length)
            expect(
              text
                .split('\n')
                [span.line - 1]?.slice(span.column - 1, span.column - 1 + span.end - span.offset),
            ).toBe(text.slice(span.offset, span.end))
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
