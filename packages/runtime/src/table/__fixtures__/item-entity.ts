import { entityIRFor } from '../../entity/__fixtures__/test-ir.js'

/** `Item { id Int @id, name String }`: the entity the log-first insert tests create (in this process and others). */
export const itemEntity = entityIRFor('Item', { id: 'Int', name: 'String' }, { storage: 'items' })
