import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The public test corpora (parquet-testing, apache/avro, fastavro): PF_TESTDATA, else ../shared/testdata/files. */
export const CORPUS_ROOT = resolve(
  process.env.PF_TESTDATA ?? fileURLToPath(new URL('../../../shared/testdata/files', import.meta.url)),
)

/** Every file under `dir` (relative to the corpus root) whose name ends with `suffix`, sorted. */
export function corpusFiles(dir: string, suffix: string): string[] {
  const root = join(CORPUS_ROOT, dir)
  if (!existsSync(root))
    throw new Error(`No test corpus at ${root}: set PF_TESTDATA to the testdata/files folder`)
  const out: string[] = []
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (name.endsWith(suffix)) out.push(relative(CORPUS_ROOT, p))
    }
  }
  walk(root)
  return out
}

/** What `read()` + `toRecords()` did with one file in a child process. */
export interface ChildRead {
  /** The signal that ended the child (an abort), or null when it exited by itself. */
  readonly signal: NodeJS.Signals | null
  readonly status: number | null
  readonly ok: boolean
  readonly records?: unknown[]
  readonly name?: string
  readonly code?: string | null
  readonly message?: string
  readonly stderr: string
}

const CHILD = fileURLToPath(
  new URL('../../packages/runtime/src/format/testing/read-in-child.ts', import.meta.url),
)

/** Runs `read()` + `toRecords()` of a corpus file in a child process (tagged JSON values, see read-in-child.ts). */
export async function readInChild(file: string): Promise<ChildRead> {
  const dir = await mkdtemp(join(tmpdir(), 'pf-conformance-'))
  const out = join(dir, 'result.json')
  try {
    const { signal, status, stderr } = await new Promise<{
      signal: NodeJS.Signals | null
      status: number | null
      stderr: string
    }>((done) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, join(CORPUS_ROOT, file), out], {
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      let err = ''
      child.stderr.on('data', (d: Buffer) => {
        if (err.length < 4000) err += d.toString()
      })
      child.on('close', (code, sig) => done({ signal: sig, status: code, stderr: err }))
    })
    const result = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : { ok: false }
    return { signal, status, stderr, ...result }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Maps `fn` over `items` with at most `limit` running at once, results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
