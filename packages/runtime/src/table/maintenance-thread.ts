import type { Worker } from 'node:worker_threads'
import { startWorker } from '../engine/worker-pool.js'
import type {
  CheckpointJob,
  MaintenanceJob,
  MaintenanceOutput,
  MergeJob,
  MergeOutput,
} from './maintenance-job.js'
import { MaintenanceThreadError } from './maintenance-thread-error.js'
import type { JobHook, ThreadRequest, ThreadResponse } from './maintenance-worker.js'

/** Deaths of the worker in a row (no job finished between them) after which this process stops starting one. */
const MAX_DEATHS = 3

/** A job held in the worker before it runs (test hook, see `MaintenanceThread.holdNext`). */
export interface HeldJob {
  /** Resolves once the worker holds the job. */
  readonly started: Promise<void>
  /** Lets the job run. */
  release(): void
}

interface Hook {
  readonly kind: JobHook
  id?: number
  released?: boolean
  held?: () => void
}

interface Pending {
  readonly job: string
  readonly resolve: (output: MergeOutput | Uint8Array) => void
  readonly reject: (error: Error) => void
  readonly hook: Hook | undefined
}

/** What a job is, for errors. */
function describeJob(job: MaintenanceJob): string {
  return job.kind === 'merge' ? `the compaction merge of table ${job.table}` : `checkpoint ${job.file}`
}

/**
 * One worker thread per process for the CPU-heavy part of background maintenance (compaction merges, checkpoint
 * encodings), so the polars/Arrow work never blocks this thread's event loop. Started on the first job; referenced
 * only while a job runs (an idle worker never keeps the process alive); restarted after it dies.
 */
export class MaintenanceThread {
  private worker: Worker | undefined
  private readonly pending = new Map<number, Pending>()
  private nextId = 0
  private deaths = 0
  private nextHook: Hook | undefined

  /** Runs a job on the worker; rejects with MaintenanceThreadError when it cannot (the caller runs it itself). */
  run(job: MergeJob): Promise<MergeOutput>
  run(job: CheckpointJob): Promise<Uint8Array>
  run(job: MaintenanceJob): Promise<MergeOutput | Uint8Array> {
    return new Promise((resolve, reject) => {
      const what = describeJob(job)
      if (this.deaths >= MAX_DEATHS) {
        reject(new MaintenanceThreadError(what, `the worker died ${this.deaths} times in a row`))
        return
      }
      let worker: Worker
      try {
        worker = this.started()
      } catch (cause) {
        this.deaths++
        reject(new MaintenanceThreadError(what, 'the worker did not start', { cause }))
        return
      }
      const id = this.nextId++
      const hook = this.nextHook
      this.nextHook = undefined
      if (hook) hook.id = id
      const request: ThreadRequest = hook && !hook.released ? { id, job, hook: hook.kind } : { id, job }
      this.pending.set(id, { job: what, resolve, reject, hook })
      if (this.pending.size === 1) worker.ref()
      try {
        worker.postMessage(request)
      } catch (cause) {
        // A job that cannot be copied to the worker (structured clone) runs in the caller's thread.
        this.finish(id)
        reject(new MaintenanceThreadError(what, 'its data cannot be sent to the worker', { cause }))
      }
    })
  }

  /** `run`, or undefined when the worker cannot run the job: the caller then runs it in its own thread. */
  tryRun(job: MergeJob): Promise<MergeOutput | undefined>
  tryRun(job: CheckpointJob): Promise<Uint8Array | undefined>
  tryRun(job: MaintenanceJob): Promise<MaintenanceOutput<MaintenanceJob> | undefined> {
    const running = job.kind === 'merge' ? this.run(job) : this.run(job)
    return running.catch(() => undefined)
  }

  /** @internal Test hook: the next job waits in the worker until released. */
  holdNext(): HeldJob {
    let held!: () => void
    const started = new Promise<void>((resolve) => {
      held = resolve
    })
    const hook: Hook = { kind: 'hold', held }
    this.nextHook = hook
    return {
      started,
      release: () => {
        hook.released = true
        if (hook.id !== undefined && this.pending.has(hook.id))
          this.worker?.postMessage({ release: hook.id } satisfies ThreadRequest)
      },
    }
  }

  /** @internal Test hook: the worker dies after running the next job, before answering. */
  crashNext(): void {
    this.nextHook = { kind: 'crash' }
  }

  /** Stops the worker (jobs running fail: their callers run them themselves); the next job starts another. */
  async close(): Promise<void> {
    const worker = this.worker
    if (!worker) return
    this.died(worker, 'the maintenance thread was closed')
    this.deaths = 0
    await worker.terminate()
  }

  private started(): Worker {
    if (this.worker) return this.worker
    const worker = startWorker(import.meta.url, 'maintenance-worker')
    worker.unref()
    worker.on('message', (response: ThreadResponse) => this.answered(response))
    worker.on('error', (error) => this.died(worker, `it failed: ${error.message}`))
    worker.on('exit', (code) => this.died(worker, `it exited with code ${code}`))
    this.worker = worker
    return worker
  }

  private answered(response: ThreadResponse): void {
    const job = this.pending.get(response.id)
    if (!job) return
    if ('held' in response) {
      job.hook?.held?.()
      if (job.hook?.released) this.worker?.postMessage({ release: response.id } satisfies ThreadRequest)
      return
    }
    this.finish(response.id)
    if (response.ok) {
      this.deaths = 0
      job.resolve(response.output)
    } else job.reject(new MaintenanceThreadError(job.job, response.message))
  }

  /** The worker is gone: its jobs fail (their callers run them), the next job starts a new one. */
  private died(worker: Worker, detail: string): void {
    if (this.worker !== worker) return
    this.worker = undefined
    this.deaths++
    const jobs = [...this.pending.values()]
    this.pending.clear()
    for (const job of jobs) job.reject(new MaintenanceThreadError(job.job, detail))
  }

  private finish(id: number): void {
    this.pending.delete(id)
    if (this.pending.size === 0) this.worker?.unref()
  }
}

/** The process's maintenance thread. */
export const maintenanceThread = new MaintenanceThread()
