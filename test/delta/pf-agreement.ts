import { Frame, type Table } from '@parquetframe/runtime'
import { expect } from 'vitest'
import { pfRows } from './pf-normal-form.js'
import { rowDifference } from './row-difference.js'
import type { OracleRead, SpecDeltaReader } from './spec-delta-reader.js'

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
  const diff = rowDifference(seen.rows, pfRows(pf, seen.fields))
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
