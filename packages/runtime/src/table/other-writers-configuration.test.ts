import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SpecDeltaReader } from '../../../../test/delta/spec-delta-reader.js'
import { commitPath, readCommitFile } from './__fixtures__/delta-commit-file.js'
import { nickField, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { createTable, openTable } from './table.js'

const ws = useUsersTablePath()

/** Table properties another engine set on the table (as Spark's ALTER TABLE SET TBLPROPERTIES keeps every key). */
const PROPERTIES = { 'delta.logRetentionDuration': 'interval 60 days', 'team.owner': 'data-platform' }

describe("other writers' configuration keys on a pf table", () => {
  it('are kept by every metaData pf writes afterwards: schema changes and checkpoints', async () => {
    await createTable(ws.path, { entity: userEntity, enums: userEnums, checkpointInterval: 3 })
    const v0 = await readCommitFile(ws.path, 0)
    const meta = v0.metaData as { configuration: Record<string, string> }
    await writeFile(
      commitPath(ws.path, 1),
      `${[
        { metaData: { ...meta, configuration: { ...meta.configuration, ...PROPERTIES } } },
        { commitInfo: { timestamp: Date.now(), operation: 'SET TBLPROPERTIES', readVersion: 0 } },
      ]
        .map((a) => JSON.stringify(a))
        .join('\n')}\n`,
      { flag: 'wx' },
    )
    const table = await openTable(ws.path)
    expect(table.metadata.deltaConfiguration).toEqual(PROPERTIES)
    await table.append(users([1, 2]))
    // A schema change: its metaData keeps the keys; pf's own keys follow the new schema.
    const added = {
      ...userEntity,
      fields: [...userEntity.fields, nickField],
    } as const
    await table.evolveSchema(added, userEnums)
    const evolved = await readCommitFile(ws.path, table.version)
    expect((evolved.metaData as { configuration: Record<string, string> }).configuration).toMatchObject(
      PROPERTIES,
    )
    expect(
      JSON.parse(
        (evolved.metaData as { configuration: Record<string, string> }).configuration['pf.entity'] ?? '',
      ),
    ).toEqual(added)
    // The checkpoint (every 3 versions) holds the keys too: a reader starting from it sees them.
    await table.settled()
    expect((await readdir(join(ws.path, '_delta_log'))).some((f) => f.endsWith('.checkpoint.parquet'))).toBe(
      true,
    )
    const oracle = await SpecDeltaReader.open()
    try {
      const snapshot = await oracle.snapshot(ws.path)
      expect(snapshot.metaData.configuration).toMatchObject(PROPERTIES)
    } finally {
      oracle.close()
    }
    expect((await openTable(ws.path)).metadata.deltaConfiguration).toEqual(PROPERTIES)
  })
})
