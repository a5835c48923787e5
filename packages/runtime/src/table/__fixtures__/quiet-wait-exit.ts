// Child process of quiet-wait.test.ts. `wait`: starts a QuietWait of ten minutes and lets the script end; prints
// `flushed` when the wait ends. `commit <table path> <n>`: creates a table, makes n commits and ends without
// `settled()`. Either way the process must exit at once, the waiting work done.
import { QuietWait } from '../quiet-wait.js'
import { createTable } from '../table.js'
import { userEntity, userEnums, users } from './user-entity.js'

const [mode, path, count] = process.argv.slice(2)
if (mode === 'wait') {
  void new QuietWait(10 * 60_000).wait().then(() => console.log('flushed'))
} else {
  const table = await createTable(path as string, { entity: userEntity, enums: userEnums })
  for (let i = 0; i < Number(count); i++) await table.append(users([i]))
  console.log(`committed ${(await table.snapshot()).version}`)
}
