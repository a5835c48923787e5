import type { DeltaCheckpointAction } from '../delta/checkpoint-parquet.js'
import type { AddAction, TableMetadata } from './log-entry.js'
import type { LiveFile } from './table-state.js'

/** A compaction's merge (compaction-merge.ts) of a table on the real file system: its new files are written durably. */
export interface MergeJob {
  readonly kind: 'merge'
  /** The table's folder. */
  readonly root: string
  /** The table's name, for errors. */
  readonly table: string
  readonly metadata: TableMetadata
  /** Rows per merged file. */
  readonly targetFileRows: number
  /** The files to merge, one group per partition. */
  readonly groups: readonly (readonly LiveFile[])[]
}

/** The Parquet encoding of a Delta checkpoint (`encodeCheckpoint`). */
export interface CheckpointJob {
  readonly kind: 'checkpoint'
  readonly actions: readonly DeltaCheckpointAction[]
  /** The checkpoint's path, for errors. */
  readonly file: string
}

/** Work the maintenance thread runs: CPU-heavy parts of background maintenance, as plain data in and out. */
export type MaintenanceJob = MergeJob | CheckpointJob

/** What a merge wrote: the add actions and the absolute paths of the files (durable once it resolves). */
export interface MergeOutput {
  readonly add: AddAction[]
  readonly paths: string[]
}

/** The output of a job of each kind. */
export type MaintenanceOutput<J extends MaintenanceJob> = J extends MergeJob ? MergeOutput : Uint8Array

/**
 * Runs a job in this thread (the maintenance worker's side). Each kind's code is loaded on its first job: a worker
 * that only encodes checkpoints never loads polars.
 */
export async function runMaintenanceJob(job: MaintenanceJob): Promise<MergeOutput | Uint8Array> {
  if (job.kind === 'checkpoint') {
    const { encodeCheckpoint } = await import('../delta/checkpoint-parquet.js')
    return encodeCheckpoint(job.actions, { file: job.file })
  }
  const { runMergeJob } = await import('./compaction-merge.js')
  return runMergeJob(job)
}
