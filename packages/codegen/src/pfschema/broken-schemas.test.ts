import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderDiagnostics } from '../diagnostics/diagnostic-renderer.js'
import { parseSchema } from './parse-schema.js'

// A corpus of broken schemas; each one's rendered diagnostics are kept next to it as a file snapshot
// (`<name>.diagnostics.txt`). Update with `npx vitest run -u` after a deliberate change of wording.
const dir = join(import.meta.dirname, '__fixtures__', 'broken')
const corpus = readdirSync(dir).filter((f) => f.endsWith('.pfschema'))

describe('diagnostics for broken schemas', () => {
  it('has a corpus', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(8)
  })

  it.each(corpus)('%s', async (name) => {
    const text = readFileSync(join(dir, name), 'utf8')
    const result = parseSchema(text, name)
    expect(result.ir).toBeUndefined()
    await expect(`${renderDiagnostics(result.diagnostics, result.sources)}\n`).toMatchFileSnapshot(
      join(dir, name.replace(/\.pfschema$/, '.diagnostics.txt')),
    )
  })
})
