// Entity queries against a plain in-memory model, over random values at the edges of every type: negative and
// 64-bit bigints, ±(2^53-1) ints, BOM-prefixed, empty, astral, combining and NUL strings, NaN/±Infinity/-0,
// DateTimes from the earliest to the latest JS Date, nulls.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { useSharedTempDir } from '../table/__fixtures__/temp-dir.js'
import { entityIRFor } from './__fixtures__/test-ir.js'
import * as pf from './index.js'

interface Item {
  id: number
  big: bigint | null
  n: number | null
  f: number | null
  s: string | null
  t: Date | null
}

type Field = Exclude<keyof Item, 'id'>
type Value = bigint | number | string | Date

const MIN_I64 = -(2n ** 63n)
const MAX_I64 = 2n ** 63n - 1n
const MAX_SAFE = Number.MAX_SAFE_INTEGER

const bigints = fc.oneof(
  fc.constantFrom(MIN_I64, MAX_I64, -2n, -1n, 0n, 1n, 2n, -(2n ** 53n), 2n ** 53n),
  fc.bigInt({ min: MIN_I64, max: MAX_I64 }),
  fc.bigInt({ min: -5n, max: 5n }),
)
const ints = fc.oneof(
  fc.constantFrom(MAX_SAFE, -MAX_SAFE, MAX_SAFE - 1, -2, -1, 0, 1, 2),
  fc.integer({ min: -5, max: 5 }),
  fc.maxSafeInteger(),
)
const floats = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    0,
    1.5,
    -1.5,
    Number.MAX_VALUE,
    -Number.MIN_VALUE,
  ),
  fc.double(),
)
const strings = fc.oneof(
  fc.constantFrom(
    '',
    '\ufeff',
    '\ufeffbom',
    'bom',
    'a',
    'ab',
    'b',
    'Z',
    '\u0000',
    'a\u0000b',
    '\u{1F600}',
    '\u{10FFFF}',
    'e\u0301',
    'é',
    '\uffff',
    '\ue000',
    '日本',
  ),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
)
const DATE_LIMIT = 8_640_000_000_000_000
const dates = fc
  .oneof(
    fc.constantFrom(
      0,
      -1,
      1,
      -62_135_596_800_000,
      -9_223_372_036_855,
      9_223_372_036_854,
      253_402_300_799_994,
    ),
    fc.integer({ min: -DATE_LIMIT, max: DATE_LIMIT }),
  )
  .map((ms) => new Date(ms))
const FIELDS: Record<Field, fc.Arbitrary<Value>> = { big: bigints, n: ints, f: floats, s: strings, t: dates }

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { freq: 5, nil: null })
const rowArb = (id: number) =>
  fc.record({
    id: fc.constant(id),
    big: nullable(bigints),
    n: nullable(ints),
    f: nullable(floats),
    s: nullable(strings),
    t: nullable(dates),
  })
const idsArb = fc.uniqueArray(
  fc.oneof(fc.integer({ min: -20, max: 20 }), fc.constantFrom(MAX_SAFE, -MAX_SAFE)),
  {
    maxLength: 12,
  },
)

// ---- the model ------------------------------------------------------------------------------------------------

/** Polars' order: numbers as numbers (-0 equals 0, NaN above everything, NaN equals NaN), strings by UTF-8 bytes. */
function compare(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b))
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime()
  if (typeof a === 'number' && typeof b === 'number') {
    const an = Number.isNaN(a)
    const bn = Number.isNaN(b)
    if (an || bn) return an && bn ? 0 : an ? 1 : -1
  }
  return a < b ? -1 : a > b ? 1 : 0
}

type Op =
  | 'equals'
  | 'not'
  | 'in'
  | 'notIn'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'contains'
  | 'startsWith'
  | 'endsWith'
type FieldCondition = Value | null | Partial<Record<Op, Value | null | (Value | null)[]>>
type Where = { [F in Field]?: FieldCondition | undefined } & {
  AND?: Where[]
  OR?: Where[]
  NOT?: Where | Where[]
}

function holds(v: Value | null, op: Op, operand: Value | null | (Value | null)[]): boolean {
  const eq = (x: Value | null) => (x === null ? v === null : v !== null && compare(v, x) === 0)
  switch (op) {
    case 'equals':
      return eq(operand as Value | null)
    case 'not':
      return !eq(operand as Value | null)
    case 'in':
      return (operand as (Value | null)[]).some(eq)
    case 'notIn':
      return !(operand as (Value | null)[]).some(eq)
    case 'gt':
      return v !== null && compare(v, operand as Value) > 0
    case 'gte':
      return v !== null && compare(v, operand as Value) >= 0
    case 'lt':
      return v !== null && compare(v, operand as Value) < 0
    case 'lte':
      return v !== null && compare(v, operand as Value) <= 0
    case 'contains':
      return typeof v === 'string' && v.includes(operand as string)
    case 'startsWith':
      return typeof v === 'string' && v.startsWith(operand as string)
    case 'endsWith':
      return typeof v === 'string' && v.endsWith(operand as string)
  }
}

function matches(row: Item, where: Where): boolean {
  for (const [key, cond] of Object.entries(where)) {
    if (cond === undefined) continue
    if (key === 'AND' && !(cond as Where[]).every((w) => matches(row, w))) return false
    if (key === 'OR' && !(cond as Where[]).some((w) => matches(row, w))) return false
    if (key === 'NOT' && [cond as Where | Where[]].flat().some((w) => matches(row, w))) return false
    if (key === 'AND' || key === 'OR' || key === 'NOT') continue
    const v = row[key as Field]
    if (cond === null || typeof cond !== 'object' || cond instanceof Date) {
      if (!holds(v, 'equals', cond)) return false
      continue
    }
    for (const [op, operand] of Object.entries(cond)) {
      if (operand !== undefined && !holds(v, op as Op, operand)) return false
    }
  }
  return true
}

/** Sorts by one field (nulls last in both directions), then by id. */
function sorted(rows: readonly Item[], field: Field, dir: 'asc' | 'desc'): Item[] {
  return [...rows].sort((a, b) => {
    const x = a[field]
    const y = b[field]
    if (x === null || y === null) return x === y ? a.id - b.id : x === null ? 1 : -1
    const c = compare(x, y) * (dir === 'asc' ? 1 : -1)
    return c !== 0 ? c : a.id - b.id
  })
}

// ---- random queries ---------------------------------------------------------------------------------------------

const OPS_OF: Record<Field, Op[]> = {
  big: ['equals', 'not', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte'],
  n: ['equals', 'not', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte'],
  f: ['equals', 'not', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte'],
  s: ['equals', 'not', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith', 'endsWith'],
  t: ['equals', 'not', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte'],
}

/** A value of the field: one stored in the table (so equality hits) or a fresh one. */
function sampleOf(field: Field, stored: readonly Item[]): fc.Arbitrary<Value> {
  const seen = stored.map((r) => r[field]).filter((v): v is Value => v !== null)
  return seen.length > 0 ? fc.oneof(fc.constantFrom(...seen), FIELDS[field]) : FIELDS[field]
}

function operandOf(
  field: Field,
  op: Op,
  stored: readonly Item[],
): fc.Arbitrary<Value | null | (Value | null)[]> {
  const value = sampleOf(field, stored)
  if (op === 'in' || op === 'notIn') return fc.array(nullable(value), { maxLength: 4 })
  if (op === 'equals' || op === 'not') return nullable(value)
  return value
}

function conditionOf(field: Field, stored: readonly Item[]): fc.Arbitrary<FieldCondition> {
  const ops = fc.subarray(OPS_OF[field], { minLength: 1, maxLength: 2 })
  const object = ops.chain((list) =>
    fc.record(Object.fromEntries(list.map((op) => [op, operandOf(field, op, stored)]))),
  ) as fc.Arbitrary<FieldCondition>
  return fc.oneof(nullable(sampleOf(field, stored)), object, object)
}

/** A where-clause with at least one condition (undefined entries may sit next to it). */
function whereOf(stored: readonly Item[], depth = 1): fc.Arbitrary<Where> {
  const fieldsArb = fc.subarray(['big', 'n', 'f', 's', 't'] as Field[], { minLength: 1, maxLength: 2 })
  const leaf = fieldsArb.chain((list) =>
    fc.record({
      ...Object.fromEntries(list.map((f) => [f, conditionOf(f, stored)])),
      ...(list.includes('n') ? {} : { n: fc.constant(undefined) }),
    }),
  ) as fc.Arbitrary<Where>
  if (depth === 0) return leaf
  const inner = whereOf(stored, depth - 1)
  return fc.oneof(
    { arbitrary: leaf, weight: 4 },
    fc.record({ OR: fc.array(inner, { minLength: 1, maxLength: 2 }) }),
    fc.record({ AND: fc.array(inner, { minLength: 1, maxLength: 2 }) }),
    fc.record({ NOT: inner }),
  )
}

type Query =
  | { kind: 'findMany'; where: Where; order?: [Field, 'asc' | 'desc']; limit?: number; offset?: number }
  | { kind: 'count' | 'deleteBy' | 'exists'; where: Where }
  | { kind: 'find'; id: number }
  | { kind: 'deleteEmpty'; where: Where }

/** Where-clauses without a condition: deleteBy refuses them (deleteAll() deletes everything). */
const EMPTY_WHERES: Where[] = [
  {},
  { s: undefined },
  { big: {} },
  { AND: [] },
  { OR: [{ n: {} }] },
  { NOT: [] },
]

function queryOf(stored: readonly Item[]): fc.Arbitrary<Query> {
  const where = whereOf(stored)
  const order = fc.tuple(
    fc.constantFrom<Field>('big', 'n', 'f', 's', 't'),
    fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
  )
  return fc.oneof(
    fc.record(
      {
        kind: fc.constant('findMany' as const),
        where,
        order,
        limit: fc.integer({ min: 0, max: 5 }),
        offset: fc.integer({ min: 0, max: 3 }),
      },
      { requiredKeys: ['kind', 'where'] },
    ),
    fc.record({ kind: fc.constantFrom('count' as const, 'deleteBy' as const, 'exists' as const), where }),
    fc.record({ kind: fc.constant('deleteEmpty' as const), where: fc.constantFrom(...EMPTY_WHERES) }),
    fc.record({
      kind: fc.constant('find' as const),
      id: stored.length > 0 ? fc.constantFrom(...stored.map((r) => r.id), 999) : fc.constant(999),
    }),
  )
}

// ---- the property -----------------------------------------------------------------------------------------------

const tmp = useSharedTempDir('pf-model-')

/** Plain data of an entity, for comparison with the model (exact: -0 differs from 0, NaN equals NaN). */
function plain(e: Item): Item {
  return { id: e.id, big: e.big, n: e.n, f: e.f, s: e.s, t: e.t }
}

const byId = (rows: readonly Item[]) => [...rows].sort((a, b) => a.id - b.id)

/** Renders a case for a failure message (bigints as `2n`, -0 and NaN visible). */
function show(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'bigint'
      ? `${v}n`
      : typeof v === 'number' && !Number.isFinite(v)
        ? String(v)
        : Object.is(v, -0)
          ? '-0'
          : v,
  )
}

let tables = 0

describe.each(['parquet', 'avro'] as const)(
  'entity queries on %s tables agree with an in-memory model',
  (format) => {
    it('find, findBy, findMany, count, exists, deleteBy', async () => {
      const scenario = idsArb
        .chain((ids) =>
          fc.tuple(
            ids.length === 0 ? fc.constant([] as Item[]) : fc.tuple(...ids.map(rowArb)),
            fc.integer({ min: 1, max: 3 }),
          ),
        )
        .chain(([rows, batches]) =>
          fc.tuple(
            fc.constant(rows),
            fc.constant(batches),
            fc.array(queryOf(rows), { minLength: 2, maxLength: 8 }),
          ),
        )
      await fc.assert(
        fc.asyncProperty(scenario, async ([rows, batches, queries]) => {
          const name = `Item${++tables}`
          const cls = class extends pf.Entity {}
          pf.withRegistry(new pf.EntityRegistry(), () =>
            pf.registerEntity(cls, {
              ...entityIRFor(name, {
                id: 'Int',
                big: 'BigInt?',
                n: 'Int?',
                f: 'Float?',
                s: 'String?',
                t: 'DateTime?',
              }),
              format,
            }),
          )
          const repo = pf.openStore(tmp.dir).repository(cls) as unknown as pf.Repository<Item>
          // Several files, so statistics decide which ones are read.
          const size = Math.ceil(rows.length / batches) || 1
          for (let i = 0; i < rows.length; i += size) await repo.saveAll(rows.slice(i, i + size))
          let model: Item[] = [...rows]
          for (const q of queries) {
            const label = show(q)
            switch (q.kind) {
              case 'find': {
                const hit = await repo.find(q.id)
                expect(hit === null ? null : plain(hit), label).toEqual(
                  model.find((r) => r.id === q.id) ?? null,
                )
                break
              }
              case 'count':
                expect(await repo.count(q.where as pf.WhereInput<Item>), label).toBe(
                  model.filter((r) => matches(r, q.where)).length,
                )
                break
              case 'exists': {
                const any = model.some((r) => matches(r, q.where))
                expect(await repo.exists(q.where as pf.WhereInput<Item>), label).toBe(any)
                const one = await repo.findOne(q.where as pf.WhereInput<Item>)
                if (one) expect(matches(plain(one), q.where), label).toBe(true)
                expect(one !== null, label).toBe(any)
                break
              }
              case 'deleteBy': {
                const removed = await repo.deleteBy(q.where as pf.WhereInput<Item>)
                const kept = model.filter((r) => !matches(r, q.where))
                expect(removed, label).toBe(model.length - kept.length)
                model = kept
                expect(byId((await repo.findAll()).map(plain)), label).toEqual(byId(model))
                break
              }
              case 'deleteEmpty':
                await expect(repo.deleteBy(q.where as pf.WhereInput<Item>), label).rejects.toBeInstanceOf(
                  pf.QueryError,
                )
                expect(await repo.count(), label).toBe(model.length)
                break
              case 'findMany': {
                const where = q.where as pf.WhereInput<Item>
                if (!q.order) {
                  expect(byId((await repo.findBy(where)).map(plain)), label).toEqual(
                    byId(model.filter((r) => matches(r, q.where))),
                  )
                  break
                }
                const [field, dir] = q.order
                const got = await repo.findMany({
                  where,
                  orderBy: [{ [field]: dir }, { id: 'asc' }],
                  ...(q.limit === undefined ? {} : { limit: q.limit }),
                  ...(q.offset === undefined ? {} : { offset: q.offset }),
                })
                const all = sorted(
                  model.filter((r) => matches(r, q.where)),
                  field,
                  dir,
                )
                const start = q.offset ?? 0
                const want = all.slice(start, q.limit === undefined ? undefined : start + q.limit)
                expect(got.map(plain), label).toEqual(want)
                break
              }
            }
          }
          expect(await repo.count(), 'rows left').toBe(model.length)
        }),
        // A failure shrinks by writing tables again: bounded, it reports the smallest case found in time.
        { numRuns: 25, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: true },
      )
    }, 120_000)
  },
)
