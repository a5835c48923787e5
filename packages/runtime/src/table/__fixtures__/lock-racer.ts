// A lock-racing child for file-lock.test.ts: `node --import tsx lock-racer.ts <lock> <inside>`. Prints "ready";
// for each "go" line takes the lock once through the product's withWriteLock and prints one JSON line:
// `overlaps` (another racer was inside the lock at the same time) and `takeovers` (lock files it removed while
// not holding the lock: breaking a stale lock). "exit" ends it.
import { open, unlink } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { FaultyFileSystem } from '../faulty-file-system.js'
import { withWriteLock } from '../write-lock.js'

const [lock, inside] = process.argv.slice(2) as [string, string]
let holding = false
let takeovers = 0
const fs = new FaultyFileSystem()
fs.inject({
  op: 'unlink',
  times: Number.POSITIVE_INFINITY,
  before: (path) => {
    if (path === lock && !holding) takeovers++
  },
})

async function round(): Promise<{ overlaps: number; takeovers: number }> {
  takeovers = 0
  let overlaps = 0
  await withWriteLock(
    lock,
    async () => {
      holding = true
      try {
        const marker = await open(inside, 'wx')
        await marker.close()
        await sleep(3)
        await unlink(inside)
      } catch (error) {
        if ((error as { code?: string }).code === 'EEXIST') overlaps++
        else throw error
      }
    },
    { fs, table: 'racers' },
  )
  holding = false
  return { overlaps, takeovers }
}

async function main(): Promise<void> {
  process.stdout.write('ready\n')
  const lines = createInterface({ input: process.stdin })
  for await (const line of lines) {
    if (line === 'exit') break
    if (line === 'go') process.stdout.write(`${JSON.stringify(await round())}\n`)
  }
  lines.close()
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
