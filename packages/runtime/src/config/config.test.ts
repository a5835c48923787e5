import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ConfigError } from '../errors/pf-error.js'
import { Config } from './config.js'
import { configFromEnv } from './config-env.js'
import { warn } from './config-log.js'
import { getConfig, resetConfig, setConfig, withConfig } from './config-store.js'
import { DEFAULT_CONFIG } from './config-values.js'
import { startProgress } from './progress-reporter.js'

const ENV_NAMES = Object.keys(process.env).filter((k) => k.startsWith('PARQUETFRAME_'))

beforeEach(() => {
  for (const name of ENV_NAMES) delete process.env[name]
  resetConfig()
})
afterEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('PARQUETFRAME_')) delete process.env[name]
  resetConfig()
  vi.restoreAllMocks()
})

describe('defaults and setConfig', () => {
  it('starts from the documented defaults', () => {
    expect(getConfig().toJSON()).toEqual({
      engine: 'auto',
      eagerThresholdMB: 100,
      partitionedThresholdMB: 10_000,
      entityFormat: 'parquet',
      updateMode: 'merge-on-read',
      entityBasePath: null,
      verbose: false,
      quiet: false,
      progress: false,
      maxWorkers: null,
    })
  })

  it('sets several keys at once and normalises engine aliases', () => {
    setConfig({ engine: 'Polars', eagerThresholdMB: 5, verbose: true })
    expect(getConfig()).toMatchObject({ engine: 'lazy', eagerThresholdMB: 5, verbose: true })
    setConfig({ engine: 'dask' })
    expect(getConfig().engine).toBe('partitioned')
    setConfig({ engine: 'pandas' })
    expect(getConfig().engine).toBe('eager')
  })

  it('rejects unknown keys naming the key', () => {
    expect(() => setConfig({ defaultEngine: 'eager' } as never)).toThrow(
      /Unknown configuration key "defaultEngine"/,
    )
  })

  it.each([
    ['engine', 'spark', /"engine".*"spark".*auto, eager, lazy, partitioned, pandas, polars, dask/],
    ['eagerThresholdMB', -1, /"eagerThresholdMB": -1/],
    ['eagerThresholdMB', '50', /"eagerThresholdMB": "50"/],
    ['entityFormat', 'csv', /"entityFormat"/],
    [
      'updateMode',
      'cow',
      /^setConfig: Invalid value for configuration key "updateMode": "cow" \(expected 'merge-on-read' or 'copy-on-write'\)/,
    ],
    ['entityBasePath', 3, /"entityBasePath"/],
    ['verbose', 'yes', /"verbose"/],
    ['maxWorkers', 0, /"maxWorkers"/],
  ])('rejects invalid %s = %j with a ConfigError naming the key', (key, value, message) => {
    const act = () => setConfig({ [key]: value } as never)
    expect(act).toThrow(ConfigError)
    expect(act).toThrow(message)
    expect(getConfig().toJSON()).toEqual(DEFAULT_CONFIG)
  })

  it('rejects an eager threshold above the partitioned one', () => {
    expect(() => setConfig({ eagerThresholdMB: 20_000 })).toThrow(/eagerThresholdMB.*partitionedThresholdMB/)
    setConfig({ eagerThresholdMB: 20_000, partitionedThresholdMB: 30_000 })
    expect(getConfig().eagerThresholdMB).toBe(20_000)
  })

  it('resetConfig restores the defaults', () => {
    setConfig({ engine: 'lazy', quiet: true, maxWorkers: 3 })
    resetConfig()
    expect(getConfig().toJSON()).toEqual(DEFAULT_CONFIG)
  })

  it('returns frozen configs', () => {
    const config = getConfig() as { engine: string }
    expect(() => {
      config.engine = 'lazy'
    }).toThrow(TypeError)
  })
})

describe('withConfig', () => {
  it('overrides inside, restores after, also after a throw, and nests', async () => {
    setConfig({ engine: 'eager' })
    await withConfig({ engine: 'lazy', verbose: true }, async () => {
      expect(getConfig()).toMatchObject({ engine: 'lazy', verbose: true })
      await withConfig({ engine: 'partitioned' }, async () => {
        expect(getConfig()).toMatchObject({ engine: 'partitioned', verbose: true })
      })
      expect(getConfig().engine).toBe('lazy')
    })
    expect(getConfig()).toMatchObject({ engine: 'eager', verbose: false })
    expect(() =>
      withConfig({ engine: 'lazy' }, () => {
        throw new Error('boom')
      }),
    ).toThrow('boom')
    await expect(
      withConfig({ engine: 'lazy' }, async () => {
        throw new Error('async boom')
      }),
    ).rejects.toThrow('async boom')
    expect(getConfig().engine).toBe('eager')
  })

  it('keeps two concurrent async calls apart', async () => {
    const tick = () => new Promise((r) => setTimeout(r, 5))
    const seen: string[] = []
    const run = (engine: 'eager' | 'lazy') =>
      withConfig({ engine }, async () => {
        for (let i = 0; i < 3; i++) {
          await tick()
          seen.push(`${engine}:${getConfig().engine}`)
          if (engine === 'lazy') setConfig({ eagerThresholdMB: 1 })
          else expect(getConfig().eagerThresholdMB).toBe(100)
        }
      })
    await Promise.all([run('eager'), run('lazy')])
    expect(seen.filter((s) => s.split(':')[0] !== s.split(':')[1])).toEqual([])
    expect(seen).toHaveLength(6)
    expect(getConfig().eagerThresholdMB).toBe(100)
  })

  it('validates its overrides', () => {
    expect(() => withConfig({ engine: 'spark' }, () => 1)).toThrow(/"engine"/)
    expect(() => withConfig({ nope: 1 } as never, () => 1)).toThrow(/Unknown configuration key "nope"/)
  })
})

describe('toJSON / fromJSON', () => {
  it('round-trips through JSON text and objects', () => {
    setConfig({
      engine: 'lazy',
      eagerThresholdMB: 12.5,
      entityBasePath: '/data',
      verbose: true,
      maxWorkers: 2,
    })
    const config = getConfig()
    expect(Config.fromJSON(JSON.stringify(config))).toEqual(config)
    expect(Config.fromJSON(config.toJSON()).toJSON()).toEqual(config.toJSON())
  })

  it('rejects unknown keys and bad values', () => {
    expect(() => Config.fromJSON({ engine: 'lazy', colour: 'red' })).toThrow(/"colour"/)
    expect(() => Config.fromJSON('{"quiet": "maybe"}')).toThrow(/"quiet"/)
    expect(() => Config.fromJSON('{')).toThrow(ConfigError)
  })

  it('setConfig accepts a parsed config', () => {
    setConfig(Config.fromJSON({ engine: 'partitioned' }).toJSON())
    expect(getConfig().engine).toBe('partitioned')
  })
})

describe('environment', () => {
  it('parses every variable (pure)', () => {
    const { values, warnings } = configFromEnv({
      PARQUETFRAME_ENGINE: 'polars',
      PARQUETFRAME_EAGER_THRESHOLD_MB: '50',
      PARQUETFRAME_PARTITIONED_THRESHOLD_MB: '5000',
      PARQUETFRAME_ENTITY_FORMAT: 'avro',
      PARQUETFRAME_UPDATE_MODE: 'copy-on-write',
      PARQUETFRAME_ENTITY_BASE_PATH: '/scratch',
      PARQUETFRAME_VERBOSE: 'True',
      PARQUETFRAME_QUIET: 'yes',
      PARQUETFRAME_PROGRESS: '1',
    })
    expect(warnings).toEqual([])
    expect(values).toEqual({
      engine: 'lazy',
      eagerThresholdMB: 50,
      partitionedThresholdMB: 5000,
      entityFormat: 'avro',
      updateMode: 'copy-on-write',
      entityBasePath: '/scratch',
      verbose: true,
      quiet: true,
      progress: true,
    })
  })

  it.each([
    ['1', true],
    ['true', true],
    ['True', true],
    ['yes', true],
    ['0', false],
    ['false', false],
    ['', false],
  ])('reads PARQUETFRAME_VERBOSE=%j as %s', (text, expected) => {
    expect(configFromEnv({ PARQUETFRAME_VERBOSE: text }).values.verbose).toBe(expected)
  })

  it('accepts the Python threshold names, the new names winning', () => {
    expect(
      configFromEnv({ PARQUETFRAME_PANDAS_THRESHOLD_MB: '7', PARQUETFRAME_POLARS_THRESHOLD_MB: '70' }).values,
    ).toEqual({ eagerThresholdMB: 7, partitionedThresholdMB: 70 })
    expect(
      configFromEnv({ PARQUETFRAME_PANDAS_THRESHOLD_MB: '7', PARQUETFRAME_EAGER_THRESHOLD_MB: '8' }).values,
    ).toEqual({ eagerThresholdMB: 8 })
  })

  it('ignores invalid values with a warning naming the variable', () => {
    const { values, warnings } = configFromEnv({
      PARQUETFRAME_ENGINE: 'spark',
      PARQUETFRAME_EAGER_THRESHOLD_MB: 'invalid',
      PARQUETFRAME_QUIET: 'maybe',
      PARQUETFRAME_UPDATE_MODE: 'cow',
    })
    expect(values).toEqual({})
    expect(warnings).toHaveLength(4)
    expect(warnings).toContain('Ignoring PARQUETFRAME_UPDATE_MODE="cow": not a valid value for "updateMode"')
    expect(warnings[0]).toMatch(/PARQUETFRAME_ENGINE="spark"/)
  })

  it('applies the environment below programmatic settings, and warns once unless quiet', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    process.env.PARQUETFRAME_ENGINE = 'polars'
    process.env.PARQUETFRAME_EAGER_THRESHOLD_MB = 'invalid'
    resetConfig()
    expect(getConfig()).toMatchObject({ engine: 'lazy', eagerThresholdMB: 100 })
    getConfig()
    expect(stderr.mock.calls.map((c) => String(c[0])).filter((s) => s.includes('EAGER'))).toHaveLength(1)
    setConfig({ engine: 'eager' })
    expect(getConfig().engine).toBe('eager')

    stderr.mockClear()
    process.env.PARQUETFRAME_QUIET = '1'
    resetConfig()
    expect(getConfig().engine).toBe('lazy')
    expect(stderr).not.toHaveBeenCalled()
  })
})

describe('warnings, verbose and progress', () => {
  it('warn is silenced by quiet', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    warn('first')
    withConfig({ quiet: true }, () => warn('second'))
    expect(stderr.mock.calls.map((c) => String(c[0]))).toEqual(['parquetframe: warning: first\n'])
  })

  it('progress reports only when the setting is on', () => {
    const lines: string[] = []
    const sink = { write: (s: string) => lines.push(s) }
    const off = startProgress('partitions', 2, { sink })
    off.advance()
    off.done()
    expect(lines).toEqual([])
    withConfig({ progress: true }, () => {
      const on = startProgress('partitions', 2, { sink, intervalMs: 0 })
      on.advance()
      on.advance()
      on.done()
    })
    expect(lines).toEqual(['parquetframe: partitions 1/2\n', 'parquetframe: partitions 2/2\n'])
  })
})
