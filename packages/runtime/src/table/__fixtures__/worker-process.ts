import { type ChildProcess, spawn } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, beforeAll } from 'vitest'

const SRC = fileURLToPath(new URL('../../', import.meta.url))
const REPO = join(SRC, '..', '..', '..')

/** Where prepareWorker writes this process's transpiled sources. */
const workerOutDir = (): string => join(REPO, 'node_modules', '.cache', `pf-table-worker-${process.pid}`)

/**
 * Transpiles the runtime sources to plain JS once (TypeScript's transpileModule),
 * under node_modules/.cache so `nodejs-polars` resolves, and returns the worker's
 * path. A child then starts in ~0.6 s of CPU instead of ~1.4 s through tsx, which
 * matters for the 50-kill test.
 */
export async function prepareWorker(entry = 'table-worker'): Promise<string> {
  const out = workerOutDir()
  const pending = [join(SRC, 'table', '__fixtures__', `${entry}.ts`)]
  const done = new Set<string>()
  while (pending.length > 0) {
    const file = pending.pop() as string
    if (done.has(file)) continue
    done.add(file)
    const source = await readFile(file, 'utf8')
    for (const m of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g))
      pending.push(join(dirname(file), `${m[1]}.ts`))
    const js = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    }).outputText
    const target = join(out, relative(SRC, file)).replace(/\.ts$/, '.js')
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, js)
  }
  await writeFile(join(out, 'package.json'), '{"type":"module"}')
  return join(out, 'table', '__fixtures__', `${entry}.js`)
}

/** A prepared worker script: read `script` inside tests (it exists between beforeAll and afterAll). */
export interface WorkerScript {
  readonly script: string
}

/** Prepares the worker `entry` before the tests of the file (or describe block) and removes the output after. */
export function useWorkerScript(entry = 'table-worker'): WorkerScript {
  let script: string | undefined
  beforeAll(async () => {
    script = await prepareWorker(entry)
  })
  afterAll(() => rm(workerOutDir(), { recursive: true, force: true }))
  return {
    get script() {
      if (script === undefined) throw new Error(`the worker ${entry} is used outside its tests`)
      return script
    },
  }
}

/** A table-worker child process and the lines it printed. */
export class WorkerProcess {
  readonly child: ChildProcess
  readonly lines: string[] = []
  readonly exited: Promise<number | null>
  private stderr = ''
  private waiters: { prefix: string; resolve: () => void }[] = []

  constructor(script: string, args: readonly string[]) {
    this.child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let buffer = ''
    this.child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8')
      let nl = buffer.indexOf('\n')
      while (nl >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        this.lines.push(line)
        const due = this.waiters.filter((w) => line.startsWith(w.prefix))
        this.waiters = this.waiters.filter((w) => !line.startsWith(w.prefix))
        for (const w of due) w.resolve()
        nl = buffer.indexOf('\n')
      }
    })
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8')
    })
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)))
  }

  /** Resolves once `count` lines starting with `prefix` have been printed (or the child exited). */
  waitFor(prefix: string, count = 1): Promise<void> {
    const enough = (): boolean => this.lines.filter((l) => l.startsWith(prefix)).length >= count
    if (enough()) return Promise.resolve()
    return new Promise((resolve) => {
      const check = (): void => (enough() ? resolve() : void this.waiters.push({ prefix, resolve: check }))
      this.waiters.push({ prefix, resolve: check })
      void this.exited.then(() => resolve())
    })
  }

  /** Sends one line to the child's stdin. */
  send(line: string): void {
    this.child.stdin?.write(`${line}\n`)
  }

  /** Acknowledged commits: version and payload. */
  acks<T>(): { version: number; payload: T }[] {
    return this.lines
      .filter((l) => l.startsWith('ACK '))
      .map((l) => {
        const [, version, ...rest] = l.split(' ')
        return { version: Number(version), payload: JSON.parse(rest.join(' ')) as T }
      })
  }

  /** Lines that report a failure, with stderr when the child crashed. */
  failures(): string[] {
    const bad = this.lines.filter((l) => l.startsWith('NACK') || l.startsWith('ERR'))
    return this.stderr.trim() ? [...bad, this.stderr.trim()] : bad
  }
}
