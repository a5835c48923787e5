import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultStore } from '../entity/entity-store.js'
import { ConfigError } from '../errors/pf-error.js'
import { resetConfig, setConfig, withConfig } from './config-store.js'
import {
  clearDeclaredEntityBasePaths,
  declaredEntityBasePath,
  declareEntityBasePath,
} from './declared-base-path.js'

let dir: string
const savedEnv = process.env.PARQUETFRAME_ENTITY_BASE_PATH
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pf-declared-'))
  delete process.env.PARQUETFRAME_ENTITY_BASE_PATH
  resetConfig()
  clearDeclaredEntityBasePaths()
})
afterEach(async () => {
  if (savedEnv === undefined) delete process.env.PARQUETFRAME_ENTITY_BASE_PATH
  else process.env.PARQUETFRAME_ENTITY_BASE_PATH = savedEnv
  resetConfig()
  clearDeclaredEntityBasePaths()
  await rm(dir, { recursive: true, force: true })
})

describe('the storage folder generated modules declare', () => {
  it('is the default store base when nothing configures one, whatever the working directory', () => {
    expect(defaultStore().basePath).toBe(process.cwd())
    declareEntityBasePath(new URL('data/', pathToFileURL(`${dir}/src/generated/user.js`)))
    declareEntityBasePath(new URL('data/', pathToFileURL(`${dir}/src/generated/post.js`)))
    expect(declaredEntityBasePath()).toBe(join(dir, 'src', 'generated', 'data'))
    expect(defaultStore().basePath).toBe(join(dir, 'src', 'generated', 'data'))
  })

  it('yields to setConfig, withConfig and PARQUETFRAME_ENTITY_BASE_PATH', () => {
    declareEntityBasePath(join(dir, 'declared'))
    process.env.PARQUETFRAME_ENTITY_BASE_PATH = join(dir, 'env')
    resetConfig()
    expect(defaultStore().basePath).toBe(join(dir, 'env'))
    setConfig({ entityBasePath: join(dir, 'set') })
    expect(defaultStore().basePath).toBe(join(dir, 'set'))
    withConfig({ entityBasePath: join(dir, 'scoped') }, () => {
      expect(defaultStore().basePath).toBe(join(dir, 'scoped'))
    })
  })

  it('is a ConfigError naming both folders when two schemas disagree, unless config chooses', () => {
    declareEntityBasePath(join(dir, 'a'))
    declareEntityBasePath(join(dir, 'b'))
    expect(() => defaultStore()).toThrow(ConfigError)
    expect(() => defaultStore()).toThrow(`${join(dir, 'a')} and ${join(dir, 'b')}`)
    setConfig({ entityBasePath: join(dir, 'a') })
    expect(defaultStore().basePath).toBe(join(dir, 'a'))
  })
})
