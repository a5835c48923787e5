// A lock-holding child for file-lock.test.ts: `node --import tsx lock-holder.ts <lock>`. Takes the lock through the
// product's withWriteLock, prints "held" and keeps it until it is killed.
import { withWriteLock } from '../write-lock.js'

const [lock] = process.argv.slice(2) as [string]
await withWriteLock(
  lock,
  () =>
    new Promise<never>(() => {
      process.stdout.write('held\n')
      setInterval(() => undefined, 60_000)
    }),
  { table: 'holder' },
)
