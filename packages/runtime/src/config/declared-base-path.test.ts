import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultStore } from '../entity/entity-store.js'
import { ConfigError } from '../errors/pf-error.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { resetConfig, setConfig, withConfig } from './config-store.js'
import {
  clearDeclaredEntityBasePaths,
  declaredEntityBasePath,
  declareEntityBasePath,
} from './declared-base-path.js'

const tmp = useTempDir('pf-declared-')
const savedEnv = process.env.PARQUETFRAME_ENTITY_BASE_PATH
beforeEach(async () => {
  delete process.env.PARQUETFRAME_ENTITY_BASE_PATH
  resetConfig()
  clearDeclaredEntityBasePaths()
})
afterEach(async () => {
  if (savedEnv === undefined) delete process.env.PARQUETFRAME_ENTITY_BASE_PATH
  else process.env.PARQUETFRAME_ENTITY_BASE_PATH = savedEnv
  resetConfig()
  clearDeclaredEntityBasePaths()
})

describe('the storage folder generated modules declare', () => {
  it('is the default store base when nothing configures one, whatever the working directory', () => {
    expect(defaultStore().basePath).toBe(process.cwd())
    declareEntityBasePath(new URL('data/', pathToFileURL(`${tmp.dir}/src/generated/user.js`)))
    declareEntityBasePath(new URL('data/', pathToFileURL(`${tmp.dir}/src/generated/post.js`)))
    expect(declaredEntityBasePath()).toBe(join(tmp.dir, 'src', 'generated', 'data'))
    expect(defaultStore().basePath).toBe(join(tmp.dir, 'src', 'generated', 'data'))
  })

  it('yields to setConfig, withConfig and PARQUETFRAME_ENTITY_BASE_PATH', () => {
    declareEntityBasePath(join(tmp.dir, 'declared'))
    process.env.PARQUETFRAME_ENTITY_BASE_PATH = join(tmp.dir, 'env')
    resetConfig()
    expect(defaultStore().basePath).toBe(join(tmp.dir, 'env'))
    setConfig({ entityBasePath: join(tmp.dir, 'set') })
    expect(defaultStore().basePath).toBe(join(tmp.dir, 'set'))
    withConfig({ entityBasePath: join(tmp.dir, 'scoped') }, () => {
      expect(defaultStore().basePath).toBe(join(tmp.dir, 'scoped'))
    })
  })

  it('is a ConfigError naming both folders when two schemas disagree, unless config chooses', () => {
    declareEntityBasePath(join(tmp.dir, 'a'))
    declareEntityBasePath(join(tmp.dir, 'b'))
    expect(() => defaultStore()).toThrow(ConfigError)
    expect(() => defaultStore()).toThrow(`${join(tmp.dir, 'a')} and ${join(tmp.dir, 'b')}`)
    setConfig({ entityBasePath: join(tmp.dir, 'a') })
    expect(defaultStore().basePath).toBe(join(tmp.dir, 'a'))
  })
})
