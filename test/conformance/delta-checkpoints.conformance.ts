// The checkpoint codec (packages/runtime/src/delta/checkpoint-parquet.ts, last-checkpoint.ts) against every Parquet
// checkpoint, sidecar and `_last_checkpoint` of the reference Delta tables written by Spark, delta-rs and the
// kernels. Each file is decoded and compared row for row with DuckDB's reading of it (the independent reference);
// each checkpoint's state is compared with what the table's JSON commits say at its version (and EXPECTED.json's
// `files` where it names that version); each is re-encoded and must decode to the same actions.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CHECKPOINT_COLUMNS,
  CHECKPOINT_V2_COLUMNS,
  type CheckpointFieldKind,
  type CheckpointStructSpec,
} from '../../packages/runtime/src/delta/checkpoint-arrow-schema.js'
import {
  type DeltaCheckpointAction,
  type DeltaCheckpointReadAction,
  decodeCheckpoint,
  encodeCheckpoint,
} from '../../packages/runtime/src/delta/checkpoint-parquet.js'
import { deletionVectorId } from '../../packages/runtime/src/delta/delta-actions.js'
import { decodeLastCheckpoint } from '../../packages/runtime/src/delta/last-checkpoint.js'
import { CORPUS_ROOT } from './corpus-files.js'

/** The reference Delta tables: PF_TESTDATA_DELTA, else the `delta` folder next to the files corpus. */
const DELTA_ROOT = resolve(process.env.PF_TESTDATA_DELTA ?? join(CORPUS_ROOT, '..', 'delta'))

interface Expectation {
  readonly version?: number
  readonly files?: readonly string[]
  readonly expectErrors?: readonly string[]
}
const EXPECTED = JSON.parse(readFileSync(join(DELTA_ROOT, 'EXPECTED.json'), 'utf8')) as {
  tables: Record<string, Expectation[]>
}

/**
 * Checkpoints the codec refuses, and the column it names. The golden generator removed the protocol row of this
 * one and left a metaData row whose schemaString is null, which the spec requires; EXPECTED.json expects the table
 * to be refused.
 */
const REFUSED: Readonly<Record<string, string>> = {
  'golden/deltalog-state-reconstruction-from-checkpoint-missing-protocol': 'metaData.schemaString',
}

/** The table folder (relative to DELTA_ROOT) a checkpoint file belongs to. */
const tableOf = (file: string): string => file.slice(DELTA_ROOT.length + 1).replace(/\/_delta_log\/.*$/, '')

const refusal = (table: string): RegExp =>
  new RegExp(`, ${(REFUSED[table] as string).replace('.', '\\.')}: row \\d+: required, but null or absent`)

const CHECKPOINT = /^(\d{20})\.checkpoint\.(?:(\d{10})\.(\d{10})\.|[0-9a-fA-F-]{36}\.)?(parquet|json)$/

/** One checkpoint of one table: its version and files (a multi-part checkpoint has several). */
interface TableCheckpoint {
  readonly table: string
  readonly version: number
  readonly files: string[]
}

function tableCheckpoints(): TableCheckpoint[] {
  const out = new Map<string, TableCheckpoint>()
  for (const table of Object.keys(EXPECTED.tables).sort()) {
    const log = join(DELTA_ROOT, table, '_delta_log')
    if (!existsSync(log)) continue
    for (const name of readdirSync(log).sort()) {
      const match = CHECKPOINT.exec(name)
      if (!match) continue
      const key = `${table}@${name.replace(/\.checkpoint\..*$/, '')}`
      const entry = out.get(key) ?? { table, version: Number(match[1]), files: [] }
      entry.files.push(name)
      out.set(key, entry)
    }
  }
  return [...out.values()]
}

const CHECKPOINTS = tableCheckpoints()
const PARQUET_FILES = CHECKPOINTS.flatMap((c) => {
  const log = join(DELTA_ROOT, c.table, '_delta_log')
  return c.files.filter((f) => f.endsWith('.parquet')).map((f) => join(log, f))
}).concat(
  Object.keys(EXPECTED.tables).flatMap((table) => {
    const sidecars = join(DELTA_ROOT, table, '_delta_log', '_sidecars')
    return existsSync(sidecars)
      ? readdirSync(sidecars)
          .filter((f) => f.endsWith('.parquet'))
          .sort()
          .map((f) => join(sidecars, f))
      : []
  }),
)

/** DuckDB's row, cut to what the codec reads: the spec's fields, nulls dropped (maps keep their null values). */
function project(value: unknown, kind: CheckpointFieldKind): unknown {
  if (value === null || value === undefined) return undefined
  if (typeof kind === 'string') return value
  const out: Record<string, unknown> = {}
  for (const [name, child] of Object.entries(kind)) {
    const projected = project((value as Record<string, unknown>)[name], child)
    if (projected !== undefined) out[name] = projected
  }
  return out
}

const ALL_COLUMNS: Record<string, CheckpointStructSpec> = { ...CHECKPOINT_COLUMNS, ...CHECKPOINT_V2_COLUMNS }

async function duckActions(duck: DuckDBConnection, file: string): Promise<unknown[]> {
  const reader = await duck.runAndReadAll(
    `select to_json(t)::varchar as j from read_parquet('${file.replaceAll("'", "''")}') t`,
  )
  return reader.getRows().flatMap((row) => {
    const raw = JSON.parse(String(row[0])) as Record<string, unknown>
    return Object.entries(ALL_COLUMNS).flatMap(([column, spec]) => {
      const value = project(raw[column], spec)
      return value === undefined ? [] : [{ [column]: value }]
    })
  })
}

function jsonLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

/** The actions of a whole checkpoint: its files (a V2 JSON top-level file as lines), then its sidecars. */
function checkpointActions(checkpoint: TableCheckpoint): DeltaCheckpointReadAction[] {
  const log = join(DELTA_ROOT, checkpoint.table, '_delta_log')
  const actions = checkpoint.files.flatMap((name): DeltaCheckpointReadAction[] =>
    name.endsWith('.json')
      ? (jsonLines(join(log, name)) as DeltaCheckpointReadAction[])
      : decodeCheckpoint(readFileSync(join(log, name)), { file: name }),
  )
  const sidecars = actions.flatMap((a) =>
    'sidecar' in a ? [decodeCheckpoint(readFileSync(join(log, '_sidecars', a.sidecar.path)))] : [],
  )
  return [...actions, ...sidecars.flat()]
}

/** The state the JSON commits 0..version describe (PROTOCOL.md "Action Reconciliation"). */
function replayCommits(table: string, version: number) {
  const log = join(DELTA_ROOT, table, '_delta_log')
  let protocol: unknown
  let metaData: unknown
  const files = new Map<string, unknown>()
  const removed = new Set<string>()
  const txns = new Map<string, unknown>()
  const domains = new Map<string, unknown>()
  for (let v = 0; v <= version; v++)
    for (const action of jsonLines(join(log, `${String(v).padStart(20, '0')}.json`))) {
      if (action.protocol) protocol = action.protocol
      if (action.metaData) metaData = action.metaData
      const txn = action.txn as { appId: string } | undefined
      if (txn) txns.set(txn.appId, txn)
      const domain = action.domainMetadata as { domain: string; removed: boolean } | undefined
      if (domain) {
        if (domain.removed) domains.delete(domain.domain)
        else domains.set(domain.domain, domain)
      }
      const add = action.add as FileLike | undefined
      if (add) {
        files.set(fileKey(add), add)
        removed.delete(fileKey(add))
      }
      const remove = action.remove as FileLike | undefined
      if (remove) {
        files.delete(fileKey(remove))
        removed.add(fileKey(remove))
      }
    }
  return { protocol, metaData, files, removed, txns, domains }
}

type FileLike = { path: string; deletionVector?: Parameters<typeof deletionVectorId>[0] }
const fileKey = (file: FileLike): string => `${file.path}\u0000${deletionVectorId(file.deletionVector) ?? ''}`

/** Drops fields the codec does not read and nulls, so JSON and checkpoint actions compare. */
function comparable(column: string, value: unknown): unknown {
  const spec = ALL_COLUMNS[column]
  return spec === undefined ? value : project(value, spec)
}

describe('Delta checkpoints of the reference tables', () => {
  let duck: DuckDBConnection
  beforeAll(async () => {
    duck = await (await DuckDBInstance.create(':memory:')).connect()
  })
  afterAll(() => duck.closeSync())

  it('finds the checkpoints, parts and sidecars', () => {
    expect(CHECKPOINTS.length).toBeGreaterThanOrEqual(20)
    expect(CHECKPOINTS.some((c) => c.files.length === 2)).toBe(true) // multi-part
    expect(PARQUET_FILES.filter((f) => f.includes('_sidecars')).length).toBeGreaterThanOrEqual(6)
  })

  it.each(PARQUET_FILES.map((f) => [f.slice(DELTA_ROOT.length + 1), f]))(
    '%s: decodes as DuckDB reads it, and re-encodes to the same actions',
    async (_name, file) => {
      if (REFUSED[tableOf(file)] !== undefined) {
        expect(() => decodeCheckpoint(readFileSync(file))).toThrow(refusal(tableOf(file)))
        return
      }
      const actions = decodeCheckpoint(readFileSync(file))
      expect(actions).toStrictEqual(await duckActions(duck, file))
      const v1 = actions.filter(
        (a): a is DeltaCheckpointAction => !('checkpointMetadata' in a || 'sidecar' in a),
      )
      expect(decodeCheckpoint(encodeCheckpoint(v1))).toStrictEqual(v1)
    },
  )

  it.each(CHECKPOINTS.map((c) => [`${c.table} @ ${c.version} (${c.files.join(', ')})`, c]))(
    '%s: holds what the JSON commits say at its version',
    (_name, checkpoint) => {
      if (REFUSED[checkpoint.table] !== undefined) {
        expect(() => checkpointActions(checkpoint)).toThrow(refusal(checkpoint.table))
        return
      }
      const actions = checkpointActions(checkpoint)
      const expectErrors = EXPECTED.tables[checkpoint.table]?.flatMap((e) => e.expectErrors ?? []) ?? []
      const state = replayCommits(checkpoint.table, checkpoint.version)
      const of = <K extends string>(kind: K) =>
        actions.flatMap((a) => (kind in a ? [(a as Record<K, unknown>)[kind]] : []))

      const adds = of('add') as FileLike[]
      expect(new Set(adds.map(fileKey))).toStrictEqual(new Set(state.files.keys()))
      expect(adds.length).toBe(state.files.size)
      // Writers store checkpoint adds with dataChange false (the checkpoint changes no data); all else is the commit's.
      for (const { dataChange, ...add } of adds as (FileLike & { dataChange?: boolean })[]) {
        const { dataChange: _, ...committed } = comparable('add', state.files.get(fileKey(add))) as {
          dataChange?: boolean
        }
        expect(add).toStrictEqual(committed)
      }
      // Tombstones: removed per the commits (expired ones may be gone), never a live file.
      for (const remove of of('remove') as FileLike[]) expect(state.removed.has(fileKey(remove))).toBe(true)

      if (expectErrors.includes('checkpoint-missing-protocol')) expect(of('protocol')).toStrictEqual([])
      else expect(of('protocol')).toStrictEqual([comparable('protocol', state.protocol)])
      if (expectErrors.includes('checkpoint-missing-metadata')) expect(of('metaData')).toStrictEqual([])
      else expect(of('metaData')).toStrictEqual([comparable('metaData', state.metaData)])
      expect(new Map((of('txn') as { appId: string }[]).map((t) => [t.appId, t]))).toStrictEqual(
        new Map([...state.txns].map(([id, t]) => [id, comparable('txn', t)])),
      )
      expect(of('domainMetadata')).toHaveLength(state.domains.size)

      for (const expectation of EXPECTED.tables[checkpoint.table] ?? [])
        if (expectation.files !== undefined && expectation.version === checkpoint.version)
          expect(adds.map((a) => decodeURIComponent(a.path)).sort()).toStrictEqual(
            [...expectation.files].sort(),
          )
    },
  )

  const lastCheckpoints = Object.keys(EXPECTED.tables)
    .filter((table) => existsSync(join(DELTA_ROOT, table, '_delta_log', '_last_checkpoint')))
    .sort()

  it.each(lastCheckpoints)('%s: _last_checkpoint points at a checkpoint of that size', (table) => {
    const read = decodeLastCheckpoint(
      readFileSync(join(DELTA_ROOT, table, '_delta_log', '_last_checkpoint'), 'utf8'),
    )
    if (table === 'golden/corrupted-last-checkpoint-kernel') {
      // The kernel's own fixture: an empty pointer, which readers must survive by listing.
      expect(read).toStrictEqual({ ok: false, problem: 'empty' })
      return
    }
    if (!read.ok) throw new Error(`${table}: ${read.problem}`)
    const pointed = CHECKPOINTS.filter((c) => c.table === table && c.version === read.value.version)
    expect(pointed).toHaveLength(1)
    const checkpoint = pointed[0] as TableCheckpoint
    expect(checkpoint.files.length).toBe(read.value.parts ?? 1)
    if (REFUSED[table] !== undefined) return
    const actions = checkpointActions(checkpoint)
    if (table === 'golden/deltalog-state-reconstruction-from-checkpoint-missing-metadata') {
      // The golden generator removed the metaData row after writing the pointer.
      expect(actions.filter((a) => 'metaData' in a)).toStrictEqual([])
      expect(actions).toHaveLength(read.value.size - 1)
      return
    }
    if (read.value.numOfAddFiles !== undefined)
      expect(actions.filter((a) => 'add' in a)).toHaveLength(read.value.numOfAddFiles)
    // V2 pointers count the top-level file's rows and the sidecars' differently across writers; V1 ones exactly.
    if (!actions.some((a) => 'checkpointMetadata' in a)) expect(actions).toHaveLength(read.value.size)
  })
})
