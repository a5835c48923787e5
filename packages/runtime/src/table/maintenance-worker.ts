// Entry point of the maintenance thread (maintenance-thread.ts): runs MaintenanceJobs, answers with their output.
import { parentPort } from 'node:worker_threads'
import { type MaintenanceJob, type MergeOutput, runMaintenanceJob } from './maintenance-job.js'

/** Test hooks of a job: `hold` waits for a release message before running it, `crash` ends the thread after it. */
export type JobHook = 'hold' | 'crash'

/** A message to the maintenance thread: a job, or the release of a held one. */
export type ThreadRequest =
  | { readonly id: number; readonly job: MaintenanceJob; readonly hook?: JobHook }
  | { readonly release: number }

/** A message from the maintenance thread: a job held (test hook), done or failed. */
export type ThreadResponse =
  | { readonly id: number; readonly held: true }
  | { readonly id: number; readonly ok: true; readonly output: MergeOutput | Uint8Array }
  | { readonly id: number; readonly ok: false; readonly message: string }

const releases = new Map<number, () => void>()

async function answer(id: number, job: MaintenanceJob, hook: JobHook | undefined): Promise<void> {
  if (hook === 'hold') {
    const released = new Promise<void>((resolve) => releases.set(id, resolve))
    post({ id, held: true })
    await released
  }
  let response: ThreadResponse
  try {
    response = { id, ok: true, output: await runMaintenanceJob(job) }
  } catch (error) {
    response = { id, ok: false, message: error instanceof Error ? error.message : String(error) }
  }
  if (hook === 'crash') process.exit(1)
  post(response)
}

function post(response: ThreadResponse): void {
  parentPort?.postMessage(response)
}

parentPort?.on('message', (request: ThreadRequest) => {
  if ('release' in request) {
    releases.get(request.release)?.()
    releases.delete(request.release)
    return
  }
  void answer(request.id, request.job, request.hook)
})
