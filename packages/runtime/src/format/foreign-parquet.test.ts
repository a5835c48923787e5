import { spawnSync } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import pl from 'nodejs-polars'
import { beforeAll, describe, expect, it } from 'vitest'
import { FormatError } from '../errors/pf-error.js'
import { read } from '../frame/read-frame.js'
import { useSharedTempDir } from '../table/__fixtures__/temp-dir.js'

const CHILD = fileURLToPath(new URL('./testing/read-in-child.ts', import.meta.url))

interface ChildOutcome {
  readonly signal: NodeJS.Signals | null
  readonly status: number | null
  readonly result: { ok: boolean; records?: Record<string, unknown>[]; name?: string; code?: string | null }
}

/** `read()` + `toRecords()` of one file in a child process: an abort shows up as a signal, not a dead runner. */
function readInChild(path: string): ChildOutcome {
  const child = spawnSync(process.execPath, ['--import', 'tsx', CHILD, path], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  const line = child.stdout.trim().split('\n').at(-1) ?? ''
  return { signal: child.signal, status: child.status, result: line ? JSON.parse(line) : { ok: false } }
}

const tmp = useSharedTempDir('pf-foreign-')

beforeAll(async () => {
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  // Parquet MAP columns as DuckDB, Spark and Impala write them (required keys): polars 0.24 panics on them.
  await duck.run(
    `copy (select map {'a': 1, 'b': 2} as m, 1 as x union all select map {'c': 3}, 2) to '${join(tmp.dir, 'map.parquet')}'`,
  )
  await duck.run(`copy (select map {'a': map {1: true}} as m) to '${join(tmp.dir, 'nested-map.parquet')}'`)
  duck.closeSync()
})

describe('Parquet files written by other tools', () => {
  it('reads MAP columns (required keys, as DuckDB, Spark and Impala write them) as lists of {key, value}', async () => {
    const rows = await (await read(join(tmp.dir, 'map.parquet'))).toRecords()
    expect(rows).toEqual([
      {
        m: [
          { key: 'a', value: 1 },
          { key: 'b', value: 2 },
        ],
        x: 1,
      },
      { m: [{ key: 'c', value: 3 }], x: 2 },
    ])
    const nested = await (await read(join(tmp.dir, 'nested-map.parquet'), { engine: 'lazy' })).toRecords()
    expect(nested).toEqual([{ m: [{ key: 'a', value: [{ key: 1, value: true }] }] }])
  })

  it.each(['map.parquet', 'nested-map.parquet'])(
    'read() of %s never takes the process down: rows or a FormatError',
    (name) => {
      const outcome = readInChild(join(tmp.dir, name))
      expect(outcome.signal).toBeNull()
      expect(outcome.status).toBe(0)
      if (!outcome.result.ok) expect(outcome.result).toMatchObject({ name: 'FormatError', code: 'PF_FORMAT' })
    },
  )
})

describe('errors of foreign files name the file', () => {
  it('the lazy engine reports a failure deferred to collect as a FormatError naming the file', async () => {
    // A damaged first page header: the footer (all a lazy scan looks at first) is intact.
    pl.DataFrame({ id: [1, 2] }).writeParquet(join(tmp.dir, 'damaged.parquet'), {
      compression: 'uncompressed',
    })
    const bytes = await readFile(join(tmp.dir, 'damaged.parquet'))
    bytes[5] = 0x7e
    await writeFile(join(tmp.dir, 'damaged.parquet'), bytes)
    const frame = await read(join(tmp.dir, 'damaged.parquet'), { engine: 'lazy' })
    const error = await frame.toRecords().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FormatError)
    expect((error as FormatError).message).toContain('damaged.parquet')
  })

  it('the partitioned engine names the one unreadable file instead of reporting incompatible schemas', async () => {
    const data = join(tmp.dir, 'dataset')
    await mkdir(data)
    pl.DataFrame({ id: [1, 2] }).writeParquet(join(data, 'a.parquet'))
    const bytes = await readFile(join(data, 'a.parquet'))
    // The column chunk's codec (after its path ["id"]) set to 63: well-formed Thrift, an enum polars refuses.
    const codec = bytes.lastIndexOf(Buffer.from([0x19, 0x18, 0x02, 0x69, 0x64, 0x15])) + 6
    expect(codec).toBeGreaterThan(5)
    bytes[codec] = 0x7e
    await writeFile(join(data, 'b.parquet'), bytes)
    const error = await read(data, { engine: 'partitioned' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FormatError)
    expect((error as FormatError).message).toContain('b.parquet')
    expect((error as FormatError).message).not.toContain('incompatible schemas')
  })
})
