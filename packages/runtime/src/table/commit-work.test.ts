import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { testTableMetadata } from './__fixtures__/table-metadata.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import type { FileStats } from './file-stats.js'
import { type LiveFileColumns, LiveFileMap } from './live-file-map.js'
import type { LogEntry } from './log-entry.js'
import { createTable, openTable } from './table.js'
import { type LiveFile, replay, type TableState } from './table-state.js'

/** Map and Set insertions made while `work` runs: what copying live-file entries costs (each copied entry is one). */
async function insertionsDuring(work: () => Promise<unknown> | unknown): Promise<number> {
  const { set } = Map.prototype
  const { add } = Set.prototype
  let count = 0
  Map.prototype.set = function (this: Map<unknown, unknown>, key: unknown, value: unknown) {
    count++
    return set.call(this, key, value)
  }
  Set.prototype.add = function (this: Set<unknown>, value: unknown) {
    count++
    return add.call(this, value)
  }
  try {
    await work()
    return count
  } finally {
    Map.prototype.set = set
    Set.prototype.add = add
  }
}

function liveFile(path: string, version: number): LiveFile {
  const stats: FileStats = { numRows: 1, columns: {} }
  return { add: { path, size: 10, partitionValues: {}, stats }, version, deleted: new Set(), deletedRows: 0 }
}

function columnsOf(count: number): LiveFileColumns {
  const files = Array.from({ length: count }, (_, i) => liveFile(`f${i}.parquet`, 0))
  return {
    size: count,
    rows: count,
    pathAt: (i) => `f${i}.parquet`,
    fileAt: (i) => files[i] as LiveFile,
  }
}

/** A state of `count` live one-row files, as a checkpoint's columns. */
function checkpointState(count: number): TableState {
  const metadata = testTableMetadata(userEntity, userEnums)
  return {
    version: 0,
    timestamp: 0,
    protocol: { minReaderVersion: 1, minWriterVersion: 2 },
    metadata,
    files: LiveFileMap.of(columnsOf(count)),
    rows: count,
  }
}

/** One commit of a one-row file (version `v`); every third also removes a file of the checkpoint. */
function appendEntry(v: number): LogEntry {
  const { add } = liveFile(`new-${v}.parquet`, v)
  return {
    version: v,
    commitInfo: {
      timestamp: v,
      operation: 'APPEND',
      readVersion: v - 1,
      rowsAdded: 1,
      rowsRemoved: 0,
      txnId: `t${v}`,
    },
    add: [add],
    ...(v % 3 === 0 ? { remove: [{ path: `f${v / 3}.parquet` }] } : {}),
  }
}

/** Insertions of `commits` commits replayed (twice each, as a commit does) on a checkpoint of `liveFiles` files. */
async function replayWork(liveFiles: number, commits: number): Promise<number> {
  let state = checkpointState(liveFiles)
  // Not counted: the first lookup by path indexes the checkpoint's files (once per open, not per commit).
  state.files.get('f0.parquet')
  let total = 0
  for (let v = 1; v <= commits; v++) {
    const entry = appendEntry(v)
    // The commit loop replays its entry to record the totals, then the table replays it to adopt the version.
    total += await insertionsDuring(() => {
      replay(state, [entry])
      state = replay(state, [entry])
    })
  }
  expect(state.files.size).toBe(liveFiles + commits - Math.floor(commits / 3))
  return total
}

describe('work of one commit', () => {
  it('replaying commits copies a few entries per change, not the live files or the changes since the checkpoint', async () => {
    for (const liveFiles of [1_000, 40_000]) {
      const commits = 2_400
      const perCommit = (await replayWork(liveFiles, commits)) / commits
      // 1.33 changes a commit, each copied into a layer O(log n) times, in the live files and in the tombstones.
      expect(perCommit, `${liveFiles} live files`).toBeLessThan(100)
    }
  })

  describe('a table with many live files', () => {
    const tmp = useTempDir('pf-commit-work-')

    it('appends to a table of 400 live files make as few insertions as to one of 50 files', async () => {
      const counts: number[] = []
      for (const files of [50, 400]) {
        // One data file a row (maxRowsPerFile 1), compaction off: every file stays live.
        const path = join(tmp.dir, `users-${files}`)
        const t = await createTable(path, {
          entity: userEntity,
          enums: userEnums,
          maxRowsPerFile: 1,
          autoCompact: false,
        })
        await t.append(users(range(0, files)))
        // The first append after builds the index of the files by path (once per state's base, not per commit).
        await t.append(users([files]))
        let n = 0
        for (let i = 1; i <= 10; i++) n += await insertionsDuring(() => t.append(users([files + i])))
        counts.push(n)
        const opened = await openTable(path)
        expect((await opened.snapshot()).files.length).toBe(files + 11)
        expect((await opened.read()).height).toBe(files + 11)
        await t.settled()
      }
      const [few, many] = counts as [number, number]
      // The same writes (one row each): only the live-file work could differ, and it must not grow with the files
      // (before, each append copied every live file twice: 8,000 insertions more at 400 files).
      expect(many).toBeLessThan(few + 200)
    })
  })
})
