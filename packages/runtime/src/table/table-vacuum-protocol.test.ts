import { randomUUID } from 'node:crypto'
import { readFile, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { createTable } from './table.js'
import { TableProtocolError } from './table-errors.js'

// VACUUM deletes files, so it checks the write protocol as a commit does (PROTOCOL.md "VACUUM Protocol Check").

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(() => cleanup())

/** Appends a commit (as another writer would) raising the table's protocol to list `features` too. */
async function addFeatures(path: string, version: number, features: readonly string[]): Promise<void> {
  const first = await readFile(join(path, '_delta_log', '00000000000000000000.json'), 'utf8')
  const line = first.split('\n').find((l) => l.startsWith('{"protocol"')) as string
  const { protocol } = JSON.parse(line) as {
    protocol: { readerFeatures?: string[]; writerFeatures?: string[] }
  }
  const raised = {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: [...(protocol.readerFeatures ?? []), ...features],
    writerFeatures: [...(protocol.writerFeatures ?? ['invariants', 'checkConstraints']), ...features],
  }
  const commitInfo = {
    timestamp: Date.now(),
    operation: 'SET TBLPROPERTIES',
    engineInfo: 'Apache-Spark/3.5.2',
  }
  const name = `${String(version).padStart(20, '0')}.json`
  await writeFile(
    join(path, '_delta_log', name),
    `${JSON.stringify({ commitInfo })}\n${JSON.stringify({ protocol: raised })}\n`,
  )
}

describe('vacuum and the write protocol', () => {
  it('refuses to vacuum a table with vacuumProtocolCheck (a writer feature pf does not honour), deleting nothing', async () => {
    const path = join(dir, 't')
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await table.append(users([1, 2]))
    const orphan = `part-${randomUUID()}.parquet`
    await writeFile(join(path, orphan), 'x')
    const old = new Date(Date.now() - 48 * 3_600_000)
    await utimes(join(path, orphan), old, old)
    await addFeatures(path, 2, ['vacuumProtocolCheck'])
    // Reading is unaffected by the feature.
    expect((await table.read()).height).toBe(2)
    const error = await table.vacuum({ retentionMs: 0 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableProtocolError)
    expect((error as Error).message).toContain('vacuum: needs the Delta writer feature vacuumProtocolCheck')
    expect(await readFile(join(path, orphan), 'utf8')).toBe('x')
  })
})
