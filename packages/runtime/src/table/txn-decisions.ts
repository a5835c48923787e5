import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type FileSystem, isAlreadyExists, isNotFound } from './file-system.js'
import type { LogEntry, TxnRef } from './log-entry.js'
import { TableCorruptError } from './table-errors.js'
import { containedPath, pathProblem } from './table-path.js'

/** The outcome of a multi-table transaction. */
export type TxnDecision = 'commit' | 'abort'

/** Contents of a decision file. */
interface DecisionFile {
  readonly txnId: string
  readonly decision: TxnDecision
  readonly timestamp: number
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
/** Decisions never change once written: one cache for the process, by absolute path and transaction id. */
const known = new Map<string, TxnDecision>()
const knownKey = (path: string, txnId: string): string => `${txnId}\u0000${path}`

/**
 * Reads and writes the decision files of multi-table transactions. A decision file is created once, with an
 * exclusive create: the first of `commit` (by the transaction's coordinator) and `abort` (by the coordinator
 * giving up, or by any writer after the transaction's deadline) wins, and every reader sees that one.
 */
export class TxnDecisions {
  constructor(
    readonly fs: FileSystem,
    /** Table name for error messages. */
    readonly table: string,
  ) {}

  /** The decision at an absolute path, or undefined while there is none (`version`: the entry asking, for errors). */
  async read(path: string, txnId: string, version: number): Promise<TxnDecision | undefined> {
    const cached = known.get(knownKey(path, txnId))
    if (cached) return cached
    let bytes: Uint8Array
    try {
      bytes = await this.fs.readFile(path)
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
    let data: DecisionFile
    try {
      data = JSON.parse(decoder.decode(bytes)) as DecisionFile
    } catch (error) {
      throw new TableCorruptError(this.table, path, version, 'transaction decision is not valid JSON', {
        cause: error,
      })
    }
    if (data.txnId !== txnId || (data.decision !== 'commit' && data.decision !== 'abort')) {
      throw new TableCorruptError(this.table, path, version, `not the decision of transaction ${txnId}`)
    }
    known.set(knownKey(path, txnId), data.decision)
    return data.decision
  }

  /** Records a decision unless one exists; returns the decision that holds (ours, or the one found). */
  async decide(path: string, txnId: string, decision: TxnDecision, version: number): Promise<TxnDecision> {
    const data: DecisionFile = { txnId, decision, timestamp: Date.now() }
    try {
      await this.fs.createExclusive(path, JSON.stringify(data)).catch(async (error: unknown) => {
        if (!isNotFound(error)) throw error
        // The folder is made before any entry names it, but may have been removed since.
        await this.fs.mkdir(dirname(path))
        await this.fs.createExclusive(path, JSON.stringify(data))
      })
    } catch (error) {
      if (!isAlreadyExists(error)) {
        // The file may exist although a later step failed: what is on disk decides.
        const landed = await this.read(path, txnId, version).catch(() => undefined)
        if (landed) return landed
        throw error
      }
      const existing = await this.read(path, txnId, version)
      if (!existing) throw error
      return existing
    }
    await this.fs.fsyncDir(dirname(path))
    known.set(knownKey(path, txnId), decision)
    return decision
  }

  /**
   * Waits until the transaction of a pending entry is decided; after its deadline, decides `abort` (a
   * coordinator that crashed or stalled must not block the table forever).
   */
  async settle(root: string, entry: LogEntry & { txn: TxnRef }): Promise<TxnDecision> {
    const ref = entry.txn
    const path = decisionPath(root, ref)
    for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
      const decision = await this.read(path, ref.id, entry.version)
      if (decision) return decision
      if (Date.now() > ref.deadline) return this.decide(path, ref.id, 'abort', entry.version)
      await sleep(wait)
    }
  }

  /** Throws TableCorruptError when an entry's decision path is not one `decisionProblem` accepts. */
  check(entry: LogEntry & { txn: TxnRef }, file: string): void {
    const problem = decisionProblem(entry.txn)
    if (problem !== undefined)
      throw new TableCorruptError(this.table, file, entry.version, `txn.decision: ${problem}`)
  }

  /** How an entry counts: itself, a void stand-in when its transaction aborted, or 'pending' while undecided. */
  async resolve(root: string, entry: LogEntry): Promise<LogEntry | 'pending'> {
    const ref = entry.txn
    if (!ref) return entry
    const decision = await this.read(decisionPath(root, ref), ref.id, entry.version)
    if (decision === undefined) return 'pending'
    return decision === 'commit' ? entry : voidEntry(entry)
  }
}

/** Name of the folder holding decision files, in a table's folder or one of its ancestors. */
export const DECISION_DIR = '_pf_txn'

/**
 * Why a transaction's decision path (relative to a table) is refused, or undefined: it must be
 * `(../)*_pf_txn/<id>.json`, a decision folder in the table's folder or an ancestor (the store's base), so a
 * log entry can never make a writer create or read a file anywhere else.
 */
export function decisionProblem(ref: Pick<TxnRef, 'id' | 'decision'>): string | undefined {
  const problem = pathProblem(ref.decision, { parents: true })
  if (problem !== undefined) return problem
  const rest = ref.decision.split('/').filter((s) => s !== '..')
  if (rest.length !== 2 || rest[0] !== DECISION_DIR || rest[1] !== `${ref.id}.json`)
    return `${JSON.stringify(ref.decision)} is not ${DECISION_DIR}/${ref.id}.json in the table's folder or an ancestor`
  return undefined
}

/** The absolute decision file of an entry's transaction (its path checked by `decisionProblem`). */
export function decisionPath(root: string, ref: TxnRef): string {
  const problem = decisionProblem(ref)
  if (problem !== undefined) throw new Error(problem)
  return containedPath(root, ref.decision, { parents: true })
}

/** What an aborted transaction's entry counts as: a version that changes nothing. */
export function voidEntry(entry: LogEntry): LogEntry {
  // The totals it recorded held only had it committed.
  const { tableFiles: _files, tableRows: _rows, ...info } = entry.commitInfo
  return { version: entry.version, commitInfo: { ...info, rowsAdded: 0, rowsRemoved: 0, aborted: true } }
}
