// Entry point of the partitioned engine's worker threads: runs PartitionTasks, answers with Arrow IPC bytes.
import { parentPort } from 'node:worker_threads'
import type { ParquetFrameError } from '../errors/pf-error.js'
import { PartitionError } from './partition-error.js'
import { type PartitionTask, runPartitionTask } from './partition-task.js'

/** A request from the pool. */
export interface WorkerRequest {
  readonly id: number
  readonly task: PartitionTask
}

/** A worker's answer: the result as IPC bytes, or the error's name, code and message. */
export type WorkerResponse =
  | { readonly id: number; readonly ok: true; readonly ipc: Uint8Array }
  | {
      readonly id: number
      readonly ok: false
      readonly name: string
      readonly code?: string
      readonly message: string
      readonly partition?: string
    }

parentPort?.on('message', async ({ id, task }: WorkerRequest) => {
  let response: WorkerResponse
  try {
    const df = await runPartitionTask(task)
    response = { id, ok: true, ipc: df.writeIPC() }
  } catch (error) {
    const e = error as Partial<ParquetFrameError>
    response = {
      id,
      ok: false,
      name: e.name ?? 'Error',
      message: e.message ?? String(error),
      ...(e.code ? { code: e.code } : {}),
      ...(error instanceof PartitionError ? { partition: error.partition } : {}),
    }
  }
  parentPort?.postMessage(response)
})
