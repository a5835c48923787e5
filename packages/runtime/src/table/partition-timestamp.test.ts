import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { expect, it } from 'vitest'
import { SpecDeltaReader } from '../../../../test/delta/spec-delta-reader.js'
import { readCommitFile } from './__fixtures__/delta-commit-file.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { createTable, openTable } from './table.js'

const tmp = useTempDir('pf-partition-timestamp-')

it("DateTime partition values are the spec's timestamp form (UTC, microseconds), read back by pf and by a spec reader", async () => {
  const path = join(tmp.dir, 'users')
  const table = await createTable(path, { entity: userEntity, enums: userEnums, partitionBy: ['createdAt'] })
  const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 123))
  await table.append(users([1, 2]).withColumn(pl.lit(at).alias('createdAt')))
  await table.append(users([3]))
  const commit = await readCommitFile(path, 1)
  const added = JSON.stringify(commit)
  expect(added).toContain('"partitionValues":{"createdAt":"2024-01-02 03:04:05.123000"}')
  expect(await readdir(path)).toContain('createdAt=2024-01-02%2003%3A04%3A05.123000')
  const ours = (await (await openTable(path)).read()).sort('id').toRecords()
  expect(
    ours.map((r) => {
      const v: unknown = r.createdAt
      return v instanceof Date ? v.getTime() : v
    }),
  ).toEqual([at.getTime(), at.getTime(), null])
  const oracle = await SpecDeltaReader.open()
  try {
    const theirs = (await oracle.read(path)).rows.map((r) => `${r.id}:${String(r.createdAt)}`).sort()
    expect(theirs).toEqual(['1:2024-01-02T03:04:05.123000Z', '2:2024-01-02T03:04:05.123000Z', '3:null'])
  } finally {
    oracle.close()
  }
})
