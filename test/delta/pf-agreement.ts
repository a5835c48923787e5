import { Frame, type Table } from '@parquetframe/runtime'
import { expect } from 'vitest'
import { pfRows } from './pf-normal-form.js'
import type { OracleRead, SpecDeltaReader } from './spec-delta-reader.js'
import { normalKey } from './spec-normal-form.js'

/** Rows only one side has (by exact normal-form key), both sorted; empty lists mean the two agree. */
function difference(
  oracle: readonly unknown[],
  pf: readonly unknown[],
): { onlyOracle: string[]; onlyPf: string[] } {
  const count = new Map<string, number>()
  for (const row of oracle) count.set(normalKey(row), (count.get(normalKey(row)) ?? 0) + 1)
  const onlyPf: string[] = []
  for (const row of pf) {
    const key = normalKey(row)
    const n = count.get(key) ?? 0
    if (n > 0) count.set(key, n - 1)
    else onlyPf.push(key)
  }
  const onlyOracle = [...count].flatMap(([key, n]) => Array<string>(n).fill(key))
  return { onlyOracle: onlyOracle.sort(), onlyPf: onlyPf.sort() }
}

/**
 * Asserts that a reader following only the Delta log sees exactly pf's rows at `version` of the table at `root`;
 * the failure names the version, its Delta operation and the rows each side alone has. The live files' stats must
 * bound their data (`stats: false` skips that, e.g. when time travel revisits checked versions). Returns the oracle's read.
 */
export async function expectSameRowsAt(
  oracle: SpecDeltaReader,
  table: Table,
  root: string,
  version: number,
  step: string,
  options: { readonly stats?: boolean } = {},
): Promise<OracleRead> {
  const seen = await oracle.read(root, version)
  const pf = await Frame.fromDataFrame(await (await table.at(version)).read()).toRecords()
  const operation = String(seen.snapshot.commitInfo?.operation ?? '?')
  const diff = difference(seen.rows, pfRows(pf, seen.fields))
  expect(
    diff,
    `${step}: version ${version} (${operation}): ${seen.rows.length} rows for the oracle, ${pf.length} for pf`,
  ).toEqual({
    onlyOracle: [],
    onlyPf: [],
  })
  // Engines skip files by their statistics: wrong bounds would hide rows from them even with the right files.
  if (options.stats !== false)
    expect(
      await oracle.statsProblems(root, version),
      `${step}: version ${version} (${operation}): stats`,
    ).toEqual([])
  return seen
}
