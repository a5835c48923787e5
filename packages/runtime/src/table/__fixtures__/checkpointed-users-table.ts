import { createTable, type Table } from '../table.js'
import { range, userEntity, userEnums, users } from './user-entity.js'

/**
 * A users table at `path` checkpointed every 4 commits, written to version 4: appends, a delete and an upsert, so
 * the checkpoint at 4 holds a live file with a deletion vector and tombstones. Not settled: the checkpoint may be
 * in flight.
 */
export async function createCheckpointedUsersTable(path: string): Promise<Table> {
  const table = await createTable(path, { entity: userEntity, enums: userEnums, checkpointInterval: 4 })
  await table.append(users(range(0, 6)))
  await table.deleteKeys([2])
  await table.upsert(users([3], 'again'))
  await table.append(users([40]))
  return table
}
