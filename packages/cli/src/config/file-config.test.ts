import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CliError } from '../cli/cli-error.js'
import { parseFileConfig } from './file-config.js'
import { loadFileConfig } from './load-file-config.js'

describe('parseFileConfig', () => {
  it('accepts the known keys', () => {
    expect(parseFileConfig({ schema: 'a.pfschema', format: 'avro' }, 'pf.config.json')).toEqual({
      schema: 'a.pfschema',
      format: 'avro',
    })
  })

  it('names the file and the key of a mistake', () => {
    expect(() => parseFileConfig({ outDir: 'x' }, 'pf.config.json')).toThrow(
      'pf.config.json: unknown key "outDir". Valid keys: schema, classes, output, storage, format, importExtension, updateMode, engine, eagerThresholdMB, partitionedThresholdMB',
    )
    expect(() => parseFileConfig({ outpt: 'x' }, 'pf.config.json')).toThrow(
      'pf.config.json: unknown key "outpt". Did you mean "output"?',
    )
    expect(() => parseFileConfig({ output: 3 }, 'pf.config.mjs')).toThrow(
      'pf.config.mjs: "output" must be a non-empty string',
    )
    expect(() => parseFileConfig({ format: 'orc' }, 'pf.config.json')).toThrow(
      '"format" must be "parquet" or "avro"',
    )
    expect(() => parseFileConfig([], 'pf.config.json')).toThrow(CliError)
  })

  it('reads "classes" as one pattern or a list, and refuses it next to "schema"', () => {
    expect(parseFileConfig({ classes: 'src/models/*.ts' }, 'pf.config.json')).toEqual({
      classes: ['src/models/*.ts'],
    })
    expect(parseFileConfig({ classes: ['a.ts', 'lib/*.ts'] }, 'pf.config.json')).toEqual({
      classes: ['a.ts', 'lib/*.ts'],
    })
    expect(() => parseFileConfig({ classes: [] }, 'pf.config.json')).toThrow(
      'pf.config.json: "classes" must be a file or glob, or a non-empty list of them, got []',
    )
    expect(() => parseFileConfig({ classes: ['a.ts', 3] }, 'pf.config.json')).toThrow('"classes" must be')
    expect(() => parseFileConfig({ classes: 'a.ts', schema: 'b.pfschema' }, 'pf.config.json')).toThrow(
      'pf.config.json: give "schema" or "classes", not both',
    )
  })
})

describe('runtime settings in the config file', () => {
  it('are validated by the runtime rules and kept apart from the keys of pf', () => {
    expect(
      parseFileConfig(
        { schema: 'a.pfschema', updateMode: 'copy-on-write', engine: 'pandas' },
        'pf.config.json',
      ),
    ).toEqual({ schema: 'a.pfschema', runtime: { updateMode: 'copy-on-write', engine: 'eager' } })
  })

  it('name the file, the key and the allowed values of a mistake, as a CliError', () => {
    const bad = () => parseFileConfig({ updateMode: 'cow' }, 'pf.config.json')
    expect(bad).toThrow(CliError)
    expect(bad).toThrow(
      `pf.config.json: Invalid value for configuration key "updateMode": "cow" (expected 'merge-on-read' or 'copy-on-write')`,
    )
    expect(() => parseFileConfig({ updatemode: 'copy-on-write' }, 'pf.config.json')).toThrow(
      'pf.config.json: unknown key "updatemode". Did you mean "updateMode"?',
    )
    expect(() => parseFileConfig({ quiet: true }, 'pf.config.json')).toThrow(
      'pf.config.json: "quiet" is set per run or per machine, not per project: use PARQUETFRAME_QUIET',
    )
  })

  it('are refused in pf.config.mjs, which apps cannot read', () => {
    expect(() => parseFileConfig({ updateMode: 'copy-on-write' }, 'pf.config.mjs')).toThrow(
      'pf.config.mjs: "updateMode" is a runtime setting, which apps read from pf.config.json only: move it there',
    )
  })
})

describe('loadFileConfig', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pf-cli-config-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('returns undefined without a config file', async () => {
    expect(await loadFileConfig(dir)).toBeUndefined()
  })

  it('reads pf.config.json before pf.config.mjs', async () => {
    await writeFile(join(dir, 'pf.config.mjs'), "export default { output: 'from-mjs' }\n")
    expect((await loadFileConfig(dir))?.config).toEqual({ output: 'from-mjs' })
    await writeFile(join(dir, 'pf.config.json'), '{ "output": "from-json" }')
    expect(await loadFileConfig(dir)).toEqual({
      path: join(dir, 'pf.config.json'),
      config: { output: 'from-json' },
    })
  })

  it('reads a function default export of pf.config.mjs', async () => {
    await writeFile(join(dir, 'pf.config.mjs'), "export default async () => ({ storage: './tables' })\n")
    expect((await loadFileConfig(dir))?.config).toEqual({ storage: './tables' })
  })

  it('names a config file that is not valid JSON', async () => {
    await writeFile(join(dir, 'pf.config.json'), '{ output: ')
    await expect(loadFileConfig(dir)).rejects.toThrow('pf.config.json: not valid JSON')
  })
})
