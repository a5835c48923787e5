import { randomUUID } from 'node:crypto'
import { readFile, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { commitRaisedProtocol } from './__fixtures__/delta-commit-file.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { createTable } from './table.js'
import { TableProtocolError } from './table-errors.js'

// VACUUM deletes files, so it checks the write protocol as a commit does (PROTOCOL.md "VACUUM Protocol Check").

const tmp = useTempDir('pf-table-vacuum-protocol-')

describe('vacuum and the write protocol', () => {
  it('refuses to vacuum a table with vacuumProtocolCheck (a writer feature pf does not honour), deleting nothing', async () => {
    const path = join(tmp.dir, 't')
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await table.append(users([1, 2]))
    const orphan = `part-${randomUUID()}.parquet`
    await writeFile(join(path, orphan), 'x')
    const old = new Date(Date.now() - 48 * 3_600_000)
    await utimes(join(path, orphan), old, old)
    await commitRaisedProtocol(path, 2, ['vacuumProtocolCheck'], {
      timestamp: Date.now(),
      operation: 'SET TBLPROPERTIES',
      engineInfo: 'Apache-Spark/3.5.2',
    })
    // Reading is unaffected by the feature.
    expect((await table.read()).height).toBe(2)
    const error = await table.vacuum({ retentionMs: 0 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableProtocolError)
    expect((error as Error).message).toContain('vacuum: needs the Delta writer feature vacuumProtocolCheck')
    expect(await readFile(join(path, orphan), 'utf8')).toBe('x')
  })
})
