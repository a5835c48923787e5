import { z } from 'zod'
import type { ColumnStats } from './file-stats.js'
import type { LogEntry } from './log-entry.js'
import { pathProblem } from './table-path.js'
import type { CheckpointData } from './table-state.js'

/**
 * The one validator of what a table's log holds (entries and checkpoints): shapes, counts and paths. A value
 * read from disk is used only after it passed; unknown keys are kept (newer writers may add some).
 */

const count = z.number().int().nonnegative()
const name = z.string().min(1)

/** A path below the table folder (see `pathProblem`). */
const tablePath = z.string().superRefine((path, ctx) => {
  const problem = pathProblem(path)
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem })
})

const fieldType: z.ZodType = z.lazy(() =>
  z.union([
    z.looseObject({ kind: z.literal('scalar'), name }),
    z.looseObject({ kind: z.literal('enum'), name }),
    z.looseObject({ kind: z.literal('list'), element: fieldType }),
  ]),
)

const field = z.looseObject({
  name,
  id: z.number().int(),
  column: name,
  type: fieldType,
  optional: z.boolean(),
  isId: z.boolean(),
  unique: z.boolean(),
  index: z.boolean(),
  default: z.looseObject({ kind: z.string() }).optional(),
})

const entity = z.looseObject({
  name,
  storage: z.string(),
  format: z.enum(['parquet', 'avro']),
  primaryKey: z.array(name),
  partitionBy: z.array(name),
  fields: z.array(field).min(1),
  relations: z.array(z.looseObject({ name, target: name })),
  indexes: z.array(z.array(name)),
  uniques: z.array(z.array(name)),
})

const metadata = z.looseObject({
  id: name,
  entity,
  enums: z.array(z.looseObject({ name, values: z.array(z.string()) })),
  format: z.enum(['parquet', 'avro']),
  primaryKey: z.array(name).min(1),
  partitionBy: z.array(name),
  updateMode: z.enum(['merge-on-read', 'copy-on-write']),
  checkpointInterval: count,
  autoCompactFiles: count.optional(),
  smallFileRows: count.optional(),
  createdTime: z.number(),
  physicalColumns: z.record(z.string(), name).optional(),
  retiredColumns: z.array(name).optional(),
  fillValues: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
})

const statValue = z.union([z.string(), z.number()])
const fileStats = z.looseObject({
  numRows: count,
  columns: z.record(
    z.string(),
    z.looseObject({ nullCount: count, min: statValue.optional(), max: statValue.optional() }),
  ),
})
/** Statistics as a checkpoint stores them: the per-column part as JSON text, validated when parsed. */
const checkpointStats = z.looseObject({ numRows: count, columnsJson: z.string() })

/** A data file's checksum: `crc32:` and 8 lower-case hex digits (see `file-checksum.ts`). */
const checksum = z.string().regex(/^crc32:[0-9a-f]{8}$/, 'expected "crc32:" and 8 hex digits')

const addFields = {
  path: tablePath,
  size: count,
  partitionValues: z.record(z.string(), z.string().nullable()),
  checksum: checksum.optional(),
}
const add = z.looseObject({ ...addFields, stats: fileStats })

const commitInfo = z.looseObject({
  timestamp: z.number(),
  operation: z.enum([
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
  ]),
  readVersion: z.number().int().min(-1),
  rowsAdded: count,
  rowsRemoved: count,
  txnId: z.string(),
  details: z.array(z.string()).optional(),
  tableFiles: count.optional(),
  tableRows: count.optional(),
})

const protocol = z.looseObject({ minReaderVersion: count, minWriterVersion: count })

const txn = z.looseObject({
  id: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, "-" or "_"'),
  decision: z.string(),
  deadline: z.number(),
  tables: z.array(z.string()),
})

const logEntry = z.looseObject({
  version: count,
  commitInfo,
  protocol: protocol.optional(),
  metadata: metadata.optional(),
  remove: z.array(z.looseObject({ path: tablePath, numRows: count })).optional(),
  deletes: z.array(z.looseObject({ path: tablePath, keys: z.array(z.string()), rows: count })).optional(),
  add: z.array(add).optional(),
  txn: txn.optional(),
})

const checkpoint = z.looseObject({
  version: count,
  timestamp: z.number(),
  protocol,
  metadata,
  files: z.array(
    z.looseObject({
      add: z.looseObject({ ...addFields, stats: z.union([checkpointStats, fileStats]) }),
      version: count,
      deleted: z.array(z.string()),
      deletedRows: count,
    }),
  ),
})

/** The first problem zod found, as `where: what` (`add[0].path: expected string, received undefined`). */
function describe(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'not valid'
  let where = ''
  for (const key of issue.path)
    where += typeof key === 'number' ? `[${key}]` : `${where ? '.' : ''}${String(key)}`
  return `${where || 'entry'}: ${issue.message}`
}

/** The outcome of a validation: the value, or why it is refused. */
export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: string }

/** Validates a parsed log entry of `version`. */
export function checkLogEntry(raw: unknown, version: number): Checked<LogEntry> {
  const result = logEntry.safeParse(raw)
  if (!result.success) return { ok: false, problem: describe(result.error) }
  if (result.data.version !== version)
    return { ok: false, problem: `the entry says version ${result.data.version}` }
  return { ok: true, value: result.data as unknown as LogEntry }
}

/** Validates a parsed checkpoint of `version`. */
export function checkCheckpoint(raw: unknown, version: number): Checked<CheckpointData> {
  const result = checkpoint.safeParse(raw)
  if (!result.success) return { ok: false, problem: describe(result.error) }
  if (result.data.version !== version)
    return { ok: false, problem: `the checkpoint says version ${result.data.version}` }
  return { ok: true, value: result.data as unknown as CheckpointData }
}

/** Validates per-column statistics parsed from a checkpoint's `columnsJson`. */
export function checkColumnStats(raw: unknown): Checked<Readonly<Record<string, ColumnStats>>> {
  const result = fileStats.shape.columns.safeParse(raw)
  if (!result.success) return { ok: false, problem: describe(result.error) }
  return { ok: true, value: result.data as Record<string, ColumnStats> }
}
