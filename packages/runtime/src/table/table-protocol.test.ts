import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { read } from '../frame/read-frame.js'
import { commitRaisedProtocol } from './__fixtures__/delta-commit-file.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { createTable, openTable } from './table.js'
import { TableProtocolError } from './table-errors.js'
import { readerProblem, writerProblem } from './table-protocol.js'

const tmp = useTempDir('pf-table-protocol-')

/** A reader/writer version 3/7 protocol listing `features` for both. */
const withFeatures = (features: string[]) => ({
  minReaderVersion: 3,
  minWriterVersion: 7,
  readerFeatures: features,
  writerFeatures: features,
})

describe('the protocols pf reads and writes', () => {
  it('reads the reader features of other writers it implements, and writes none of them', () => {
    for (const feature of ['v2Checkpoint', 'typeWidening', 'typeWidening-preview', 'vacuumProtocolCheck']) {
      expect(readerProblem(withFeatures([feature])), feature).toBeUndefined()
      expect(writerProblem(withFeatures([feature])), feature).toBe(
        `needs the Delta writer feature ${feature}, which pf does not support`,
      )
    }
    expect(readerProblem(withFeatures(['rowTracking', 'variantType']))).toBe(
      'needs the Delta reader features rowTracking, variantType, which pf does not support',
    )
  })

  it('refuses a table pf created that another writer widened (its entity keeps the old types), naming the feature', async () => {
    const path = join(tmp.dir, 't')
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await table.append(users([1, 2]))
    // Spark's ALTER TABLE ... CHANGE COLUMN TYPE: a protocol with typeWidening (the schema change is beside the point).
    await commitRaisedProtocol(path, 2, ['typeWidening'], {
      timestamp: Date.now(),
      operation: 'CHANGE COLUMN',
    })
    for (const open of [() => read(path), () => openTable(path)]) {
      const error = await open().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TableProtocolError)
      expect((error as Error).message).toContain(
        'version 2 needs the Delta reader feature typeWidening, which pf does not support in a table pf created',
      )
    }
  })
})
