// A writer process for the concurrency tests: `node --import tsx entity-writer.ts <mode> <dir> <format> <from> <count>`.
// Prints "ready", waits for "go" on stdin, writes, prints one JSON line with its results, exits.
import { createInterface } from 'node:readline'
import { openStore, registerEntity, UniqueConstraintError } from '../index.js'
import { memberClass, memberIR } from './member-entity.js'

const [mode, dir, format, fromText, countText] = process.argv.slice(2)
const from = Number(fromText)
const count = Number(countText)

const Member = memberClass()
registerEntity(
  Member,
  memberIR({
    unique: mode === 'unique',
    auto: mode === 'auto',
    format: format === 'avro' ? 'avro' : 'parquet',
  }),
)
const repo = Member.repo(openStore(dir as string))

async function main(): Promise<void> {
  process.stdout.write('ready\n')
  const lines = createInterface({ input: process.stdin })
  for await (const line of lines) if (line === 'go') break
  lines.close()
  const result = { saved: 0, rejected: 0 }
  for (let i = from; i < from + count; i++) {
    try {
      if (mode === 'auto') {
        await repo.create({ email: `user${i}@example.com`, writer: String(from) } as never)
      } else if (mode === 'unique') {
        // Every writer tries the same emails (with its own ids): exactly one may win each.
        await repo.create({ id: i, email: `user${i % 1000}@example.com`, writer: String(from) })
      } else {
        await repo.save(
          Object.assign(new Member(), { id: i, email: `user${i}@example.com`, writer: String(from) }),
        )
      }
      result.saved++
    } catch (error) {
      if (error instanceof UniqueConstraintError) result.rejected++
      else throw error
    }
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
