// A temp folder per test (or per file), the set-up most file-backed tests open with, written once.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'

/** A test's temp folder: read `dir` inside tests (it exists between the set-up and clean-up hooks). */
export interface TempDir {
  readonly dir: string
}

/** Makes a fresh temp folder named `<prefix>…` before each test of the file and removes it after. */
export function useTempDir(prefix: string): TempDir {
  return tempFolder(prefix, beforeEach, afterEach)
}

/** One temp folder named `<prefix>…` for all tests of the file (or describe): made before the first, removed after the last. */
export function useSharedTempDir(prefix: string): TempDir {
  return tempFolder(prefix, beforeAll, afterAll)
}

type Hook = (fn: () => Promise<void>) => void

function tempFolder(prefix: string, setUp: Hook, cleanUp: Hook): TempDir {
  let dir: string | undefined
  setUp(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix))
  })
  cleanUp(async () => {
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
