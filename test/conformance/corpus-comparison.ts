import { basename } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { canonical, firstDifference } from './canonical-values.js'
import { type ChildRead, CORPUS_ROOT, mapLimit, readInChild } from './corpus-files.js'
import type { KnownDifference } from './known-differences.js'

/** What a reference reader made of one corpus file: rows, or an error. */
export interface CorpusReference {
  readonly ok: boolean
}

/** One corpus compared with one reference reader (DuckDB, avsc): the files, how to read them, how to line rows up. */
export interface CorpusComparison<R extends CorpusReference> {
  /** Names the corpus in the describe block and the printed summary ("Parquet corpus"). */
  readonly corpus: string
  /** Names the reference in the describe block ("DuckDB"). */
  readonly referenceName: string
  /** Names the reference in the summary's column ("duckdb"). */
  readonly summaryName: string
  readonly files: readonly string[]
  readonly readReference: (file: string) => Promise<R>
  /** Files whose outcome is known to differ from the reference's (known-differences.ts). */
  readonly expected: Readonly<Record<string, KnownDifference>>
  /** Our rows as the reference's rows are shaped. */
  readonly ourRecords: (ours: ChildRead, reference: R) => unknown
  readonly referenceRecords: (reference: R) => unknown
}

type Outcome = 'same' | 'differs' | 'format-error' | 'other-error' | 'abort'

/** Reads every file with read() + toRecords() in a child and with the reference, then tests one file per case. */
export function compareCorpus<R extends CorpusReference>(c: CorpusComparison<R>): void {
  const ours = new Map<string, ChildRead>()
  const reference = new Map<string, R>()
  const difference = (file: string) => {
    const ref = reference.get(file) as R
    return firstDifference(
      canonical(c.ourRecords(ours.get(file) as ChildRead, ref)) as unknown[],
      canonical(c.referenceRecords(ref)) as unknown[],
    )
  }
  const outcome = (file: string): Outcome => {
    const r = ours.get(file) as ChildRead
    if (r.signal !== null || r.status !== 0) return 'abort'
    if (!r.ok) return r.name === 'FormatError' ? 'format-error' : 'other-error'
    if (!(reference.get(file) as R).ok) return 'same'
    return difference(file) ? 'differs' : 'same'
  }

  beforeAll(async () => {
    for (const file of c.files) reference.set(file, await c.readReference(file))
    const results = await mapLimit(c.files, 2, readInChild)
    c.files.forEach((file, i) => {
      ours.set(file, results[i] as ChildRead)
    })
    const lines = c.files.map((f) => {
      const r = ours.get(f) as ChildRead
      const ref = reference.get(f) as R
      const detail = r.ok ? '' : ` ${r.name}: ${r.message?.slice(0, 160)}`
      return `${outcome(f).padEnd(13)} ${c.summaryName} ${ref.ok ? 'ok ' : 'err'} ${f}${detail}`
    })
    console.log(`${c.corpus} (${CORPUS_ROOT}):\n${lines.join('\n')}`)
  }, 1_800_000)

  describe(`${c.corpus}: read() + toRecords() against ${c.referenceName}`, () => {
    it.each(c.files)('%s', (file) => {
      const r = ours.get(file) as ChildRead
      // Never abort: the child exits by itself with a value or an error.
      expect({ signal: r.signal, status: r.status }).toEqual({ signal: null, status: 0 })
      // Failures are typed (a code to branch on); a FormatError names the file.
      if (!r.ok) expect(r.code).toMatch(/^PF_/)
      if (r.name === 'FormatError') expect(r.message).toContain(basename(file))
      const ref = reference.get(file) as R
      const expected = c.expected[file]?.outcome ?? (ref.ok ? 'same' : undefined)
      if (expected === undefined) return // the reference cannot read it either: any typed outcome is fine
      if (outcome(file) === 'differs' && expected === 'same') {
        const diff = difference(file)
        expect(diff?.ours, `row ${diff?.row}`).toEqual(diff?.reference)
      }
      expect(outcome(file)).toBe(expected)
    })
  })
}
