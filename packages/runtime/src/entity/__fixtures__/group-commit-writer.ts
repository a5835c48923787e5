// A writer process for the group-commit crash test: `node --import tsx group-commit-writer.ts <dir>`.
// Creates Members in waves of concurrent creates (one group commit each) and prints "ack <id>" as each create
// resolves, until killed.
import { openStore, registerEntity } from '../index.js'
import { memberClass, memberIR } from './member-entity.js'

const [dir] = process.argv.slice(2)

const Member = memberClass()
registerEntity(Member, memberIR())
const repo = Member.repo(openStore(dir as string))

async function main(): Promise<void> {
  for (let next = 0; ; next += 20) {
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const id = next + i
        await repo.create({ id, email: `user${id}@example.com`, writer: 'crash' })
        process.stdout.write(`ack ${id}\n`)
      }),
    )
  }
}
void main()
