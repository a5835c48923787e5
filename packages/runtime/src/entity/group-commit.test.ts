// Group commit: concurrent saves of one process share commits; each caller gets its own outcome; an
// acknowledged row survives the writer being killed.
import { spawn } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { registeredMember } from './__fixtures__/member-entity.js'
import * as pf from './index.js'

const tmp = useTempDir('pf-group-')

/** Commits in the table's Delta log (version 0 creates the table). */
async function logEntries(): Promise<number> {
  const names = await readdir(join(tmp.dir, 'members', '_delta_log'))
  return names.filter((n) => /^\d{20}\.json$/.test(n)).length - 1
}

describe.each([false, true])('group commit (@unique email: %s)', (unique) => {
  it('100 concurrent creates store exactly 100 rows in a few commits', async () => {
    const Member = registeredMember({ unique })
    const repo = Member.repo(pf.openStore(tmp.dir))
    await repo.count() // the table exists before the burst
    const made = await Promise.all(
      Array.from({ length: 100 }, (_, i) => repo.create({ id: i, email: `u${i}@example.com`, writer: 'a' })),
    )
    expect(made.map((m) => m.id)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    const fresh = Member.repo(pf.openStore(tmp.dir))
    const ids = (await fresh.findAll()).map((m) => m.id).sort((a, b) => a - b)
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => i))
    expect(await logEntries()).toBeLessThanOrEqual(10)
  })

  it('a caller whose key exists fails alone; the others of its group are stored', async () => {
    const Member = registeredMember({ unique })
    const repo = Member.repo(pf.openStore(tmp.dir))
    await repo.create({ id: 7, email: 'seven@example.com', writer: 'first' })
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => repo.create({ id: i, email: `u${i}@example.com`, writer: 'b' })),
    )
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ i, error: r.reason }] : []))
    expect(failed.map((f) => f.i)).toEqual([7])
    expect(failed[0]?.error).toBeInstanceOf(pf.UniqueConstraintError)
    const stored = await Member.repo(pf.openStore(tmp.dir)).findAll()
    expect(stored).toHaveLength(20)
    expect(stored.find((m) => m.id === 7)?.writer).toBe('first')
  })

  it('saves of one key in a group: the last caller wins, as if committed one after another', async () => {
    const Member = registeredMember({ unique })
    const repo = Member.repo(pf.openStore(tmp.dir))
    await repo.count()
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        repo.save(Object.assign(new Member(), { id: 1, email: 'one@example.com', writer: `w${i}` })),
      ),
    )
    const stored = await Member.repo(pf.openStore(tmp.dir)).findAll()
    expect(stored.map((m) => [m.id, m.writer])).toEqual([[1, 'w9']])
  })
})

describe('group commit and @unique', () => {
  it("one caller's unique violation fails only that caller", async () => {
    const Member = registeredMember({ unique: true })
    const repo = Member.repo(pf.openStore(tmp.dir))
    await repo.create({ id: 1000, email: 'taken@example.com', writer: 'first' })
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        repo.create({ id: i, email: i === 12 ? 'taken@example.com' : `u${i}@example.com`, writer: 'b' }),
      ),
    )
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ i, error: r.reason }] : []))
    expect(failed.map((f) => f.i)).toEqual([12])
    expect(failed[0]?.error).toBeInstanceOf(pf.UniqueConstraintError)
    expect(await Member.repo(pf.openStore(tmp.dir)).count()).toBe(30)
  })

  it('two callers of one group with the same new value: the first is stored, the second fails', async () => {
    const Member = registeredMember({ unique: true })
    const repo = Member.repo(pf.openStore(tmp.dir))
    await repo.count()
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        repo.create({
          id: i,
          email: i === 3 || i === 6 ? 'same@example.com' : `u${i}@example.com`,
          writer: 'c',
        }),
      ),
    )
    expect(results.map((r) => r.status)).toEqual(
      Array.from({ length: 10 }, (_, i) => (i === 6 ? 'rejected' : 'fulfilled')),
    )
    const stored = await Member.repo(pf.openStore(tmp.dir)).findBy({ email: 'same@example.com' })
    expect(stored.map((m) => m.id)).toEqual([3])
  })
})

describe('group commit and crashes', () => {
  it('a writer killed in the middle of group commits never loses an acknowledged row', async () => {
    const Member = registeredMember()
    await Member.repo(pf.openStore(tmp.dir)).count()
    const writer = fileURLToPath(new URL('./__fixtures__/group-commit-writer.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', writer, tmp.dir], { stdio: 'pipe' })
    const acked = new Set<number>()
    let err = ''
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8')
    })
    await new Promise<void>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8')
        const lines = out.split('\n')
        out = lines.pop() ?? ''
        for (const line of lines) if (line.startsWith('ack ')) acked.add(Number(line.slice(4)))
        // Killed mid-stream: more creates are in flight then, some of them inside a commit.
        if (acked.size >= 90 && child.exitCode === null) {
          child.kill('SIGKILL')
          resolve()
        }
      })
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code}: ${err}`))
      })
    })
    await new Promise((resolve) => child.once('exit', resolve))
    const stored = new Set((await Member.repo(pf.openStore(tmp.dir)).findAll()).map((m) => m.id))
    const lost = [...acked].filter((id) => !stored.has(id))
    expect(lost).toEqual([])
    expect(stored.size).toBeGreaterThanOrEqual(acked.size)
  })
})
