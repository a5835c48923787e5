import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadSchema } from './schema-loader.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pfschema-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('loadSchema', () => {
  it('loads a single file', async () => {
    const file = join(dir, 'app.pfschema')
    await writeFile(file, 'entity User { id Int @id }\n')
    const result = await loadSchema(file)
    expect(result.diagnostics).toEqual([])
    expect(result.ir?.entities.map((e) => e.name)).toEqual(['User'])
    expect(result.ir?.sources).toEqual([file])
  })

  it('merges every .pfschema file under a directory in path order, spans keeping their file', async () => {
    await mkdir(join(dir, 'blog'))
    await writeFile(
      join(dir, 'blog', 'post.pfschema'),
      'entity Post { id Int @id\n  userId Int\n  user User }\n',
    )
    await writeFile(
      join(dir, 'user.pfschema'),
      'config { format = avro }\nentity User { id Int @id\n  posts Post[] }\n',
    )
    await writeFile(join(dir, 'notes.txt'), 'not a schema')
    const result = await loadSchema(dir)
    expect(result.diagnostics).toEqual([])
    expect(result.ir?.sources).toEqual([join(dir, 'blog', 'post.pfschema'), join(dir, 'user.pfschema')])
    expect(result.ir?.entities.map((e) => [e.name, e.format, e.span?.file])).toEqual([
      ['Post', 'avro', join(dir, 'blog', 'post.pfschema')],
      ['User', 'avro', join(dir, 'user.pfschema')],
    ])
  })

  it('reports errors in the file they are in', async () => {
    await writeFile(join(dir, 'a.pfschema'), 'entity A { id Int @id }\n')
    await writeFile(join(dir, 'b.pfschema'), 'entity B { id Int @id\n  x Strng }\n')
    const result = await loadSchema(dir)
    expect(result.diagnostics.map((d) => [d.code, d.span.file, d.span.line])).toEqual([
      ['PF2005', join(dir, 'b.pfschema'), 2],
    ])
    expect(result.sources.get(join(dir, 'b.pfschema'))).toContain('Strng')
  })

  it('returns a diagnostic, not an exception, for a missing path or an empty directory', async () => {
    const missing = await loadSchema(join(dir, 'nope.pfschema'))
    expect(missing.diagnostics.map((d) => d.code)).toEqual(['PF0001'])
    expect(missing.diagnostics[0]?.message).toContain('no such file or directory')
    const empty = await loadSchema(dir)
    expect(empty.diagnostics.map((d) => d.code)).toEqual(['PF0002'])
    expect(empty.ir).toBeUndefined()
  })
})
