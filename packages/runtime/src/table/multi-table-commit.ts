import { randomUUID } from 'node:crypto'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { ParquetFrameError } from '../errors/pf-error.js'
import type { TxnRef } from './log-entry.js'
import {
  type CommitOptions,
  type CommitOutcome,
  type CommitResult,
  type PreparedWrite,
  type Table,
  TableTransaction,
} from './table.js'
import { ConflictError, TableWriteError, TxnUnpublishedError } from './table-errors.js'
import { decisionProblem, TxnDecisions } from './txn-decisions.js'

/** The operations of one table in a multi-table commit. */
export interface TableWrite {
  readonly table: Table
  /** Adds the table's operations (as in `Table.transaction`). */
  readonly build: (tx: TableTransaction) => void | Promise<void>
  readonly options?: CommitOptions
}

/** Options of `commitTables`. */
export interface CommitTablesOptions {
  /**
   * Folder of the transaction's decision file. Default: `_pf_txn` in the deepest folder holding every table
   * (for an entity store: `<base>/_pf_txn`). Every process writing these tables must see the same folder. It must
   * be named `_pf_txn` and sit in a folder holding every table (readers refuse decision files elsewhere).
   */
  readonly decisionDir?: string
  /**
   * Milliseconds the transaction's log entries may stay undecided before another writer of one of its tables
   * may abort it (a crashed coordinator must not block the tables). Default 30,000.
   */
  readonly timeoutMs?: number
}

/** The deepest folder holding every path. */
function commonFolder(paths: readonly string[]): string {
  const parts = paths.map((p) => dirname(p).split(sep))
  const first = parts[0] ?? []
  let n = 0
  while (n < first.length && parts.every((p) => p[n] === first[n])) n++
  return first.slice(0, n).join(sep) || sep
}

function posix(path: string): string {
  return path.split(sep).join('/')
}

/**
 * One atomic commit across several tables: after it returns, every table has its changes; if it throws, none
 * has (except TxnUnpublishedError: committed, published by the next pf read or write). Three steps:
 * 1. Reserve: each table (in path order) gets a version that changes nothing for any reader — a Delta
 *    `commitInfo` holding the transaction and the table's planned actions, planned and rebased as a normal commit.
 *    While undecided, pf readers stop before it and pf writers wait for it (and abort it after `timeoutMs`).
 * 2. Decide: the decision file (created once; first of commit and abort wins) is the commit point.
 * 3. Publish: each table's planned actions are committed as its next version with the Delta `txn` action
 *    `pf-txn-<id>` (txn-publish.ts). After a crash, pf readers and writers publish a committed reservation
 *    before they answer; the `txn` action makes publication happen once.
 * A reader that knows nothing of pf never sees an aborted or undecided transaction; it may see the tables
 * published one after another (see docs/tables.md, "Commits across tables").
 *
 * Guarantees: atomicity and durability across the tables; each table stays serializable. Not guaranteed: a
 * reader that reads the tables one after another may see one before and another after the commit (there is no
 * snapshot across tables).
 */
export async function commitTables(
  writes: readonly TableWrite[],
  options: CommitTablesOptions = {},
): Promise<CommitResult[]> {
  const order = writes
    .map((write, index) => ({ write, index, path: resolve(write.table.path) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  for (let i = 1; i < order.length; i++) {
    if (order[i]?.path === order[i - 1]?.path) {
      throw new ParquetFrameError(
        'PF_TABLE_TXN',
        `Table ${order[i]?.write.table.name} (${order[i]?.path}) appears twice in one transaction: put its operations in one write`,
      )
    }
  }
  const first = order[0]
  if (!first) return []
  // Tables are prepared and committed in path order, so two transactions never wait for each other in a cycle.
  const prepared: PreparedWrite[] = []
  const discardAll = async (outcomes: readonly CommitOutcome[] = []): Promise<void> => {
    await Promise.all([
      ...prepared.map((p) => p.written.discard()),
      ...outcomes.map((o) => o.files?.discard()),
    ])
  }
  try {
    for (const { write } of order) {
      const tx = new TableTransaction()
      await write.build(tx)
      prepared.push(await write.table.prepare('TRANSACTION', tx.operations, write.options))
    }
  } catch (error) {
    await discardAll()
    throw error
  }
  const results: CommitResult[] = new Array(writes.length)
  if (prepared.length === 1) {
    const only = prepared[0] as PreparedWrite
    results[first.index] = (await only.table.commitPrepared(only)).result
    only.table.maintain()
    return results
  }

  const fs = first.write.table.fs
  const names = order.map((o) => o.write.table.name).join(', ')
  const decisions = new TxnDecisions(fs, names)
  const dir = resolve(options.decisionDir ?? join(commonFolder(order.map((o) => o.path)), '_pf_txn'))
  const id = randomUUID()
  const decisionFile = join(dir, `${id}.json`)
  const tables = order.map((o) => posix(relative(dir, o.path)))
  const outcomes: CommitOutcome[] = []
  let version = 0
  // Readers accept only a decision folder `_pf_txn` in a table's folder or an ancestor: refuse others up front.
  const decisionOf = (table: Table): string => posix(relative(resolve(table.path), decisionFile))
  for (const p of prepared) {
    const problem = decisionProblem({ id, decision: decisionOf(p.table) })
    if (problem !== undefined) {
      await discardAll()
      throw new ParquetFrameError(
        'PF_TABLE_TXN',
        `Table ${p.table.name} (${p.table.path}) cannot take part in a transaction deciding in ${dir}: ${problem}`,
      )
    }
  }
  try {
    await fs.mkdir(dir)
    const deadline = Date.now() + (options.timeoutMs ?? 30_000)
    for (const p of prepared) {
      const ref: TxnRef = { id, decision: decisionOf(p.table), deadline, tables }
      // The reservation: a version that changes nothing until the transaction is decided and published.
      const outcome = await p.table.commitPrepared(p, ref)
      outcomes.push(outcome)
      version = outcome.result.version
    }
  } catch (error) {
    // Entries already written become void; if the abort itself cannot be written, the deadline voids them.
    await decisions.decide(decisionFile, id, 'abort', version).catch(() => undefined)
    await discardAll(outcomes)
    throw error
  }
  let decision: 'commit' | 'abort'
  try {
    decision = outcomes.some((o) => o.entry)
      ? await decisions.decide(decisionFile, id, 'commit', version)
      : 'commit'
  } catch (error) {
    // Not known whether the commit landed: deciding abort settles it one way or the other.
    decision = await decisions.decide(decisionFile, id, 'abort', version).catch(() => 'abort' as const)
    if (decision === 'abort') {
      await discardAll(outcomes)
      throw new TableWriteError(names, `deciding transaction ${id}`, { cause: error })
    }
  }
  if (decision === 'abort') {
    await discardAll(outcomes)
    throw new ConflictError(
      names,
      version,
      'transaction-aborted',
      `transaction ${id} stayed undecided past its ${options.timeoutMs ?? 30_000} ms deadline and a concurrent writer aborted it`,
    )
  }
  // Committed: publish each table's reserved actions. A failure here does not undo the commit; pf's next read
  // or write of that table publishes them.
  const unpublished: unknown[] = []
  for (const [i, o] of order.entries()) {
    const outcome = outcomes[i] as CommitOutcome
    if (!outcome.entry) {
      results[o.index] = outcome.result
      continue
    }
    try {
      const published = await o.write.table.publish(id, outcome.entry.version)
      results[o.index] = { ...outcome.result, version: published }
    } catch (error) {
      unpublished.push(error)
    }
  }
  const [failed] = unpublished
  if (failed !== undefined) {
    if (failed instanceof ParquetFrameError) throw failed
    throw new TxnUnpublishedError(names, id, { cause: failed })
  }
  for (const o of order) o.write.table.maintain()
  return results
}
