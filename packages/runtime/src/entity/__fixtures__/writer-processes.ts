import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// Runs the writer processes of entity-writer.ts for the concurrency tests (hardening, write lock).

const WRITER = fileURLToPath(new URL('./entity-writer.ts', import.meta.url))

/** Starts writer processes, releases them together, returns their JSON results. */
export async function runWriters(args: string[][]): Promise<{ saved: number; rejected: number }[]> {
  const children = args.map((a) =>
    spawn(process.execPath, ['--import', 'tsx', WRITER, ...a], { stdio: 'pipe' }),
  )
  const output = children.map((child) => collect(child))
  await Promise.all(output.map((o) => o.ready))
  for (const child of children) child.stdin?.write('go\n')
  return Promise.all(output.map((o) => o.result))
}

function collect(child: ChildProcess): {
  ready: Promise<void>
  result: Promise<{ saved: number; rejected: number }>
} {
  let out = ''
  let err = ''
  let onReady: () => void = () => undefined
  const ready = new Promise<void>((resolve) => {
    onReady = resolve
  })
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8')
    if (out.startsWith('ready\n')) onReady()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8')
  })
  const result = new Promise<{ saved: number; rejected: number }>((resolve, reject) => {
    child.on('exit', (code) => {
      onReady()
      const last = out.trim().split('\n').at(-1) ?? ''
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last))
      else reject(new Error(`writer exited with ${code}: ${err}`))
    })
  })
  return { ready, result }
}
