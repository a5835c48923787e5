// Where the table tests put their `users` table, and the fault-injection table they open with, written once.
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import { FaultyFileSystem } from '../faulty-file-system.js'
import { createTable, type Table } from '../table.js'
import { useTempDir } from './temp-dir.js'
import { range, userEntity, userEnums, users } from './user-entity.js'

/** A test's temp folder and the path of its `users` table in it: read them inside tests. */
export interface UsersTablePath {
  readonly dir: string
  readonly path: string
}

/** A fresh temp folder per test (removed after it) and the path of a `users` table in it, not created. */
export function useUsersTablePath(): UsersTablePath {
  const tmp = useTempDir('pf-table-')
  return {
    get dir() {
      return tmp.dir
    },
    get path() {
      return join(tmp.dir, 'users')
    },
  }
}

/** A users table created per test through a FaultyFileSystem the test injects faults into. */
export interface FaultyUsersTable extends UsersTablePath {
  readonly fs: FaultyFileSystem
  readonly table: Table
}

/** Per test: the users table holding users 0..4 (version 1), every file operation through `fs`. */
export function useFaultyUsersTable(): FaultyUsersTable {
  const at = useUsersTablePath()
  let current: { fs: FaultyFileSystem; table: Table } | undefined
  beforeEach(async () => {
    const fs = new FaultyFileSystem()
    const table = await createTable(at.path, { entity: userEntity, enums: userEnums, fs })
    await table.append(users(range(0, 5)))
    current = { fs, table }
  })
  afterEach(() => {
    current = undefined
  })
  const ready = () => {
    if (current === undefined) throw new Error('the faulty users table is used outside its tests')
    return current
  }
  return {
    get dir() {
      return at.dir
    },
    get path() {
      return at.path
    },
    get fs() {
      return ready().fs
    },
    get table() {
      return ready().table
    },
  }
}
