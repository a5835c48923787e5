import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import pl from 'nodejs-polars'
import { getConfig } from '../config/config-store.js'
import { ConfigError, FormatError, NotFoundError, ParquetFrameError } from '../errors/pf-error.js'
import { PartitionError } from './partition-error.js'
import type { PartitionTask } from './partition-task.js'
import type { WorkerRequest, WorkerResponse } from './partition-worker.js'

interface Job {
  readonly task: PartitionTask
  readonly resolve: (df: pl.DataFrame) => void
  readonly reject: (error: Error) => void
}

interface Slot {
  readonly worker: Worker
  job: Job | undefined
}

/**
 * Starts a worker thread running module `name` of the folder of `base` (an `import.meta.url`); from TypeScript
 * sources (tests, tsx) it loads them through tsx.
 */
export function startWorker(base: string, name: string): Worker {
  // A worker inherits the process's execArgv; `--input-type` (an app run as `node --input-type=module -e …`) is
  // refused for a worker started from a file (ERR_INPUT_TYPE_NOT_ALLOWED), so it is left out.
  const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--input-type'))
  if (!base.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, base), { execArgv })
  const require = createRequire(base)
  const tsx = new URL('dist/esm/api/index.mjs', pathToFileURL(require.resolve('tsx/package.json'))).href
  const entry = new URL(`./${name}.ts`, base).href
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(bootstrap, { eval: true })
}

function rebuildError(response: Extract<WorkerResponse, { ok: false }>): Error {
  switch (response.name) {
    case 'PartitionError':
      return new PartitionError(
        response.partition ?? '?',
        response.message.replace(/^Partition .* failed: /, ''),
      )
    case 'FormatError':
      return new FormatError(response.message)
    case 'ConfigError':
      return new ConfigError(response.message)
    case 'NotFoundError':
      return new NotFoundError(response.message.replace(/^.* not found: /, ''))
    default:
      return response.code
        ? new ParquetFrameError(response.code, response.message)
        : new Error(response.message)
  }
}

/**
 * A fixed-size pool of worker threads running PartitionTasks, one task per worker at a time (so
 * memory stays bounded by pool size × partition size). Idle workers do not keep the process alive.
 */
export class WorkerPool {
  readonly size: number
  private readonly slots: Slot[] = []
  private readonly queue: Job[] = []
  private nextId = 0

  constructor(size: number) {
    this.size = Math.max(1, size)
  }

  /** Runs a task on the next free worker. */
  run(task: PartitionTask): Promise<pl.DataFrame> {
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject })
      this.dispatch()
    })
  }

  /** Stops every worker; queued tasks fail. */
  async close(): Promise<void> {
    for (const job of this.queue.splice(0)) job.reject(new Error('Worker pool closed'))
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()))
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === undefined)
      if (!slot && this.slots.length < this.size) slot = this.spawn()
      if (!slot) return
      const job = this.queue.shift() as Job
      slot.job = job
      slot.worker.ref()
      const request: WorkerRequest = { id: this.nextId++, task: job.task }
      slot.worker.postMessage(request)
    }
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startWorker(import.meta.url, 'partition-worker'), job: undefined }
    slot.worker.on('message', (response: WorkerResponse) => {
      const job = slot.job
      slot.job = undefined
      slot.worker.unref()
      if (job) {
        if (response.ok) job.resolve(pl.readIPC(Buffer.from(response.ipc)))
        else job.reject(rebuildError(response))
      }
      this.dispatch()
    })
    const fail = (error: Error) => {
      const index = this.slots.indexOf(slot)
      if (index >= 0) this.slots.splice(index, 1)
      slot.job?.reject(error)
      slot.job = undefined
      this.dispatch()
    }
    slot.worker.on('error', fail)
    slot.worker.on('exit', (code) => fail(new Error(`Partition worker exited with code ${code}`)))
    slot.worker.unref()
    this.slots.push(slot)
    return slot
  }
}

const pools = new Map<number, WorkerPool>()

/** Worker count from the `maxWorkers` setting (null: one per CPU core). */
export function configuredWorkers(): number {
  return getConfig().maxWorkers ?? availableParallelism()
}

/** The process-wide pool of a size (default from the `maxWorkers` setting); one pool per size. */
export function sharedWorkerPool(size = configuredWorkers()): WorkerPool {
  let pool = pools.get(size)
  if (!pool) {
    pool = new WorkerPool(size)
    pools.set(size, pool)
  }
  return pool
}

/** Stops every shared pool's workers (they are restarted on demand). */
export async function closeWorkerPools(): Promise<void> {
  const all = [...pools.values()]
  pools.clear()
  await Promise.all(all.map((p) => p.close()))
}
