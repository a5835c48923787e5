import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { counted, groupDigits } from './count-text.js'

describe('counted', () => {
  it('groups digits and picks the noun by number', () => {
    expect(counted(1, 'file')).toBe('1 file')
    expect(counted(0, 'file')).toBe('0 files')
    expect(counted(1_000_000, 'row')).toBe('1,000,000 rows')
    expect(counted(1n, 'row')).toBe('1 row')
    expect(counted(12_345n, 'row')).toBe('12,345 rows')
    expect(counted(2, 'entity')).toBe('2 entities')
    expect(counted(1, 'entity')).toBe('1 entity')
    expect(counted(3, 'index')).toBe('3 indexes')
    expect(counted(2, 'day')).toBe('2 days')
    expect(counted(2, 'change is', 'changes are')).toBe('2 changes are')
    expect(groupDigits(1234567)).toBe('1,234,567')
  })
})

const SRC = fileURLToPath(new URL('..', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return e.name === 'testing' ? [] : sources(path)
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : []
  })
}

// The mechanism behind "1 files" and "1000000 rows": each message spelled its own count. Every count with a noun
// goes through `counted` now; this keeps new messages from spelling one by hand.
describe('CLI messages', () => {
  it('print counts with a noun only through counted()', () => {
    const nouns =
      'rows?|files?|entit(y|ies)|enums?|changes?|versions?|errors?|warnings?|tables?|columns?|posts?'
    // `${n} files`, `n === 1 ? …`, `file(s) `; `${SCHEMA_EXTENSION} files` names a kind, not a count.
    const byHand = new RegExp(`\\$\\{(?!SCHEMA_EXTENSION)[^}]+\\} (${nouns})\\b|=== 1 \\?|[a-z]\\(s\\) `)
    const offenders = sources(SRC)
      .filter((file) => !file.endsWith('count-text.ts') && !file.endsWith(join('init', 'starter-files.ts')))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${relative(SRC, file)}:${i + 1}` }))
          .filter(({ line }) => byHand.test(line) && !/^(\*|\/\/|\/\*\*)/.test(line.trim()))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      )
    expect(offenders).toEqual([])
  })
})
