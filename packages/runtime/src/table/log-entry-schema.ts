import { deletionVectorShape, partitionValuesShape } from '../delta/delta-log-codec.js'
import { FILE_CHECKSUM } from './file-checksum.js'
import type { ColumnStats } from './file-stats.js'
import type { OperationName, TableMetadata, TxnRef } from './log-entry.js'
import {
  array,
  boolean,
  type Check,
  count,
  describeIssue,
  either,
  integer,
  lazy,
  nonEmpty,
  number,
  object,
  oneOf,
  optional,
  record,
  refine,
  string,
} from './shape-check.js'
import { pathProblem } from './table-path.js'
import type { CheckpointData } from './table-state.js'
import type { Tombstone } from './table-tombstones.js'

/**
 * The one validator of pf's own parts of a table's log (the metadata under `pf.*` configuration keys, pf's fields
 * of `commitInfo`) and of pf's checkpoint cache: shapes, counts and paths. The Delta actions themselves are
 * validated by delta/delta-log-codec.ts. A value read from disk is used only after it passed; unknown keys are
 * allowed (newer writers may add some).
 */

/** A path below the table folder (see `pathProblem`). */
const tablePath = refine(string, (path: string) => pathProblem(path))

const fieldType: Check = lazy(() =>
  either(
    object({ kind: oneOf(['scalar']), name: nonEmpty }),
    object({ kind: oneOf(['enum']), name: nonEmpty }),
    object({ kind: oneOf(['list']), element: fieldType }),
  ),
)

const field = object({
  name: nonEmpty,
  id: integer,
  column: nonEmpty,
  type: fieldType,
  optional: boolean,
  isId: boolean,
  unique: boolean,
  index: boolean,
  default: optional(object({ kind: string })),
})

const format = oneOf(['parquet', 'avro'])
const names = array(nonEmpty)

const entity = object({
  name: nonEmpty,
  storage: string,
  format,
  primaryKey: names,
  partitionBy: names,
  fields: refine(array(field), (fields: unknown[]) => (fields.length === 0 ? 'no fields' : undefined)),
  relations: array(object({ name: nonEmpty, target: nonEmpty })),
  indexes: array(names),
  uniques: array(names),
})

const metadata = object({
  id: nonEmpty,
  entity,
  enums: array(object({ name: nonEmpty, values: array(string) })),
  format,
  primaryKey: refine(names, (keys: unknown[]) => (keys.length === 0 ? 'no primary key' : undefined)),
  partitionBy: names,
  updateMode: oneOf(['merge-on-read', 'copy-on-write']),
  checkpointInterval: count,
  autoCompactFiles: optional(count),
  smallFileRows: optional(count),
  createdTime: number,
  physicalColumns: optional(record(nonEmpty)),
  retiredColumns: optional(names),
  fillValues: optional(record(either(string, number, boolean))),
  columnMapping: optional(
    object({ maxColumnId: count, columns: record(object({ id: count, physicalName: nonEmpty })) }),
  ),
  textStoredFields: optional(names),
  narrowStoredFields: optional(record(oneOf(['integer', 'short', 'byte', 'float']))),
  nullableStoredFields: optional(names),
  nullElementsStoredFields: optional(names),
  deltaConfiguration: optional(record(string)),
  identityHighWaterMarks: optional(
    record(
      refine(string, (v: string) =>
        /^-?\d+$/.test(v) ? undefined : `expected integer digits, got ${JSON.stringify(v)}`,
      ),
    ),
  ),
})

const statValue = either(string, number)
const columnStats = record(object({ nullCount: count, min: optional(statValue), max: optional(statValue) }))
const fileStats = object({ numRows: count, columns: columnStats })
/** Statistics as a checkpoint stores them: the per-column part as JSON text, validated when parsed. */
const checkpointStats = object({ numRows: count, columnsJson: string })

/** A data file's checksum: `crc32:` and 8 lower-case hex digits (see `file-checksum.ts`). */
const checksum = refine(string, (v: string) =>
  FILE_CHECKSUM.test(v) ? undefined : `expected "crc32:" and 8 hex digits, got ${JSON.stringify(v)}`,
)

const addFields = {
  path: tablePath,
  size: count,
  partitionValues: partitionValuesShape,
  checksum: optional(checksum),
  modificationTime: optional(integer),
  deletionVector: optional(deletionVectorShape),
}

const operation = oneOf([
  'CREATE',
  'APPEND',
  'INSERT',
  'UPSERT',
  'DELETE',
  'OVERWRITE',
  'TRANSACTION',
  'COMPACT',
  'SET_SCHEMA',
  'SET_FORMAT',
  'ADOPT',
  'DROP_FEATURE',
])

const protocol = object({
  minReaderVersion: count,
  minWriterVersion: count,
  readerFeatures: optional(array(string)),
  writerFeatures: optional(array(string)),
})

const txn = object({
  id: refine(string, (id: string) =>
    /^[A-Za-z0-9_-]+$/.test(id) ? undefined : 'expected letters, digits, "-" or "_"',
  ),
  decision: string,
  deadline: number,
  tables: array(string),
})

/** pf's fields of a `commitInfo` (other writers' commits have none of them). */
const pfCommitFields = object({
  tableFiles: optional(count),
  tableRows: optional(count),
  pf: optional(
    object({
      operation,
      rowsAdded: count,
      rowsRemoved: count,
      details: optional(array(string)),
      txn: optional(txn),
      // A reservation's planned actions as Delta actions (each one validated by the Delta codec when decoded).
      reserved: optional(object({ rowsAdded: count, rowsRemoved: count, actions: array(object({})) })),
    }),
  ),
})

const checkpoint = object({
  version: count,
  timestamp: number,
  protocol,
  metadata,
  files: array(
    object({
      add: object({ ...addFields, stats: either(checkpointStats, fileStats) }),
      version: count,
      deleted: array(string),
      deletedRows: count,
    }),
  ),
})

/** A checkpoint's tombstones, in their own file (tombstone-sidecar.ts): the table and version they belong to. */
const tombstoneFile = object({
  version: count,
  tableId: nonEmpty,
  tombstones: array(
    object({
      path: tablePath,
      deletionTimestamp: integer,
      deletionVector: optional(deletionVectorShape),
      size: optional(count),
      partitionValues: optional(partitionValuesShape),
    }),
  ),
})

/** The outcome of a validation: the value, or why it is refused. */
export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: string }

function run<T>(check: Check, raw: unknown, root: string): Checked<T> {
  const found = check(raw)
  return found ? { ok: false, problem: describeIssue(found, root) } : { ok: true, value: raw as T }
}

/** Validates pf's metadata assembled from a `metaData` action's `pf.*` configuration keys. */
export function checkMetadata(raw: unknown): Checked<TableMetadata> {
  return run<TableMetadata>(metadata, raw, 'metadata')
}

/** pf's fields of a commitInfo, checked. */
export interface PfCommitFields {
  readonly tableFiles?: number
  readonly tableRows?: number
  readonly pf?: {
    readonly operation: OperationName
    readonly rowsAdded: number
    readonly rowsRemoved: number
    readonly details?: readonly string[]
    readonly txn?: TxnRef
    readonly reserved?: {
      readonly rowsAdded: number
      readonly rowsRemoved: number
      readonly actions: readonly Record<string, unknown>[]
    }
  }
}

/** Validates pf's fields of a `commitInfo` action (absent ones are fine: commits of other writers). */
export function checkPfCommitFields(raw: unknown): Checked<PfCommitFields> {
  return run<PfCommitFields>(pfCommitFields, raw, 'commitInfo')
}

/** Validates a parsed checkpoint of `version`. */
export function checkCheckpoint(raw: unknown, version: number): Checked<CheckpointData> {
  const checked = run<CheckpointData>(checkpoint, raw, 'checkpoint')
  if (checked.ok && checked.value.version !== version)
    return { ok: false, problem: `the checkpoint says version ${checked.value.version}` }
  return checked
}

/** Validates a parsed tombstone file of a checkpoint of `version` of the table `tableId`. */
export function checkTombstoneFile(
  raw: unknown,
  version: number,
  tableId: string,
): Checked<readonly Tombstone[]> {
  const checked = run<{ version: number; tableId: string; tombstones: Tombstone[] }>(
    tombstoneFile,
    raw,
    'tombstones',
  )
  if (!checked.ok) return checked
  const { value } = checked
  if (value.version !== version) return { ok: false, problem: `the file says version ${value.version}` }
  if (value.tableId !== tableId) return { ok: false, problem: `the file is of table id ${value.tableId}` }
  return { ok: true, value: value.tombstones }
}

/** Validates per-column statistics parsed from a checkpoint's `columnsJson`. */
export function checkColumnStats(raw: unknown): Checked<Readonly<Record<string, ColumnStats>>> {
  return run(columnStats, raw, 'statistics')
}
