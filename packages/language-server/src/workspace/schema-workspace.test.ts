import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type OpenDocument, SchemaWorkspace } from './schema-workspace.js'

describe('SchemaWorkspace', () => {
  let dir: string
  const uri = (relative: string) => pathToFileURL(join(dir, relative)).href

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pf-lsp-workspace-'))
    for (const [path, text] of Object.entries({
      'schema/b.pfschema': 'enum B { X }\n',
      'schema/a/a.pfschema': 'entity A {\n  id Int @id\n}\n',
      'schema/node_modules/x.pfschema': 'junk',
      'schema/.hidden/y.pfschema': 'junk',
      'other/c.pfschema': 'entity C {\n  id Int @id\n}\n',
    })) {
      await mkdir(join(dir, path, '..'), { recursive: true })
      await writeFile(join(dir, path), text)
    }
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('groups a file of the schema folder with all its files, as pf lists them, editor text first', async () => {
    const open: OpenDocument[] = [
      { uri: uri('schema/b.pfschema'), text: 'enum B { Y }\n', version: 4 },
      { uri: uri('schema/new.pfschema'), text: 'enum N { Z }\n', version: 1 },
    ]
    const workspace = new SchemaWorkspace(dir, { path: join(dir, 'schema'), kind: 'dir' }, () => open)
    const group = await workspace.groupOf(uri('schema/b.pfschema'))
    expect(group.key).toBe(join(dir, 'schema'))
    expect(group.files.map((f) => [f.name, f.version, f.text])).toEqual([
      ['schema/a/a.pfschema', undefined, 'entity A {\n  id Int @id\n}\n'],
      ['schema/b.pfschema', 4, 'enum B { Y }\n'],
      ['schema/new.pfschema', 1, 'enum N { Z }\n'],
    ])
  })

  it('checks a file outside the schema folder alone', async () => {
    const workspace = new SchemaWorkspace(dir, { path: join(dir, 'schema'), kind: 'dir' }, () => [])
    const group = await workspace.groupOf(uri('other/c.pfschema'))
    expect(group.key).toBe(uri('other/c.pfschema'))
    expect(group.files.map((f) => f.name)).toEqual(['other/c.pfschema'])
  })

  it('checks an unsaved document (untitled:) alone, named by its URI', async () => {
    const open = [{ uri: 'untitled:Untitled-1', text: 'enum U { A }\n', version: 2 }]
    const workspace = new SchemaWorkspace(dir, { path: join(dir, 'schema'), kind: 'dir' }, () => open)
    const group = await workspace.groupOf('untitled:Untitled-1')
    expect(group.files.map((f) => [f.uri, f.name, f.text])).toEqual([
      ['untitled:Untitled-1', 'untitled:Untitled-1', 'enum U { A }\n'],
    ])
  })

  it('reports a file of the folder that cannot be read (not UTF-8) with the reader’s diagnostic', async () => {
    await writeFile(join(dir, 'schema/bad.pfschema'), Buffer.from([0x65, 0x6e, 0xff, 0x0a]))
    const workspace = new SchemaWorkspace(dir, { path: join(dir, 'schema'), kind: 'dir' }, () => [])
    const group = await workspace.groupOf(uri('schema/b.pfschema'))
    await rm(join(dir, 'schema/bad.pfschema'))
    expect(group.unreadable.map((u) => [u.file.name, u.diagnostic.code, u.diagnostic.span.column])).toEqual([
      ['schema/bad.pfschema', 'PF0005', 3],
    ])
  })
})
