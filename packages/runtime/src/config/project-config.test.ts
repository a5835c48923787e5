import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/pf-error.js'
import { PROJECT_CONFIG_KEYS, parseProjectConfig } from './project-config.js'

const FILE = '/work/app/pf.config.json'

function messageOf(raw: unknown): string {
  try {
    parseProjectConfig(raw, FILE)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).code).toBe('PF_CONFIG')
    return (error as Error).message
  }
  throw new Error('expected a ConfigError')
}

describe('parseProjectConfig', () => {
  it("splits pf's keys from the validated runtime settings", () => {
    expect(
      parseProjectConfig(
        {
          schema: './schema.pfschema',
          storage: './data',
          updateMode: 'copy-on-write',
          engine: 'polars',
          eagerThresholdMB: 5,
          partitionedThresholdMB: 50,
        },
        FILE,
      ),
    ).toEqual({
      tool: { schema: './schema.pfschema', storage: './data' },
      runtime: {
        updateMode: 'copy-on-write',
        engine: 'lazy',
        eagerThresholdMB: 5,
        partitionedThresholdMB: 50,
      },
    })
  })

  it('names the file, the key, a near key and every valid key for an unknown key', () => {
    expect(messageOf({ updatMode: 'copy-on-write' })).toBe(
      `${FILE}: unknown key "updatMode". Did you mean "updateMode"? Valid keys: ${PROJECT_CONFIG_KEYS.join(', ')}`,
    )
    expect(messageOf({ colour: 'red' })).toBe(
      `${FILE}: unknown key "colour". Valid keys: schema, classes, output, storage, format, importExtension, updateMode, engine, eagerThresholdMB, partitionedThresholdMB`,
    )
  })

  it("points the runtime's own spellings of format and storage at the file's", () => {
    expect(messageOf({ entityFormat: 'avro' })).toMatch(
      /unknown key "entityFormat"\. Did you mean "format"\?/,
    )
    expect(messageOf({ entityBasePath: './data' })).toMatch(
      /unknown key "entityBasePath"\. Did you mean "storage"\?/,
    )
  })

  it('refuses per-run and per-machine settings, saying where to set them', () => {
    expect(messageOf({ verbose: true })).toContain(
      `${FILE}: "verbose" is set per run or per machine, not per project: use PARQUETFRAME_VERBOSE or setConfig({ verbose })`,
    )
    expect(messageOf({ maxWorkers: 4 })).toContain(
      'use PARQUETFRAME_MAX_WORKERS or setConfig({ maxWorkers })',
    )
  })

  it('names the file, the key, the value and the allowed values of a bad value', () => {
    expect(messageOf({ updateMode: 'cow' })).toBe(
      `${FILE}: Invalid value for configuration key "updateMode": "cow" (expected 'merge-on-read' or 'copy-on-write')`,
    )
    expect(messageOf({ engine: 'spark' })).toMatch(
      /pf\.config\.json: Invalid value for configuration key "engine": "spark" \(expected one of auto, eager, lazy, partitioned/,
    )
    expect(messageOf({ eagerThresholdMB: '5' })).toContain(
      '"eagerThresholdMB": "5" (expected a non-negative number',
    )
  })

  it('checks the rules that span keys against the defaults', () => {
    expect(messageOf({ eagerThresholdMB: 20_000 })).toBe(
      `${FILE}: Configuration key "eagerThresholdMB" (20000) must not exceed "partitionedThresholdMB" (10000)`,
    )
  })

  it('refuses a file whose value is not an object', () => {
    expect(messageOf([])).toBe(`${FILE}: the configuration must be an object`)
  })
})
