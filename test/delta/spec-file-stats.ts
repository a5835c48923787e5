import type { DuckDBConnection } from '@duckdb/node-api'
import { readDeletionVector } from './spec-deletion-vector.js'
import type { DeltaSnapshot } from './spec-delta-log.js'
import { type ColumnMappingMode, type DeltaField, duckTypeOf, physicalName } from './spec-delta-schema.js'
import { tablePath } from './spec-table-path.js'

const quoteId = (name: string): string => `"${name.replaceAll('"', '""')}"`

/** JSON with every number kept as its source text (a long or decimal bound must not pass through a double). */
export function parseJsonNumbersAsText(text: string): unknown {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i)
    if (inString) {
      out += c
      if (c === '\\') out += text.charAt(++i)
      else if (c === '"') inString = false
    } else if (c === '"') {
      inString = true
      out += c
    } else if (/[-\d]/.test(c)) {
      const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))?.[0] ?? c
      out += JSON.stringify(number)
      i += number.length - 1
    } else out += c
  }
  return JSON.parse(out)
}
const quoteText = (text: string): string => `'${text.replaceAll("'", "''")}'`

/**
 * Where the `stats` of live files would mislead an engine that skips files by them (PROTOCOL.md "Per-file
 * Statistics"): `numRecords` must be the file's physical row count; min/max must bound every valid value (always),
 * and equal the extremes when bounds are tight (the default) and no DV hides rows — strings may be a prefix,
 * timestamps truncated to milliseconds; `nullCount` must be exact when tight without a DV. Returns one line per
 * problem, naming file and column.
 */
export async function statsProblems(
  duck: DuckDBConnection,
  root: string,
  snapshot: DeltaSnapshot,
  fields: readonly DeltaField[],
  mode: ColumnMappingMode,
): Promise<string[]> {
  const problems: string[] = []
  const partitions = new Set(snapshot.metaData.partitionColumns)
  for (const add of snapshot.files) {
    if (!add.stats) continue
    const stats = parseJsonNumbersAsText(add.stats) as {
      numRecords?: string
      tightBounds?: boolean
      minValues?: Record<string, unknown>
      maxValues?: Record<string, unknown>
      nullCount?: Record<string, unknown>
    }
    const path = tablePath(root, add.path)
    const dv = add.deletionVector?.storageType ? readDeletionVector(root, add.deletionVector) : []
    const source = `read_parquet(${quoteText(path)}, file_row_number = true)`
    const valid = dv.length > 0 ? `${source} where file_row_number not in (${dv.join(', ')})` : source
    const tight = (stats.tightBounds ?? true) && dv.length === 0
    // A file written before a type was widened keeps its old type, and its stats are in that type: skip it.
    const described = await duck.runAndReadAll(`describe select * from read_parquet(${quoteText(path)})`)
    const fileTypes = new Map(described.getRows().map((r) => [String(r[0]), String(r[1])]))
    // One query per file: the physical row count, then 10 values per checked column.
    const checked: DeltaField[] = []
    const selects: string[] = [`(select count(*) from ${source})`]
    for (const field of fields) {
      const t = duckTypeOf(field.type)
      const name = physicalName(field, mode)
      const fileType = fileTypes
        .get(name)
        ?.replace('TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ')
        .replaceAll(' ', '')
      if (t === undefined || partitions.has(field.name) || fileType !== t.replaceAll(' ', '')) continue
      if (t === 'BLOB' || t === 'BOOLEAN') continue
      const bound = (kind: 'minValues' | 'maxValues' | 'nullCount'): string => {
        const value = stats[kind]?.[name]
        return typeof value === 'string' ? quoteText(value) : 'NULL'
      }
      // "Timestamp columns are truncated down to milliseconds": compare at that precision.
      const ms = t === 'TIMESTAMPTZ' || t === 'TIMESTAMP'
      const col = ms ? `date_trunc('millisecond', ${quoteId(name)})` : quoteId(name)
      const stat = (kind: 'minValues' | 'maxValues'): string => `CAST(${bound(kind)} AS ${t})`
      const exact = (kind: 'minValues' | 'maxValues', agg: string): string =>
        t === 'VARCHAR' ? `starts_with(${agg}, ${stat(kind)})` : `${agg} = ${stat(kind)}`
      checked.push(field)
      selects.push(
        `${stat('minValues')} is null or min(${col}) is null or ${stat('minValues')} <= min(${col})`,
        `${stat('maxValues')} is null or max(${col}) is null or ${stat('maxValues')} >= max(${col})`,
        `${stat('minValues')} is null or min(${col}) is null or ${exact('minValues', `min(${col})`)}`,
        `${stat('maxValues')} is null or max(${col}) is null or ${exact('maxValues', `max(${col})`)}`,
        `CAST(${bound('nullCount')} AS BIGINT)`,
        `count(*) - count(${col})`,
        `min(${col})::varchar`,
        `max(${col})::varchar`,
        `${stat('minValues')}::varchar`,
        `${stat('maxValues')}::varchar`,
      )
    }
    const row = (await duck.runAndReadAll(`select ${selects.join(', ')} from ${valid}`)).getRows()[0] ?? []
    const total = Number(row[0])
    if (stats.numRecords !== undefined && Number(stats.numRecords) !== total)
      problems.push(`${add.path}: numRecords ${stats.numRecords}, the file holds ${total} rows`)
    checked.forEach((field, i) => {
      const [lowOk, highOk, lowTight, highTight, nulls, actualNulls, min, max, sMin, sMax] = row.slice(
        1 + 10 * i,
        11 + 10 * i,
      )
      const at = `${add.path}: column ${field.name}`
      if (lowOk === false) problems.push(`${at}: minValues ${sMin} is above the smallest value ${min}`)
      if (highOk === false) problems.push(`${at}: maxValues ${sMax} is below the largest value ${max}`)
      if (tight && lowTight === false) problems.push(`${at}: tight minValues ${sMin}, smallest value ${min}`)
      if (tight && highTight === false) problems.push(`${at}: tight maxValues ${sMax}, largest value ${max}`)
      if (
        tight &&
        nulls !== null &&
        nulls !== undefined &&
        BigInt(String(nulls)) !== BigInt(String(actualNulls))
      )
        problems.push(`${at}: nullCount ${nulls}, the file holds ${actualNulls} nulls`)
    })
  }
  return problems
}
