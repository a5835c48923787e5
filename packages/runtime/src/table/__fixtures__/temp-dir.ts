// A temp folder per test, the set-up most file-backed tests open with, written once.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'

/** A test's temp folder: read `dir` inside tests (it exists between beforeEach and afterEach). */
export interface TempDir {
  readonly dir: string
}

/** Makes a fresh temp folder named `<prefix>…` before each test of the file and removes it after. */
export function useTempDir(prefix: string): TempDir {
  let dir: string | undefined
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix))
  })
  afterEach(async () => {
    // Retries: a background checkpoint or compaction a test did not settle may still add a file while it is removed.
    if (dir !== undefined) await rm(dir, { recursive: true, force: true, maxRetries: 5 })
    dir = undefined
  })
  return {
    get dir() {
      if (dir === undefined) throw new Error('the temp folder is used outside its tests')
      return dir
    },
  }
}
