// A @unique create writes its data file while it takes the write lock and checks its values: a refused create
// removes the file it wrote, a create that waited for another writer's lock is checked against that writer's
// commit and commits in one attempt on top of it.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { FaultyFileSystem } from '../table/faulty-file-system.js'
import { handedOverLocksReleased } from '../table/file-lock.js'
import { registeredMember } from './__fixtures__/member-entity.js'
import * as pf from './index.js'

const tmp = useTempDir('pf-unique-ahead-')

const member = (id: number, email: string) => ({ id, email, writer: 't' })

/** The data files (committed or not) in the table folder. */
async function dataFiles(): Promise<string[]> {
  return (await readdir(join(tmp.dir, 'members'))).filter((n) => n.includes('part-'))
}

/** Calls of `fs` from `from` on: creating log entries (one per commit attempt). */
const entryCreates = (fs: FaultyFileSystem, from: number) =>
  fs.calls.slice(from).filter((c) => /^createExclusive .*_delta_log\/\d+\.json$/.test(c))

/** A promise and its resolver. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {}
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

describe('a @unique create writes its data file while the unique check runs', () => {
  it('a refused create wrote its data file and removes it; nothing of it stays', async () => {
    const Member = registeredMember({ unique: true })
    const fs = new FaultyFileSystem()
    const repo = Member.repo(pf.openStore(tmp.dir, { fs }))
    await repo.create(member(1, 'a@example.com'))
    const stored = await dataFiles()
    const from = fs.calls.length
    await expect(repo.create(member(2, 'a@example.com'))).rejects.toBeInstanceOf(pf.UniqueConstraintError)
    // Written (under its final name) before the check refused it (the check no longer runs before the write starts) ...
    expect(fs.calls.slice(from).some((c) => /^writeFile .*\/part-[^/]*\.parquet$/.test(c))).toBe(true)
    // ... and removed: no data file, no temp file, no lock left.
    expect(await dataFiles()).toEqual(stored)
    await handedOverLocksReleased()
    expect(await readdir(join(tmp.dir, 'members', '_pf'))).not.toContain('unique.lock')
    expect(await repo.count()).toBe(1)
  })

  it('a create that waited for another writer holding the lock is checked against, and commits on top of, its commit', async () => {
    const Member = registeredMember({ unique: true })
    // Two stores (two table objects, as two processes would have) over one folder: B holds the lock while A writes.
    const fsA = new FaultyFileSystem()
    const fsB = new FaultyFileSystem()
    const a = Member.repo(pf.openStore(tmp.dir, { fs: fsA }))
    const b = Member.repo(pf.openStore(tmp.dir, { fs: fsB }))
    await a.create(member(1, 'first@example.com'))
    await b.create(member(2, 'second@example.com'))

    // B's log entry appears only once A is writing its data file (A's write started against the older version).
    const round = async (id: number, bEmail: string, aEmail: string) => {
      const aWrote = signal()
      fsA.inject({ op: 'writeFile', path: /part-.*\.parquet$/, before: () => aWrote.resolve() })
      fsB.inject({ op: 'createExclusive', path: /_delta_log\/\d+\.json$/, before: () => aWrote.promise })
      const from = fsA.calls.length
      const bDone = b.create(member(id, bEmail))
      const aDone = a.create(member(id + 1, aEmail)).then(
        () => undefined,
        (e: unknown) => e,
      )
      await bDone
      return { error: await aDone, entries: entryCreates(fsA, from) }
    }

    // The same value: A's check, under the lock after B's commit, sees B's row.
    const clash = await round(3, 'same@example.com', 'same@example.com')
    expect(clash.error).toBeInstanceOf(pf.UniqueConstraintError)
    expect(clash.entries).toEqual([])
    expect((await a.findBy({ email: 'same@example.com' })).map((m) => m.id)).toEqual([3])

    // Another value: A plans its commit against the version its check read, so its first log entry lands.
    const fine = await round(5, 'b@example.com', 'a@example.com')
    expect(fine.error).toBeUndefined()
    expect(fine.entries).toHaveLength(1)
    expect((await a.findAll()).map((m) => m.email).sort()).toEqual([
      'a@example.com',
      'b@example.com',
      'first@example.com',
      'same@example.com',
      'second@example.com',
    ])
    expect(await dataFiles()).toHaveLength(5)
  })

  it('a @unique create returns once committed, before its lock is read or removed; then it is removed', async () => {
    const Member = registeredMember({ unique: true })
    const fs = new FaultyFileSystem()
    const repo = Member.repo(pf.openStore(tmp.dir, { fs }))
    await repo.create(member(1, 'a@example.com'))
    await handedOverLocksReleased()
    const from = fs.calls.length
    const onLock = () =>
      fs.calls
        .slice(from)
        .filter((c) => c.endsWith(join('_pf', 'unique.lock')))
        .map((c) => c.split(' ')[0])
    await repo.create(member(2, 'b@example.com'))
    expect(onLock()).toEqual(['createExclusive'])
    expect(await readdir(join(tmp.dir, 'members', '_pf'))).toContain('unique.lock')
    await handedOverLocksReleased()
    expect(onLock()).toEqual(['createExclusive', 'readFile', 'unlink'])
    expect(await readdir(join(tmp.dir, 'members', '_pf'))).not.toContain('unique.lock')
    expect((await repo.findAll()).map((m) => m.email).sort()).toEqual(['a@example.com', 'b@example.com'])
  })
})
