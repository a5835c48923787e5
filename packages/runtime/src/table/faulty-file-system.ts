import { dirname } from 'node:path'
import type { AppendLog, CreateOptions, FileSystem, WriteOptions } from './file-system.js'
import { nodeFileSystem } from './node-file-system.js'

/** The operations of the file-system seam. */
export type FsOperation = keyof FileSystem

/** One injected fault: when `op` is called on a path that matches, run `before`, then fail (or not). */
export interface FaultRule {
  readonly op: FsOperation
  /** Which paths the rule applies to. Default: all. */
  readonly path?: RegExp
  /** Error code to throw (`ENOSPC`, `EIO`, ...). Default: no error (only `before` runs). */
  readonly code?: string
  /** How many matching calls the rule fires for. Default: 1. */
  readonly times?: number
  /** Runs before the (failing or real) call, e.g. to let a racing writer commit first. */
  readonly before?: (path: string) => Promise<void> | void
  /** Runs once the real call has succeeded (not for a rule with `code`), e.g. to signal that a file now exists. */
  readonly after?: (path: string) => Promise<void> | void
  /**
   * The rule may rightly never fire, e.g. it guards a race that may or may not happen. Default: false: pf's own tests
   * fail on a rule that never fired (the call it targets no longer happens: see takeUnfiredRules).
   */
  readonly optional?: boolean
}

/** Builds a Node-style error, as node:fs would throw it. */
export function fsError(code: string, op: string, path: string): Error & { code: string; path: string } {
  return Object.assign(new Error(`${code}: injected fault, ${op} '${path}'`), { code, path, syscall: op })
}

/** A rule as injected: how many more calls it fires for, and whether it fired. */
interface InjectedRule {
  readonly rule: FaultRule
  left: number
  fired: boolean
}

// The rules injected into any FaultyFileSystem since the last take, once trackInjectedRules() was called (this
// repository's vitest setup does; an app's tests using the ./testing entry never record anything).
let tracked: InjectedRule[] | undefined

/** Records every rule injected from now on, for takeUnfiredRules. Test setup only; not a public export. */
export function trackInjectedRules(): void {
  tracked ??= []
}

/**
 * The rules injected since the last take (while tracking) that never fired and are not optional, in order; forgets
 * them all. A rule removed by clear() before it fired counts: mark it optional when that is the test's intent.
 */
export function takeUnfiredRules(): FaultRule[] {
  const unfired = (tracked ?? []).filter((r) => !r.fired && !r.rule.optional).map((r) => r.rule)
  if (tracked) tracked = []
  return unfired
}

/** What a test whose rules never fired fails with: each rule's op, path pattern and fault. */
export function unfiredRulesMessage(rules: readonly FaultRule[]): string {
  const lines = rules.map(
    (r) => `  ${r.op} ${r.path ? String(r.path) : '(any path)'}${r.code ? ` -> ${r.code}` : ''}`,
  )
  return (
    `${rules.length === 1 ? 'A fault rule' : `${rules.length} fault rules`} never fired (the test did not test what ` +
    `it says: the call a rule targets did not happen; retarget it to the call that now does the job, or mark it ` +
    `optional: true if not firing is fine):\n${lines.join('\n')}`
  )
}

/** A FileSystem wrapper that injects faults for tests and records every call. */
export class FaultyFileSystem implements FileSystem {
  private rules: InjectedRule[] = []
  /** Every call made, in order: `op path`. */
  readonly calls: string[] = []

  /** As the wrapped file system: `after` and `durable` are passed through. */
  readonly gatedCreate: boolean

  /**
   * Present when made with `{ log: true }` over a file system that has it: commits then go through the commit log
   * (commit-wal.ts) and each append is a call `openLog.append <path>` faults can target (op `openLog`).
   */
  readonly openLog?: (path: string) => Promise<AppendLog>

  constructor(
    private readonly inner: FileSystem = nodeFileSystem,
    options: { log?: boolean } = {},
  ) {
    this.gatedCreate = inner.gatedCreate === true
    const open = inner.openLog?.bind(inner)
    if (options.log === true && open) {
      this.openLog = async (path) => {
        const log = await this.run('openLog', path, () => open(path))
        return {
          append: (data) => this.run('openLog', `${path}#append`, () => log.append(data)),
          close: () => log.close(),
        }
      }
    }
  }

  /** Adds a fault; rules are checked in the order they were added. */
  inject(rule: FaultRule): this {
    const injected = { rule, left: rule.times ?? 1, fired: false }
    this.rules.push(injected)
    tracked?.push(injected)
    return this
  }

  /** Removes all pending faults. One that never fired still counts as unfired: mark it `optional` if that is fine. */
  clear(): void {
    this.rules = []
  }

  /** Records the call, runs a matching rule's `before` (and throws its fault), makes the call, then runs `after`. */
  private async run<T>(op: FsOperation, path: string, call: () => Promise<T>): Promise<T> {
    this.calls.push(`${op} ${path}`)
    const hit = this.rules.find((r) => r.left > 0 && r.rule.op === op && (r.rule.path?.test(path) ?? true))
    if (!hit) return call()
    hit.left -= 1
    hit.fired = true
    await hit.rule.before?.(path)
    if (hit.rule.code) throw fsError(hit.rule.code, op, path)
    const result = await call()
    await hit.rule.after?.(path)
    return result
  }

  async writeFile(path: string, data: Uint8Array | string, options?: WriteOptions): Promise<void> {
    if (!options?.syncDir) return this.run('writeFile', path, () => this.inner.writeFile(path, data, options))
    // The file's and the folder's flushes as their own calls, so faults can be injected into each.
    await this.run('writeFile', path, () => this.inner.writeFile(path, data, { durable: false }))
    if (options.durable ?? true) await this.fsyncFile(path)
    await this.fsyncDir(dirname(path))
  }
  async createExclusive(path: string, data: Uint8Array | string, options?: CreateOptions): Promise<void> {
    if (!options?.syncDir)
      return this.run('createExclusive', path, () => this.inner.createExclusive(path, data, options))
    // The folder's flush as its own call, so faults can be injected into it.
    await this.run('createExclusive', path, () =>
      this.inner.createExclusive(path, data, { ...options, syncDir: false }),
    )
    await this.fsyncDir(dirname(path))
  }
  async rename(from: string, to: string): Promise<void> {
    return this.run('rename', to, () => this.inner.rename(from, to))
  }
  async readFile(path: string): Promise<Uint8Array> {
    return this.run('readFile', path, () => this.inner.readFile(path))
  }
  async readdir(path: string): Promise<string[]> {
    return this.run('readdir', path, () => this.inner.readdir(path))
  }
  async readdirTyped(path: string): Promise<{ name: string; isDirectory: boolean }[]> {
    return this.run('readdirTyped', path, () => this.inner.readdirTyped(path))
  }
  async unlink(path: string): Promise<void> {
    return this.run('unlink', path, () => this.inner.unlink(path))
  }
  async mkdir(path: string): Promise<void> {
    return this.run('mkdir', path, () => this.inner.mkdir(path))
  }
  async rmdir(path: string): Promise<void> {
    return this.run('rmdir', path, () => this.inner.rmdir(path))
  }
  async fsyncFile(path: string): Promise<void> {
    return this.run('fsyncFile', path, () => this.inner.fsyncFile(path))
  }
  async fsyncDir(path: string): Promise<void> {
    return this.run('fsyncDir', path, () => this.inner.fsyncDir(path))
  }
  async stat(path: string): Promise<{ size: number; mtimeMs: number; isDirectory: boolean }> {
    return this.run('stat', path, () => this.inner.stat(path))
  }
  async lstat(
    path: string,
  ): Promise<{ size: number; mtimeMs: number; isDirectory: boolean; isSymbolicLink: boolean }> {
    return this.run('lstat', path, () => this.inner.lstat(path))
  }
}
