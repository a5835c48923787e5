// Compaction merges the files of one partition whatever text names a DateTime partition value: tables written
// before pf used the spec's form (`2024-01-02 03:04:05.123000`) hold polars' text (`...+00:00`) for the same instant.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { expect, it } from 'vitest'
import { commitPath } from './__fixtures__/delta-commit-file.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { createTable, openTable } from './table.js'

const tmp = useTempDir('pf-compact-datetime-partitions-')

const SPEC_FORM = '"createdAt":"2024-01-02 03:04:05.123000"'
const OLD_FORM = '"createdAt":"2024-01-02 03:04:05.123000+00:00"'

it('files of one DateTime partition in the old and the spec form are merged into one, rows unchanged', async () => {
  const path = join(tmp.dir, 'users')
  const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 123))
  const other = new Date(Date.UTC(2024, 0, 3))
  const table = await createTable(path, {
    entity: userEntity,
    enums: userEnums,
    partitionBy: ['createdAt'],
    autoCompact: false,
    // A pf from before the spec form kept no state cache of its versions (one would hold version 1's new form).
    checkpointInterval: 0,
  })
  await table.append(users([1, 2]).withColumn(pl.lit(at).alias('createdAt'))) // v1
  await table.append(users([3]).withColumn(pl.lit(at).alias('createdAt'))) // v2
  await table.append(users([4]).withColumn(pl.lit(other).alias('createdAt'))) // v3
  // Version 1 as a pf from before the spec form wrote it.
  const v1 = await readFile(commitPath(path, 1), 'utf8')
  expect(v1).toContain(SPEC_FORM)
  await writeFile(commitPath(path, 1), v1.replaceAll(SPEC_FORM, OLD_FORM))

  const reopened = await openTable(path)
  const before = (await reopened.read()).sort('id').toRecords()
  /** The DateTime partition value of each live file, sorted. */
  const partitions = async (): Promise<(string | null | undefined)[]> =>
    (await reopened.at(reopened.version)).files.map((f) => f.add.partitionValues.createdAt).sort()
  expect(await partitions()).toEqual([
    '2024-01-02 03:04:05.123000',
    '2024-01-02 03:04:05.123000+00:00',
    '2024-01-03 00:00:00.000000',
  ])
  await reopened.compact({ targetFileRows: 100 })
  expect(await partitions()).toEqual(['2024-01-02 03:04:05.123000', '2024-01-03 00:00:00.000000'])
  expect((await reopened.read()).sort('id').toRecords()).toEqual(before)
  expect(
    before.map((r) => {
      const v: unknown = r.createdAt
      return v instanceof Date ? v.getTime() : v
    }),
  ).toEqual([at.getTime(), at.getTime(), at.getTime(), other.getTime()])
})
