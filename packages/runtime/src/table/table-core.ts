import type { WrittenFiles } from './data-file-store.js'
import type { FileSystem } from './file-system.js'
import type {
  AddAction,
  AppTxn,
  LogEntry,
  OperationName,
  ProtocolAction,
  RemoveAction,
  TableMetadata,
  TxnRef,
} from './log-entry.js'
import type { Snapshot, SnapshotContext } from './snapshot.js'
import type { Table } from './table.js'
import type { TableLog } from './table-log.js'
import type { CommitOptions, CommitResult } from './table-options.js'
import type { WritePlan } from './write-plan.js'

/** What one commit attempt changes, planned against a snapshot. */
export interface AttemptPlan {
  readonly add: AddAction[]
  readonly remove: RemoveAction[]
  readonly rowsAdded: number
  readonly rowsRemoved: number
  /** New metadata committed with the files (a migration). */
  readonly metadata?: TableMetadata
  /** Recorded in the commit info. */
  readonly details?: readonly string[]
  /** Delta `txn` actions committed with the files (a multi-table transaction's publication). */
  readonly appTxns?: readonly AppTxn[]
  /** A protocol replacing the table's as planned (DROP FEATURE: the one commit that may lower it). */
  readonly protocol?: ProtocolAction
}

/** Plans one commit attempt against the newest snapshot; files it writes go to `files` (discarded if it loses). */
export type PlanAttempt = (snap: Snapshot, attempt: number, files: WrittenFiles) => Promise<AttemptPlan>

/** @internal A write validated and with its new rows on disk, waiting to be committed. */
export interface PreparedWrite {
  readonly table: Table
  readonly operation: OperationName
  readonly start: Snapshot
  /** Data files of the new rows (discard them if the write is given up). */
  readonly written: WrittenFiles
  readonly options: CommitOptions
  readonly plan: WritePlan
  readonly planAttempt: PlanAttempt
}

/** @internal What the commit loop did: the result, and the entry it created (none when nothing changed). */
export interface CommitOutcome {
  readonly result: CommitResult
  readonly entry?: LogEntry
  /** The snapshot the entry applies to. */
  readonly base?: Snapshot
  /** Files rewritten for the winning attempt (copy-on-write). */
  readonly files?: WrittenFiles
}

/** @internal One commit for the commit loop (see table-commit.ts). */
export interface CommitRequest {
  readonly operation: OperationName
  /** The snapshot the write was validated against. */
  readonly start: Snapshot
  /** Files written before the loop; discarded when the commit fails. */
  readonly written: WrittenFiles
  readonly options: CommitOptions
  readonly planAttempt: PlanAttempt
  /** The write's plan (its keys are checked against `options.readVersion`). */
  readonly plan?: WritePlan
  /** The multi-table transaction whose reservation this commit is. */
  readonly txn?: TxnRef
  /** The multi-table transaction this commit publishes (it is not rolled forward by the commit itself). */
  readonly publishing?: string
}

/**
 * @internal The parts of a `Table` its concern modules (commit loop, maintenance, migrations, publication) work with; a
 * `Table` hands them one of these instead of widening its own API.
 */
export interface TableCore {
  readonly name: string
  readonly path: string
  readonly fs: FileSystem
  /** The log of the table at the path now (replaced when the folder was re-created). */
  readonly log: TableLog
  /** The newest version seen. */
  readonly current: Snapshot
  readonly maxRetries: number
  readonly maxRowsPerFile: number
  context(metadata: TableMetadata): SnapshotContext
  snapshot(): Promise<Snapshot>
  freshSnapshot(): Promise<Snapshot>
  settledSnapshot(except?: string): Promise<Snapshot>
  adopt(outcome: CommitOutcome): Promise<void>
  commit(request: CommitRequest): Promise<CommitOutcome>
}
