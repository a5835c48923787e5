import { readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'

// `@parquetframe/runtime/schema` is what codegen (and `pf validate`) load: it must stay pure, reaching no module
// outside schema/ (so never nodejs-polars, never the file system).
describe('@parquetframe/runtime/schema', () => {
  it('imports nothing outside schema/', () => {
    const dir = import.meta.dirname
    const seen = new Set<string>()
    const outside: string[] = []
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/^(?:import|export)\s[^'"]*from\s+'([^']+)'/gm)) {
        const spec = m[1] as string
        if (!spec.startsWith('./')) {
          outside.push(`${file}: ${spec}`)
          continue
        }
        visit(normalize(join(dirname(file), spec.replace(/\.js$/, '.ts'))))
      }
    }
    visit(join(dir, 'index.ts'))
    expect(outside).toEqual([])
    expect(seen.size).toBeGreaterThan(5)
  })
})
