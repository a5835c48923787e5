import { entityIRFor } from '../../entity/__fixtures__/test-ir.js'

/** `Item { id Int @id, name String }`: the entity the log-first insert tests create (in this process and others). */
export const itemEntity = entityIRFor('Item', { id: 'Int', name: 'String' }, { storage: 'items' })

/** `Member { id Int @id, email String @unique }`: log-first inserts with a value to check beside the key. */
export const memberEntity = entityIRFor(
  'Member',
  { id: 'Int', email: 'String' },
  { storage: 'members', uniqueFields: ['email'] },
)

/** The email a Member created by the log-first tests gets: ids 1000 apart share one. */
export const memberEmail = (id: number): string => `e${id % 1000}@x.org`
