import { describe, expect, it } from 'vitest'
import { parseDeltaInterval } from '../delta/delta-interval.js'
import { TablePropertyError } from './table-errors.js'
import {
  TOMBSTONE_RETENTION_MS,
  type Tombstone,
  TombstoneSet,
  tombstoneRetentionMs,
} from './table-tombstones.js'

const t = (path: string, at: number): Tombstone => ({ path, deletionTimestamp: at })
const paths = async (set: TombstoneSet | undefined) =>
  ((await set?.list()) ?? []).map((x) => `${x.path}@${x.deletionTimestamp}`).sort()

it('layers of changes read as one set: removes, re-adds, removes again, across flattening', async () => {
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
  expect(await paths(set)).toEqual(expected)
  // Earlier versions' sets are not changed by later replays.
  expect(await paths(first)).toEqual(['a@1', 'b@1'])
  expect(TombstoneSet.after(undefined, new Map([['x\u0000', null]]))).toBeUndefined()
  expect(TombstoneSet.of([])).toBeUndefined()
})

it("a set opened from a checkpoint reads its tombstones once, when first listed, under 40 replays' layers", async () => {
  let loads = 0
  const base = TombstoneSet.loading(async () => {
    loads++
    return [t('old', 1), t('readded', 1)]
  })
  let set: TombstoneSet | undefined = base
  for (let v = 2; v < 42; v++) {
    const changes = new Map<string, Tombstone | null>([[`f${v}\u0000`, t(`f${v}`, v)]])
    if (v === 7) changes.set('readded\u0000', null)
    set = TombstoneSet.after(set, changes)
  }
  expect(loads, 'replays do not read the checkpoint tombstones').toBe(0)
  const listed = await paths(set)
  expect(listed).toEqual(['old@1', ...Array.from({ length: 40 }, (_, i) => `f${i + 2}@${i + 2}`)].sort())
  expect(await paths(base)).toEqual(['old@1', 'readded@1'])
  expect(loads, 'read once, shared by every version built on it').toBe(1)
})

it('a failed read of the checkpoint tombstones propagates and is tried again by the next list', async () => {
  let calls = 0
  const set = TombstoneSet.loading(async () => {
    calls++
    if (calls === 1) throw new Error('disk hiccup')
    return [t('a', 1)]
  })
  await expect(set.list()).rejects.toThrow('disk hiccup')
  expect(await paths(set)).toEqual(['a@1'])
})

describe('delta.deletedFileRetentionDuration', () => {
  it('parses Delta interval text into milliseconds', () => {
    const ms = (text: string) => {
      const parsed = parseDeltaInterval(text)
      return parsed.ok ? parsed.ms : parsed.problem
    }
    expect(ms('interval 1 week')).toBe(7 * 86_400_000)
    expect(ms('interval 2 days')).toBe(2 * 86_400_000)
    expect(ms('INTERVAL 1 day 12 hours')).toBe(36 * 3_600_000)
    expect(ms('168 hours')).toBe(7 * 86_400_000)
    expect(ms('interval 30 minutes 15 seconds')).toBe(30 * 60_000 + 15_000)
    expect(ms('interval 0 seconds')).toBe(0)
    expect(ms('interval 1 month')).toMatch(/unknown unit "month"/)
    expect(ms('interval -1 days')).toMatch(/whole number/)
    expect(ms('interval')).toMatch(/expected "interval <number> <unit>"/)
    expect(ms('one week')).toMatch(/whole number/)
  })

  it("follows the table's property, 1 week without it; a bad value names the table and the property", () => {
    const metadata = (config?: Record<string, string>) => (config ? { deltaConfiguration: config } : {})
    expect(tombstoneRetentionMs('Event', metadata())).toBe(TOMBSTONE_RETENTION_MS)
    expect(
      tombstoneRetentionMs('Event', metadata({ 'delta.deletedFileRetentionDuration': 'interval 2 days' })),
    ).toBe(2 * 86_400_000)
    const bad = () =>
      tombstoneRetentionMs(
        'Event',
        metadata({ 'delta.deletedFileRetentionDuration': 'interval 2 fortnights' }),
      )
    expect(bad).toThrow(TablePropertyError)
    expect(bad).toThrow(
      /Table Event: property delta\.deletedFileRetentionDuration: unknown unit "fortnights"/,
    )
  })
})
