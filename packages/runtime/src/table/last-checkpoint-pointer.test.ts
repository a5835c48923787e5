// `_delta_log/_last_checkpoint` never moves back: a checkpoint of an older version written late (another process's,
// or one that outlived a feature drop which moved the entries after it away) leaves the newer one named.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { decodeLastCheckpoint } from '../delta/last-checkpoint.js'
import { userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { nodeFileSystem } from './node-file-system.js'
import { createTable } from './table.js'
import { TableLog } from './table-log.js'

const ws = useUsersTablePath()

async function pointedVersion(): Promise<number> {
  const read = decodeLastCheckpoint(await readFile(join(ws.path, '_delta_log', '_last_checkpoint'), 'utf8'))
  if (!read.ok) throw new Error(read.problem)
  return read.value.version
}

it('a late checkpoint of an older version is written but not pointed at', async () => {
  const table = await createTable(ws.path, { entity: userEntity, enums: userEnums, checkpointInterval: 0 })
  await table.append(users([1]))
  const log = new TableLog(ws.path, nodeFileSystem, 'users')
  const older = await log.latest()
  await table.append(users([2]))
  await table.append(users([3]))
  expect(await table.checkpoint()).toBe(3)
  expect(await pointedVersion()).toBe(3)

  await log.writeCheckpoint(older)
  await readFile(join(ws.path, '_delta_log', `${String(older.version).padStart(20, '0')}.checkpoint.parquet`))
  expect(await pointedVersion()).toBe(3)
})
