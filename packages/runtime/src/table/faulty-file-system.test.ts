import { describe, expect, it } from 'vitest'
import { FaultyFileSystem, takeUnfiredRules, unfiredRulesMessage } from './faulty-file-system.js'

// The unfired-rule check (test/support/unfired-fault-rules-setup.ts runs it after every test) called directly, so
// that this file's tests do not fail: each takes the rules it injected before its end.
describe('fault rules that never fired', () => {
  it('are reported unless optional, across file systems, cleared or not; a rule that fired once is not', async () => {
    const fs = new FaultyFileSystem()
    const other = new FaultyFileSystem()
    const dead = { op: 'rename', path: /part-[^/]*\.tmp$/, code: 'EIO' } as const
    const cleared = { op: 'createExclusive', code: 'ENOSPC' } as const
    const elsewhere = { op: 'fsyncDir', path: /_delta_log$/ } as const
    fs.inject(dead)
    fs.inject({ op: 'unlink', optional: true })
    fs.inject({ op: 'readFile', path: /missing$/, code: 'EIO', times: 3 })
    other.inject(elsewhere)
    await expect(fs.readFile('/nowhere/missing')).rejects.toMatchObject({ code: 'EIO' })
    fs.inject(cleared)
    fs.clear()
    expect(takeUnfiredRules()).toEqual([dead, elsewhere, cleared])
    // Taken once: the next test starts with none.
    expect(takeUnfiredRules()).toEqual([])
  })

  it('an optional rule that never fired, and rules that fired, report nothing', async () => {
    const fs = new FaultyFileSystem()
    fs.inject({ op: 'stat', path: /race$/, optional: true })
    fs.inject({ op: 'mkdir', code: 'EACCES' })
    await expect(fs.mkdir('/nowhere/dir')).rejects.toMatchObject({ code: 'EACCES' })
    expect(takeUnfiredRules()).toEqual([])
  })

  it('the failure names each rule by op, path pattern and fault', () => {
    expect(unfiredRulesMessage([{ op: 'rename', path: /part-[^/]*\.tmp$/, code: 'EIO' }])).toMatch(
      /^A fault rule never fired \(.*optional: true.*\):\n {2}rename \/part-\[\^\/\]\*\\\.tmp\$\/ -> EIO$/,
    )
    expect(
      unfiredRulesMessage([
        { op: 'createExclusive', code: 'ENOSPC' },
        { op: 'fsyncDir', path: /_delta_log$/ },
      ]),
    ).toMatch(
      /^2 fault rules never fired .*:\n {2}createExclusive \(any path\) -> ENOSPC\n {2}fsyncDir \/_delta_log\$\/$/,
    )
  })
})
