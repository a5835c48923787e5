import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defaultStore, openStore } from '../entity/entity-store.js'
import { ConfigError } from '../errors/pf-error.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import {
  configOrigin,
  describeConfigOrigin,
  getConfig,
  resetConfig,
  setConfig,
  withConfig,
  withProjectSettings,
} from './config-store.js'
import { clearDeclaredProjectConfigs, declareProjectConfig } from './project-config-file.js'

const tmp = useTempDir('pf-project-config-')
const VARS = ['PARQUETFRAME_UPDATE_MODE', 'PARQUETFRAME_ENGINE', 'PARQUETFRAME_QUIET'] as const
const saved = VARS.map((name) => [name, process.env[name]] as const)

function restore(): void {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
}

beforeEach(() => {
  for (const name of VARS) delete process.env[name]
  resetConfig()
  clearDeclaredProjectConfigs()
})
afterEach(() => {
  restore()
  resetConfig()
  clearDeclaredProjectConfigs()
  vi.restoreAllMocks()
})

/** Writes `<dir>/pf.config.json` and returns its path. */
function projectFile(settings: Record<string, unknown>, name = 'pf.config.json'): string {
  const file = join(tmp.dir, name)
  writeFileSync(file, JSON.stringify(settings))
  return file
}

describe('the pf.config.json generated modules declare', () => {
  it('sets the runtime settings an app gets, as a URL relative to the module or a path', () => {
    const file = projectFile({ schema: './schema.pfschema', updateMode: 'copy-on-write', engine: 'lazy' })
    declareProjectConfig(
      new URL('../../pf.config.json', pathToFileURL(join(tmp.dir, 'src/generated/user.ts'))),
    )
    declareProjectConfig(file) // every generated module declares it: one file
    expect(getConfig()).toMatchObject({ updateMode: 'copy-on-write', engine: 'lazy', eagerThresholdMB: 100 })
    expect(configOrigin('updateMode')).toBe('project file')
    expect(describeConfigOrigin('updateMode')).toBe(file)
    expect(configOrigin('eagerThresholdMB')).toBe('default')
    expect(defaultStore().updateMode).toBe('copy-on-write')
    expect(openStore(tmp.dir).updateMode).toBe('copy-on-write')
  })

  it('ranks below the environment, setConfig, withConfig and an explicit openStore option', () => {
    declareProjectConfig(projectFile({ updateMode: 'copy-on-write', engine: 'lazy' }))
    process.env.PARQUETFRAME_ENGINE = 'eager'
    resetConfig()
    expect(getConfig()).toMatchObject({ engine: 'eager', updateMode: 'copy-on-write' })
    expect(describeConfigOrigin('engine')).toBe('PARQUETFRAME_ENGINE')
    process.env.PARQUETFRAME_UPDATE_MODE = 'merge-on-read'
    resetConfig()
    expect(getConfig().updateMode).toBe('merge-on-read')
    delete process.env.PARQUETFRAME_UPDATE_MODE
    resetConfig()
    expect(openStore(tmp.dir, { updateMode: 'merge-on-read' }).updateMode).toBe('merge-on-read')
    setConfig({ engine: 'partitioned' })
    expect(getConfig().engine).toBe('partitioned')
    withConfig({ updateMode: 'merge-on-read' }, () => {
      expect(getConfig().updateMode).toBe('merge-on-read')
      expect(describeConfigOrigin('updateMode')).toBe('setConfig/withConfig')
    })
    expect(getConfig().updateMode).toBe('copy-on-write')
  })

  it('is read again after resetConfig, so an edited file applies', () => {
    const file = projectFile({ updateMode: 'copy-on-write' })
    declareProjectConfig(file)
    expect(getConfig().updateMode).toBe('copy-on-write')
    writeFileSync(file, JSON.stringify({ updateMode: 'merge-on-read' }))
    expect(getConfig().updateMode).toBe('copy-on-write') // read once per process
    resetConfig()
    expect(getConfig().updateMode).toBe('merge-on-read')
  })

  it('is a ConfigError naming the file and the key when it is wrong', () => {
    const file = projectFile({ updateMode: 'cow' })
    declareProjectConfig(file)
    expect(() => getConfig()).toThrow(
      `${file}: Invalid value for configuration key "updateMode": "cow" (expected 'merge-on-read' or 'copy-on-write')`,
    )
    writeFileSync(file, '{ "updateMode": ')
    resetConfig()
    expect(() => getConfig()).toThrow(`${file}: not valid JSON`)
    expect(() => getConfig()).toThrow(ConfigError)
  })

  it('is a ConfigError naming both when modules of two projects declare different files', () => {
    const first = projectFile({ updateMode: 'copy-on-write' })
    const second = projectFile({}, 'other.config.json')
    declareProjectConfig(first)
    declareProjectConfig(second)
    expect(() => getConfig()).toThrow(`declare different project config files: ${first} and ${second}`)
  })

  it('warns once, and applies nothing, when the declared file is gone', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const file = join(tmp.dir, 'gone', 'pf.config.json')
    declareProjectConfig(file)
    expect(getConfig().updateMode).toBe('merge-on-read')
    expect(getConfig().updateMode).toBe('merge-on-read')
    const warnings = write.mock.calls.map(([text]) => String(text)).filter((t) => t.includes(file))
    expect(warnings).toEqual([
      `parquetframe: warning: ${file}, declared by the generated entity modules, does not exist: its settings are not applied\n`,
    ])
  })
})

describe('withProjectSettings (how pf applies the file it loaded)', () => {
  it('replaces the declared file for its duration, below the environment and programmatic settings', async () => {
    declareProjectConfig(projectFile({ engine: 'lazy' }))
    const loaded = {
      file: '/p/pf.config.json',
      values: { updateMode: 'copy-on-write', engine: 'eager' },
    } as const
    await withProjectSettings(loaded, async () => {
      await Promise.resolve()
      expect(getConfig()).toMatchObject({ updateMode: 'copy-on-write', engine: 'eager' })
      expect(describeConfigOrigin('engine')).toBe('/p/pf.config.json')
      withConfig({ engine: 'partitioned' }, () => {
        expect(getConfig()).toMatchObject({ updateMode: 'copy-on-write', engine: 'partitioned' })
      })
      process.env.PARQUETFRAME_UPDATE_MODE = 'merge-on-read'
      resetConfig()
      expect(getConfig().updateMode).toBe('merge-on-read')
    })
    expect(getConfig().engine).toBe('lazy')
  })
})
