import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main, reportError } from './main.js'
import { captureIo } from './testing/capture-io.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pf-cli-main-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('main', () => {
  it('prints the version from package.json', async () => {
    const io = captureIo(dir)
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
    expect(await main(['--version'], io)).toBe(0)
    expect(io.out()).toBe(`${pkg.version}\n`)
  })

  it('prints help to stdout and exits 0', async () => {
    const io = captureIo(dir)
    expect(await main(['--help'], io)).toBe(0)
    expect(io.out()).toContain('Commands:')
    expect(io.err()).toBe('')
    const io2 = captureIo(dir)
    expect(await main(['generate', '--help'], io2)).toBe(0)
    expect(io2.out()).toContain('pf generate — ')
  })

  it('exits 1 on a bad argument, naming the flag, without a stack trace', async () => {
    const io = captureIo(dir)
    expect(await main(['validate', '--shema', 'x.pfschema'], io)).toBe(1)
    expect(io.err()).toBe(
      'error: Unknown option --shema for "pf validate". Did you mean --schema?\nRun "pf validate --help" for usage.\n',
    )
    expect(io.out()).toBe('')
  })

  it('points to --help once per bad command line', async () => {
    for (const argv of [['valdate'], ['--bogus'], ['migrate', '--all'], ['validate', '--shema', 'x']]) {
      const io = captureIo(dir)
      expect(await main(argv, io), argv.join(' ')).toBe(1)
      expect(io.err().match(/--help/g), io.err()).toHaveLength(1)
    }
  })

  it('exits 1 naming a broken config file, but still prints help and the version', async () => {
    await writeFile(join(dir, 'pf.config.json'), '{ "outDir": "x" }')
    const io = captureIo(dir)
    expect(await main(['validate'], io)).toBe(1)
    expect(io.err()).toContain('error: pf.config.json: unknown key "outDir"')
    expect(await main(['--version'], captureIo(dir))).toBe(0)
    expect(await main(['--help'], captureIo(dir))).toBe(0)
  })
})

describe('reportError', () => {
  it('reports an internal error with exit 2 and a stack only when debugging', () => {
    const quiet = captureIo(dir)
    expect(reportError(new TypeError('boom'), quiet, false)).toBe(2)
    expect(quiet.err()).toContain('internal error: boom')
    expect(quiet.err()).toContain('--debug')
    expect(quiet.err()).not.toContain('at ')
    const loud = captureIo(dir)
    expect(reportError(new TypeError('boom'), loud, true)).toBe(2)
    expect(loud.err()).toMatch(/TypeError: boom\n\s+at /)
  })

  it('treats runtime errors with a PF_ code and file-system errors as user errors', () => {
    const io = captureIo(dir)
    const notFound = Object.assign(new Error('File or directory not found: x.parquet'), {
      code: 'PF_NOT_FOUND',
    })
    expect(reportError(notFound, io, false)).toBe(1)
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'a'"), {
      code: 'ENOENT',
      path: 'a',
    })
    expect(reportError(enoent, io, false)).toBe(1)
    expect(io.err()).toBe(
      "error: File or directory not found: x.parquet\nerror: ENOENT: no such file or directory, open 'a'\n",
    )
  })
})
