import { deletionVectorId } from '../delta/delta-actions.js'
import type {
  AddAction,
  AppTxn,
  LogEntry,
  RemoveAction,
  ReservedActions,
  TableMetadata,
  TxnRef,
} from './log-entry.js'
import { ConflictError } from './table-errors.js'
import type { TableState } from './table-state.js'

/**
 * Publication of multi-table transactions. A transaction first reserves a version in each table (a commit that
 * changes nothing for any reader and carries the planned actions), then decides (the decision file), then
 * publishes each table's actions as a normal commit holding the Delta `txn` action `pf-txn-<id>`: a reader that
 * knows nothing of pf sees a transaction's rows only once it committed. Anyone may publish (the coordinator, or a
 * pf reader or writer rolling a crashed coordinator's transaction forward); the `txn` action makes it idempotent.
 */

/** Prefix of the Delta `txn` appId of a publication; the rest is the transaction id. */
export const PUBLISH_APP_PREFIX = 'pf-txn-'

/** A committed transaction's reservation in one table whose actions no version has published yet. */
export interface Reservation {
  /** The transaction id. */
  readonly id: string
  /** The version that reserved them (changes nothing itself). */
  readonly version: number
  readonly ref: TxnRef
  readonly actions: ReservedActions
  /** The metadata the actions were planned under. */
  readonly metadata: TableMetadata
}

/** The Delta `txn` action of a transaction's publication (version: its reservation's version). */
export function publicationTxn(reservation: Reservation): AppTxn {
  return { appId: `${PUBLISH_APP_PREFIX}${reservation.id}`, version: reservation.version }
}

/** The ids of the transactions an entry publishes. */
export function publishedBy(entry: LogEntry): string[] {
  return (entry.appTxns ?? [])
    .filter((t) => t.appId.startsWith(PUBLISH_APP_PREFIX))
    .map((t) => t.appId.slice(PUBLISH_APP_PREFIX.length))
}

/**
 * The unpublished reservations after an entry (replay's bookkeeping): a committed reservation joins them, a
 * publication leaves them. An aborted reservation reaches replay as a void entry and never joins.
 */
export function trackReservations(
  unpublished: ReadonlyMap<string, Reservation> | undefined,
  entry: LogEntry,
  metadata: TableMetadata,
): ReadonlyMap<string, Reservation> | undefined {
  const published = publishedBy(entry)
  if (!entry.reserved && (published.length === 0 || !unpublished?.size)) return unpublished
  const next = new Map(unpublished)
  for (const id of published) next.delete(id)
  if (entry.reserved && entry.txn) {
    next.set(entry.txn.id, {
      id: entry.txn.id,
      version: entry.version,
      ref: entry.txn,
      actions: entry.reserved,
      metadata,
    })
  }
  return next.size > 0 ? next : undefined
}

/** The oldest unpublished reservation of a state (other than transaction `except`), if any. */
export function firstUnpublished(state: TableState, except?: string): Reservation | undefined {
  let first: Reservation | undefined
  for (const r of state.unpublished?.values() ?? []) {
    if (r.id !== except && (!first || r.version < first.version)) first = r
  }
  return first
}

/** What a publication commits onto a state: the reserved actions and the `txn` action. */
export interface PublicationPlan {
  readonly add: AddAction[]
  readonly remove: RemoveAction[]
  readonly rowsAdded: number
  readonly rowsRemoved: number
  readonly appTxns: AppTxn[]
}

/**
 * The publication of a reservation onto a (newer) state, or undefined when the state has published it already.
 * Versions other writers committed since the reservation (pf writers wait for it, a Delta writer such as Spark
 * does not) are rebased over when they leave every logical file the reservation removes live and the schema as
 * it was; otherwise the transaction cannot be published as decided: ConflictError('publish-conflict').
 */
export function publicationPlan(
  state: TableState,
  r: Reservation,
  table: string,
): PublicationPlan | undefined {
  if (!state.unpublished?.has(r.id)) return undefined
  if (state.metadata !== r.metadata) {
    throw new ConflictError(
      table,
      state.version + 1,
      'publish-conflict',
      `transaction ${r.id} (reserved at version ${r.version}) committed, but the schema changed after its reservation`,
    )
  }
  for (const remove of r.actions.remove) {
    const live = state.files.get(remove.path)
    if (!live || deletionVectorId(live.add.deletionVector) !== deletionVectorId(remove.deletionVector)) {
      throw new ConflictError(
        table,
        state.version + 1,
        'publish-conflict',
        `transaction ${r.id} (reserved at version ${r.version}) committed, but another writer removed ${remove.path} before it was published`,
      )
    }
  }
  return {
    add: [...r.actions.add],
    remove: [...r.actions.remove],
    rowsAdded: r.actions.rowsAdded,
    rowsRemoved: r.actions.rowsRemoved,
    appTxns: [publicationTxn(r)],
  }
}
