import { execFileSync } from 'node:child_process'
import { lstat, mkdir, readFile, symlink, truncate, writeFile } from 'node:fs/promises'
import { MAX_SCHEMA_FILE_BYTES } from '@parquetframe/codegen'
import { afterEach, describe, expect, it } from 'vitest'
import { runMain } from '../testing/run-main.js'
import { type TempProject, tempProject } from '../testing/temp-project.js'

// Inputs a hostile or unlucky user gives pf validate / pf format: each ends in exit 1 with one precise message,
// never a crash (exit 2), a hang, or a wall of output.
let project: TempProject
afterEach(async () => {
  await project.dispose()
})

function pf(...args: string[]) {
  return runMain(project.dir, args)
}

describe('pf validate on files that are not schema text', () => {
  it('says /dev/zero is a character device, not "not found"', async () => {
    project = await tempProject()
    const r = await pf('validate', '--schema', '/dev/zero')
    expect(r.code).toBe(1)
    expect(r.err).toContain(
      '/dev/zero:1:1: error PF0003: cannot read schema "/dev/zero": it is a character device, not a regular file',
    )
    expect(r.err).not.toContain('not found')
    expect(r.err).not.toContain('1 |')
  })

  it('refuses a FIFO without waiting for a writer', async () => {
    project = await tempProject()
    execFileSync('mkfifo', [project.path('pipe.pfschema')])
    const r = await pf('validate', '--schema', 'pipe.pfschema')
    expect(r.code).toBe(1)
    expect(r.err).toContain('error PF0003: cannot read schema "pipe.pfschema": it is a FIFO (named pipe)')
  })

  it('refuses a file larger than the limit, stating it', async () => {
    project = await tempProject({ 'schema.pfschema': '' })
    await truncate(project.path('schema.pfschema'), MAX_SCHEMA_FILE_BYTES + 10)
    const r = await pf('validate')
    expect(r.code).toBe(1)
    expect(r.err).toContain(`more than the limit of ${MAX_SCHEMA_FILE_BYTES} bytes`)
  })

  it('refuses invalid UTF-8 in a default at its line and column, for validate and format alike', async () => {
    project = await tempProject()
    const bytes = Buffer.concat([
      Buffer.from('entity A {\n  id   Int    @id\n  name String @default("x'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('")\n}\n'),
    ])
    await writeFile(project.path('schema.pfschema'), bytes)
    const r = await pf('validate')
    expect(r.code).toBe(1)
    expect(r.err).toContain(
      'schema.pfschema:3:26: error PF0005: schema "schema.pfschema" is not valid UTF-8 at line 3, column 26',
    )
    const f = await pf('format')
    expect(f.code).toBe(1)
    expect(f.err).toContain('error PF0005')
    expect(await readFile(project.path('schema.pfschema'))).toEqual(bytes)
  })
})

describe('pf validate on deep or huge schemas', () => {
  it('reports 50k nested brackets and calls once each, exit 1 (no stack overflow)', async () => {
    const lists = `${'['.repeat(50_000)}${']'.repeat(50_000)}`
    const calls = `${'f('.repeat(50_000)}${')'.repeat(50_000)}`
    project = await tempProject({
      'schema.pfschema': `entity A {\n  id Int @id\n  x Int[] @default(${lists})\n  y Int @default(${calls})\n}\n`,
    })
    const r = await pf('validate')
    expect(r.code).toBe(1)
    expect(r.err.match(/error PF1010/g)).toHaveLength(2)
    expect(r.err).toContain('2 errors')
    expect(r.err).not.toContain('Maximum call stack')
    const f = await pf('format')
    expect(f.code).toBe(1)
    expect(f.err).toContain('PF1010')
  })

  it('prints the first 50 of 20k errors, clipped to the caret, and counts them all', async () => {
    const fields = Array.from({ length: 20_000 }, (_, i) => `  f${i} Foo`).join('\n')
    const wide = `  w ${'Foo'.padEnd(200_000, ' ')}// a 200 KB line`
    project = await tempProject({ 'schema.pfschema': `entity A {\n  id Int @id\n${wide}\n${fields}\n}\n` })
    const r = await pf('validate')
    expect(r.code).toBe(1)
    expect(r.err.match(/error PF2005/g)).toHaveLength(50)
    expect(r.err).toContain('… and 19951 more (19951 errors)')
    expect(r.err).toContain('20001 errors')
    expect(r.err.length).toBeLessThan(20_000)
    expect(r.err).toContain('3 |   w Foo')
    expect(r.err.split('\n').every((line) => line.length < 400)).toBe(true)
  })
})

describe('pf format on a symlinked schema file', () => {
  it('formats the file the link names and keeps the link', async () => {
    project = await tempProject({ 'real/a.pfschema': 'entity A {\n  id   Int @id\n}\n' })
    await mkdir(project.path('schema'))
    await symlink(project.path('real/a.pfschema'), project.path('schema/a.pfschema'))
    const r = await pf('format', '--schema', 'schema')
    expect(r).toMatchObject({ code: 0, out: 'formatted schema/a.pfschema\n' })
    expect((await lstat(project.path('schema/a.pfschema'))).isSymbolicLink()).toBe(true)
    expect(await readFile(project.path('real/a.pfschema'), 'utf8')).toBe('entity A {\n  id Int @id\n}\n')
  })
})
