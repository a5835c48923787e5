import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { renderDiagnostics } from '../diagnostics/diagnostic-renderer.js'
import { MAX_SCHEMA_FILE_BYTES } from './schema-file-reader.js'
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

describe('loadSchema on files that are not schema text', () => {
  const codes = (result: Awaited<ReturnType<typeof loadSchema>>) =>
    result.diagnostics.map((d) => [d.code, d.message])

  it('refuses a device such as /dev/zero as not a regular file (it would never end)', async () => {
    expect(codes(await loadSchema('/dev/zero'))).toEqual([
      ['PF0003', 'cannot read schema "/dev/zero": it is a character device, not a regular file'],
    ])
  })

  it('refuses a FIFO without waiting for a writer, also inside a schema folder', async () => {
    const fifo = join(dir, 'pipe.pfschema')
    execFileSync('mkfifo', [fifo])
    expect(codes(await loadSchema(fifo))).toEqual([
      ['PF0003', `cannot read schema "${fifo}": it is a FIFO (named pipe), not a regular file`],
    ])
    await writeFile(join(dir, 'a.pfschema'), 'entity A { id Int @id }\n')
    expect((await loadSchema(dir)).diagnostics.map((d) => [d.code, d.span.file])).toEqual([['PF0003', fifo]])
  })

  it('refuses a file over the size limit, stating the limit', async () => {
    const big = join(dir, 'big.pfschema')
    await writeFile(big, '')
    await truncate(big, MAX_SCHEMA_FILE_BYTES + 1)
    expect(codes(await loadSchema(big))).toEqual([
      [
        'PF0004',
        `cannot read schema "${big}": it is ${MAX_SCHEMA_FILE_BYTES + 1} bytes, more than the limit of ${MAX_SCHEMA_FILE_BYTES} bytes`,
      ],
    ])
  })

  it('refuses bytes that are not UTF-8 at their line and column instead of storing U+FFFD', async () => {
    const file = join(dir, 'bad.pfschema')
    const head = Buffer.from('entity A {\n  id Int @id\n  name String @default("caf')
    await writeFile(file, Buffer.concat([head, Buffer.from([0xe9]), Buffer.from('")\n}\n')]))
    const result = await loadSchema(file)
    expect(result.ir).toBeUndefined()
    expect(result.diagnostics.map((d) => [d.code, d.span.line, d.span.column])).toEqual([['PF0005', 3, 28]])
    expect(result.diagnostics[0]?.message).toBe(`schema "${file}" is not valid UTF-8 at line 3, column 28`)
    expect(renderDiagnostics(result.diagnostics, result.sources)).toContain(
      `3 |   name String @default("caf\uFFFD")\n  | ${' '.repeat(27)}^`,
    )
  })

  it('reads a symlinked schema file in a folder, and names what a symlink to a directory is', async () => {
    await mkdir(join(dir, 'real'))
    await writeFile(join(dir, 'real', 'a.txt'), 'entity A { id Int @id }\n')
    await mkdir(join(dir, 'schema'))
    await symlink(join(dir, 'real', 'a.txt'), join(dir, 'schema', 'a.pfschema'))
    expect((await loadSchema(join(dir, 'schema'))).ir?.entities.map((e) => e.name)).toEqual(['A'])
    await symlink(join(dir, 'real'), join(dir, 'schema', 'b.pfschema'))
    expect((await loadSchema(join(dir, 'schema'))).diagnostics.map((d) => d.message)).toEqual([
      `cannot read schema "${join(dir, 'schema', 'b.pfschema')}": it is a directory, not a regular file`,
    ])
  })
})
