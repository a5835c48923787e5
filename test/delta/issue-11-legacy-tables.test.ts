// A table written by parquetframe 0.1 (log in `_pf_log/`) is never taken for a missing table: opening it, an entity
// write to it and creating a table over it are all refused with LegacyTableLogError, and nothing is written beside
// it (a new `_delta_log/` there would hide every 0.1 row from pf and from Delta readers, for good).
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseSchema } from '@parquetframe/codegen'
import {
  createTable,
  Entity,
  EntityRegistry,
  LegacyTableLogError,
  openStore,
  openTable,
  registerEntity,
  withRegistry,
} from '@parquetframe/runtime'
import { describe, expect, it } from 'vitest'
import { useOracleWorkspace } from './oracle-workspace.js'

class Note extends Entity {
  declare id: number
  declare text: string
}

const ws = useOracleWorkspace('pf-legacy-')

describe('a table of parquetframe 0.1 (_pf_log/)', () => {
  it('is refused by openTable, entity writes and createTable alike; nothing is written into its folder', async () => {
    const parsed = parseSchema('entity Note @storage("notes") { id Int @id\n text String }')
    const entity = parsed.ir?.entities[0]
    if (!entity) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'))
    const root = join(ws.dir, 'notes')
    await mkdir(join(root, '_pf_log'), { recursive: true })
    await writeFile(join(root, '_pf_log', '00000000000000000000.json'), '{"version":0}\n')
    await writeFile(join(root, 'part-00000000-0000-0000-0000-000000000000.parquet'), 'rows of 0.1')
    const before = await readdir(root, { recursive: true })
    const legacy = { code: 'PF_TABLE_LEGACY_LOG', folder: join(root, '_pf_log') }

    await expect(openTable(root)).rejects.toMatchObject(legacy)
    const registry = new EntityRegistry()
    withRegistry(registry, () => registerEntity(Note, entity, []))
    await withRegistry(registry, async () => {
      const created = openStore(ws.dir).repository(Note).create({ id: 1, text: 'new' })
      await expect(created).rejects.toMatchObject(legacy)
    })
    const error = await createTable(root, { entity }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LegacyTableLogError)
    expect(error).toMatchObject(legacy)
    expect((await readdir(root, { recursive: true })).sort()).toEqual(before.sort())
    await expect(openTable(root)).rejects.toMatchObject(legacy)
  })
})
