// A writer process for the group-commit crash test: `node --import tsx group-commit-writer.ts <dir>`.
// Creates Members in waves of concurrent creates (one group commit each) and prints "ack <id>" as each create
// resolves, until killed.
import type { EntityIR } from '../../schema/schema-ir.js'
import { Entity, openStore, registerEntity } from '../index.js'

const [dir] = process.argv.slice(2)

class Member extends Entity {
  id!: number
  email!: string
  writer!: string
}
const ir: EntityIR = {
  name: 'Member',
  storage: 'members',
  format: 'parquet',
  primaryKey: ['id'],
  partitionBy: [],
  fields: [
    {
      name: 'id',
      id: 1,
      column: 'id',
      type: { kind: 'scalar', name: 'Int' },
      optional: false,
      isId: true,
      unique: false,
      index: false,
    },
    {
      name: 'email',
      id: 2,
      column: 'email',
      type: { kind: 'scalar', name: 'String' },
      optional: false,
      isId: false,
      unique: false,
      index: false,
    },
    {
      name: 'writer',
      id: 3,
      column: 'writer',
      type: { kind: 'scalar', name: 'String' },
      optional: false,
      isId: false,
      unique: false,
      index: false,
    },
  ],
  relations: [],
  indexes: [],
  uniques: [],
}
registerEntity(Member, ir)
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
