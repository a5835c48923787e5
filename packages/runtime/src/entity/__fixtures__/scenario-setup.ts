import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach } from 'vitest'
import { resetConfig, setConfig } from '../../config/index.js'
import * as pf from '../index.js'
import { type FixtureModule, loadWithTsx } from './load-fixture.js'

/** The runtime as fixtures receive it. */
export type Pf = typeof pf

/**
 * Per test: a fresh temp directory as config `entityBasePath` (the default store of the statics), and models
 * declared in a fresh registry (so names never clash between tests). Returns accessors for both.
 */
export function useScenario(): { dir: () => string; define: <R>(name: string, ...args: unknown[]) => R } {
  let dir = ''
  let models: FixtureModule | undefined
  beforeAll(async () => {
    models = await loadWithTsx('scenario-models.ts')
  })
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pf-entity-'))
    resetConfig()
    setConfig({ entityBasePath: dir })
  })
  afterEach(() => {
    resetConfig()
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    dir: () => dir,
    define: <R>(name: string, ...args: unknown[]): R => {
      const fn = models?.[name] as (runtime: Pf, ...rest: unknown[]) => R
      return pf.withRegistry(new pf.EntityRegistry(), () => fn(pf, ...args))
    },
  }
}
