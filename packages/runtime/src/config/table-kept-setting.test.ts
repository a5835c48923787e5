// A table keeps the update mode and format it was created with; a store asked for others (by pf.config.json, a
// variable, setConfig or an openStore option) says so once per table instead of passing it over silently.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { registeredMember } from '../entity/__fixtures__/member-entity.js'
import { openStore } from '../entity/index.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { resetConfig, setConfig } from './config-store.js'
import { clearDeclaredProjectConfigs, declareProjectConfig } from './project-config-file.js'

const tmp = useTempDir('pf-kept-setting-')
let stderr: ReturnType<typeof vi.spyOn>

beforeEach(() => {
  delete process.env.PARQUETFRAME_UPDATE_MODE
  resetConfig()
  clearDeclaredProjectConfigs()
  stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
})
afterEach(() => {
  delete process.env.PARQUETFRAME_UPDATE_MODE
  resetConfig()
  clearDeclaredProjectConfigs()
  vi.restoreAllMocks()
})

const warnings = () =>
  stderr.mock.calls
    .map((c: unknown[]) => String(c[0]))
    .filter((t: string) => t.startsWith('parquetframe: warning:'))

async function mergeOnReadTable(): Promise<ReturnType<typeof registeredMember>> {
  const Member = registeredMember()
  const store = openStore(tmp.dir)
  await Member.repo(store).saveAll([1, 2].map((id) => ({ id, email: `m${id}@x.org`, writer: 'a' })))
  await store.settled()
  return Member
}

describe('a table that keeps another update mode than the store asks for', () => {
  it('warns once, naming the table, both modes and the pf.config.json that asked; the table keeps its mode', async () => {
    const Member = await mergeOnReadTable()
    const file = join(tmp.dir, 'pf.config.json')
    writeFileSync(file, JSON.stringify({ updateMode: 'copy-on-write' }))
    declareProjectConfig(file)
    const table = join(tmp.dir, 'members')
    for (let i = 0; i < 2; i++) {
      const repo = Member.repo(openStore(tmp.dir))
      await repo.upsert({ id: 1, email: `one${i}@x.org`, writer: 'b' })
      expect((await (await repo.table()).snapshot()).metadata.updateMode).toBe('merge-on-read')
    }
    expect(warnings()).toEqual([
      `parquetframe: warning: ${table} keeps the updateMode it was created with, 'merge-on-read'; 'copy-on-write' ` +
        `(from ${file}) applies only to tables created from now on\n`,
    ])
  })

  it('names setConfig or the openStore option when they asked', async () => {
    const Member = await mergeOnReadTable()
    setConfig({ updateMode: 'copy-on-write' })
    await Member.repo(openStore(tmp.dir, { updateMode: 'copy-on-write' })).count()
    expect(warnings()).toHaveLength(1)
    expect(warnings()[0]).toContain("'copy-on-write' (from openStore options)")
  })

  it('says nothing when the mode is the default or the same', async () => {
    const Member = await mergeOnReadTable()
    await Member.repo(openStore(tmp.dir)).count()
    await Member.repo(openStore(tmp.dir, { updateMode: 'merge-on-read' })).count()
    expect(warnings()).toEqual([])
  })
})

describe('a table that keeps another format than the store asks for', () => {
  it('warns for an entity that names no format; the table keeps its format', async () => {
    const Member = registeredMember({}, { formatExplicit: false })
    const first = openStore(tmp.dir)
    await Member.repo(first).create({ id: 1, email: 'm1@x.org', writer: 'a' })
    await first.settled()
    const avro = openStore(tmp.dir, { format: 'avro' })
    expect(await Member.repo(avro).count()).toBe(1)
    expect((await (await Member.repo(avro).table()).snapshot()).metadata.format).toBe('parquet')
    expect(warnings()).toEqual([
      `parquetframe: warning: ${join(tmp.dir, 'members')} keeps the entityFormat it was created with, 'parquet'; ` +
        "'avro' (from openStore options) applies only to tables created from now on\n",
    ])
  })
})
