import type { AddAction, TableMetadata } from './log-entry.js'

/**
 * A log-first record pending in this process, as a read that need not publish it sees it
 * (`LogFirstInserts.pendingFiles`, `Table.pendingView`): its own module, so that the declarations of what names it
 * do not reach the log-first machinery's.
 */
export interface PendingFile {
  readonly add: AddAction
  readonly bytes: Uint8Array
  readonly metadata: TableMetadata
  /** The encoded keys whose rows it adds. */
  readonly keys: readonly string[]
  /** The encoded keys whose stored rows it replaces (an update's). */
  readonly replaces: readonly string[]
}
