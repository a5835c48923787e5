import { expect, it } from 'vitest'
import { type Tombstone, TombstoneSet } from './table-tombstones.js'

const t = (path: string, at: number): Tombstone => ({ path, deletionTimestamp: at })
const paths = (set: TombstoneSet | undefined) =>
  [...(set?.values() ?? [])].map((x) => `${x.path}@${x.deletionTimestamp}`).sort()

it('layers of changes read as one set: removes, re-adds, removes again, across flattening', () => {
  let set = TombstoneSet.of([t('a', 1), t('b', 1)])
  const first = set
  // 40 replays, each its own layer: more than a set stacks before it flattens.
  for (let v = 2; v < 42; v++) {
    const changes = new Map<string, Tombstone | null>([[`f${v}\u0000`, t(`f${v}`, v)]])
    if (v === 5) changes.set('a\u0000', null) // re-added: no longer a tombstone
    if (v === 30) changes.set('a\u0000', t('a', 30)) // removed again
    set = TombstoneSet.after(set, changes)
  }
  const expected = ['a@30', 'b@1', ...Array.from({ length: 40 }, (_, i) => `f${i + 2}@${i + 2}`)].sort()
  expect(paths(set)).toEqual(expected)
  expect(set?.size).toBe(42)
  // Earlier versions' sets are not changed by later replays.
  expect(paths(first)).toEqual(['a@1', 'b@1'])
  expect(TombstoneSet.after(undefined, new Map([['x\u0000', null]]))).toBeUndefined()
  expect(TombstoneSet.of([])).toBeUndefined()
})
