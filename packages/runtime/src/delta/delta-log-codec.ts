import {
  array,
  boolean,
  type Check,
  count,
  integer,
  maybe,
  nonEmpty,
  nullable,
  number,
  object,
  oneOf,
  record,
  refine,
  string,
} from '../table/shape-check.js'
import { TableCorruptError } from '../table/table-errors.js'
import type { DeltaAction, DeltaCommit } from './delta-actions.js'
import { decodeDeltaPath } from './delta-paths.js'

/**
 * A Delta commit file: newline-delimited JSON, one action per line (PROTOCOL.md "Delta Log Entries"). Parsing
 * validates the actions pf uses; unknown fields and unknown action kinds are ignored, as the spec requires of
 * readers. A line that is not JSON, or a known action of the wrong shape, is TableCorruptError naming file and line.
 */

/** A path URI that decodes to a path inside the table. */
const pathUri = refine(string, (uri: string) => {
  const decoded = decodeDeltaPath(uri)
  return decoded.ok ? undefined : decoded.problem
})
const strings = array(string)
const stringMap = record(string)
/** Partition values of an add or remove: column → value as text, null for a null value. */
export const partitionValuesShape = record(nullable(string))

/** A deletion vector descriptor (PROTOCOL.md "Deletion Vector Descriptor Schema"). */
export const deletionVectorShape = object({
  storageType: oneOf(['u', 'i', 'p']),
  pathOrInlineDv: string,
  offset: maybe(count),
  sizeInBytes: count,
  cardinality: count,
})

const checks: Readonly<Record<string, Check>> = {
  protocol: refine(
    object({
      minReaderVersion: count,
      minWriterVersion: count,
      readerFeatures: maybe(strings),
      writerFeatures: maybe(strings),
    }),
    (p: { minReaderVersion: number; readerFeatures?: unknown }) =>
      p.minReaderVersion >= 3 && p.readerFeatures == null
        ? 'readerVersion 3 needs readerFeatures'
        : undefined,
  ),
  metaData: object({
    id: nonEmpty,
    format: object({ provider: string, options: maybe(stringMap) }),
    schemaString: string,
    partitionColumns: strings,
    createdTime: maybe(number),
    configuration: maybe(stringMap),
  }),
  add: object({
    path: pathUri,
    partitionValues: partitionValuesShape,
    size: count,
    modificationTime: integer,
    dataChange: boolean,
    stats: maybe(string),
    tags: maybe(record(nullable(string))),
    deletionVector: maybe(deletionVectorShape),
  }),
  remove: object({
    path: pathUri,
    deletionTimestamp: maybe(integer),
    dataChange: boolean,
    partitionValues: maybe(partitionValuesShape),
    size: maybe(count),
    deletionVector: maybe(deletionVectorShape),
  }),
  txn: object({ appId: string, version: integer, lastUpdated: maybe(integer) }),
  commitInfo: object({}),
}

/** Where a commit file comes from, for errors. */
export interface CommitSource {
  readonly table: string
  readonly file: string
  readonly version: number
}

/** Parses and validates a commit file's text. */
export function parseDeltaCommit(text: string, source: CommitSource): DeltaCommit {
  const add: DeltaCommit['add'][number][] = []
  const remove: DeltaCommit['remove'][number][] = []
  const txn: DeltaCommit['txn'][number][] = []
  const commit: { -readonly [K in keyof DeltaCommit]: DeltaCommit[K] } = { add, remove, txn }
  const lines = text.split('\n')
  const corrupt = (line: number, detail: string, cause?: unknown): TableCorruptError =>
    new TableCorruptError(
      source.table,
      source.file,
      source.version,
      `line ${line}: ${detail}`,
      cause === undefined ? {} : { cause },
    )
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim()
    if (line === '') continue
    let raw: unknown
    try {
      raw = JSON.parse(line)
    } catch (error) {
      throw corrupt(i + 1, 'not valid JSON (truncated or damaged)', error)
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw corrupt(i + 1, 'not a JSON object')
    for (const [kind, value] of Object.entries(raw)) {
      const check = checks[kind]
      if (!check) continue // an action kind pf does not know: ignored, as the spec says
      const found = check(value)
      if (found) throw corrupt(i + 1, `${kind}${found.path}: ${found.message}`)
      switch (kind) {
        case 'add':
          add.push(value as DeltaCommit['add'][number])
          break
        case 'remove':
          remove.push(value as DeltaCommit['remove'][number])
          break
        case 'txn':
          txn.push(value as DeltaCommit['txn'][number])
          break
        case 'protocol':
        case 'metaData':
        case 'commitInfo':
          if (commit[kind] !== undefined) throw corrupt(i + 1, `a second ${kind} action in one commit`)
          ;(commit as Record<string, unknown>)[kind] = value
          break
      }
    }
  }
  return commit
}

/** A commit's actions as a commit file: commitInfo first, then protocol, metaData, txn, remove, add; one per line. */
export function encodeDeltaCommit(commit: DeltaCommit): string {
  const actions: DeltaAction[] = []
  if (commit.commitInfo) actions.push({ commitInfo: commit.commitInfo })
  if (commit.protocol) actions.push({ protocol: commit.protocol })
  if (commit.metaData) actions.push({ metaData: commit.metaData })
  for (const t of commit.txn) actions.push({ txn: t })
  for (const r of commit.remove) actions.push({ remove: r })
  for (const a of commit.add) actions.push({ add: a })
  return `${actions.map((a) => JSON.stringify(a)).join('\n')}\n`
}

/** What a cached table state is checked against (table-log.ts): version 0's table id, its own version's totals. */
export interface CommitAnchor {
  /** The metaData action's table id, if the commit has one. */
  readonly tableId?: string
  /** The live files and rows pf's commitInfo recorded after the commit (absent: not recorded). */
  readonly tableFiles?: number
  readonly tableRows?: number
}

/**
 * The anchor fields of a commit file's text, read without validating or decoding its actions: an open from pf's
 * state cache checks the cache against version 0's table id and its own version's totals, and decoding version 0
 * (its schema, configuration) for the id alone cost a cold open ~2.5 ms of unoptimized code. Undefined when a line
 * is not a JSON object, an action repeats, or a field is of another shape: the caller then decodes the commit as
 * usual (which names the damage).
 */
export function commitAnchor(text: string): CommitAnchor | undefined {
  let tableId: unknown
  let info: Record<string, unknown> | undefined
  let metaData = false
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    let raw: unknown
    try {
      raw = JSON.parse(line)
    } catch {
      return undefined
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined
    const action = raw as Record<string, unknown>
    if ('commitInfo' in action) {
      const value = action.commitInfo
      if (info || typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
      info = value as Record<string, unknown>
    }
    if ('metaData' in action) {
      const value = action.metaData as { id?: unknown } | null
      if (metaData || typeof value !== 'object' || value === null) return undefined
      metaData = true
      tableId = value.id
    }
  }
  if (metaData && typeof tableId !== 'string') return undefined
  const tableFiles = info?.tableFiles
  const tableRows = info?.tableRows
  if ((tableFiles !== undefined && count(tableFiles)) || (tableRows !== undefined && count(tableRows)))
    return undefined
  return {
    ...(typeof tableId === 'string' ? { tableId } : {}),
    ...(typeof tableFiles === 'number' ? { tableFiles } : {}),
    ...(typeof tableRows === 'number' ? { tableRows } : {}),
  }
}
