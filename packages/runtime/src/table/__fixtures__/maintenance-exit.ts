// Child process of maintenance-thread.test.ts: starts a background compaction on the maintenance thread (held there
// until this script's last line), then ends without `settled()` or closing anything. Usage: <table path>
import { maintenanceThread } from '../maintenance-thread.js'
import { createTable } from '../table.js'
import { userEntity, userEnums, users } from './user-entity.js'

const path = process.argv[2] as string
const table = await createTable(path, {
  entity: userEntity,
  enums: userEnums,
  autoCompact: { files: 3, fileRows: 2 },
})
await table.append(users([0]))
await table.append(users([1]))
const held = maintenanceThread.holdNext()
await table.append(users([2]))
await held.started
console.log('held')
held.release()
