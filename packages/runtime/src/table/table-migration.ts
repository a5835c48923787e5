import { join } from 'node:path'
import { ParquetFrameError } from '../errors/pf-error.js'
import type { EntityIR, EnumIR, StorageFormatName } from '../schema/schema-ir.js'
import { ContentChecksum } from './content-checksum.js'
import { DataFileStore, WrittenFiles } from './data-file-store.js'
import { dropAvroFeature } from './drop-feature.js'
import { FileRewriter, type RewrittenFile } from './file-rewriter.js'
import { KeyCodec } from './key-codec.js'
import type { AddAction, OperationName, RemoveAction, TableMetadata } from './log-entry.js'
import type {
  EvolveSchemaOptions,
  EvolveSchemaResult,
  RewriteCheck,
  RewriteOptions,
  RewriteResult,
} from './migration-options.js'
import { planSchemaChanges } from './schema-change-plan.js'
import { evolveMetadata, withFillsMaterialised } from './schema-evolution.js'
import type { Snapshot } from './snapshot.js'
import type { PlanAttempt, TableCore } from './table-core.js'
import { RewriteVerificationError, SchemaChangeRefusedError } from './table-errors.js'
import { removeOf } from './table-state.js'

/**
 * Rewrites every live data file in another format and switches the table to it,
 * as ONE commit (metadata + remove the old files + add the new ones). Files are
 * rewritten one at a time (memory holds one file's rows), each read back and
 * checked (rows and content checksum) before the commit. Until that commit the
 * table reads exactly as before; a crash leaves only orphan files (vacuum removes
 * them). Concurrent writes are taken along (files added meanwhile are rewritten
 * too); a concurrent schema change is a ConflictError. Same format: no commit, but for an Avro table whose
 * Decimal/Bytes fields are stored as text (from before bytes storage): its files are rewritten with Avro bytes.
 * To Parquet, a table declaring `pfAvroDataFiles` then drops it (drop-feature.ts: one more commit, and the log
 * before it moves to `_pf/dropped-history/`, so time travel before it ends); a re-run finishes a stopped drop.
 */
export async function rewriteFormat(
  core: TableCore,
  to: StorageFormatName,
  options: RewriteOptions = {},
  settled: () => Promise<void> = async () => undefined,
): Promise<RewriteResult> {
  const start = await core.snapshot()
  const from = start.metadata.format
  // The same format rewrites only an Avro table's text-stored Decimal/Bytes fields (text-stored-fields.ts) to bytes.
  const text = from === to ? (start.metadata.textStoredFields ?? []) : []
  if (from === to && text.length === 0) {
    // A Parquet table may still declare the Avro feature (a crash or a concurrent Avro write stopped a drop).
    const droppedFeature = to === 'parquet' ? await dropAvroFeature(core, settled) : undefined
    const result = { version: start.version, rowsAdded: 0, rowsRemoved: 0, attempts: 0 }
    return droppedFeature ? { ...result, droppedFeature } : result
  }
  const target: TableMetadata = {
    ...start.metadata,
    format: to,
    entity: { ...start.metadata.entity, format: to },
  }
  const details = text.length > 0 ? [`${text.join(', ')}: text → Avro bytes`] : [`format ${from} → ${to}`]
  const result = await rewriteAll(core, 'SET_FORMAT', start, target, details, options)
  // Other engines refuse pf's Avro reader feature: dropped once no live file is Avro (truncating the history).
  const droppedFeature = to === 'parquet' ? await dropAvroFeature(core, settled) : undefined
  return droppedFeature ? { ...result, droppedFeature } : result
}

/**
 * Changes the table's schema to `entity` (see `planSchemaChanges` for what is
 * allowed) as one SET_SCHEMA commit whose details list the changes. Added fields,
 * drops, renames, optionality, defaults and enum additions change only the
 * metadata: readers fill added fields (default or null) for older files, ignore
 * dropped columns and read renamed ones from their stored column. A widened type
 * (Int→Float, Int→Decimal, Date→DateTime) rewrites the data files in that commit.
 * Throws SchemaChangeRefusedError (nothing changed) if any change is incompatible.
 */
export async function evolveSchema(
  core: TableCore,
  entity: EntityIR,
  enums: readonly EnumIR[],
  options: EvolveSchemaOptions = {},
): Promise<EvolveSchemaResult> {
  const start = await core.snapshot()
  const changes = planSchemaChanges(start.entity, start.metadata.enums, entity, enums, options)
  const refused = changes.filter((c) => c.cost === 'incompatible')
  if (refused.length > 0)
    throw new SchemaChangeRefusedError(
      core.name,
      refused.map((c) => `${c.subject}: ${c.message}`),
    )
  if (changes.length === 0) {
    return { version: start.version, rowsAdded: 0, rowsRemoved: 0, attempts: 0, changes, rewritten: false }
  }
  const target = evolveMetadata(start.metadata, entity, enums, options, new Date())
  new KeyCodec(target.entity, core.name)
  const details = changes.map((c) => `${c.subject}: ${c.message}`)
  // Widenings, and added fields whose default existing rows must read (Delta readers know no fill values).
  if (changes.some((c) => c.cost === 'rewrite')) {
    const result = await rewriteAll(core, 'SET_SCHEMA', start, target, details, options)
    return { ...result, changes, rewritten: (result.check?.filesBefore ?? 0) > 0 }
  }
  const { result } = await core.commit({
    operation: 'SET_SCHEMA',
    start,
    written: new WrittenFiles(core.fs),
    options: {},
    planAttempt: async () => ({
      add: [],
      remove: [],
      rowsAdded: 0,
      rowsRemoved: 0,
      metadata: target,
      details,
    }),
  })
  return { ...result, changes, rewritten: false }
}

/** Rewrites every live file under `target` metadata and commits them with it (see `rewriteFormat`). */
async function rewriteAll(
  core: TableCore,
  operation: OperationName,
  start: Snapshot,
  target: TableMetadata,
  details: readonly string[],
  options: RewriteOptions,
): Promise<RewriteResult> {
  // Old files are read in their format through the target schema; new ones written and read back with it.
  const source = new DataFileStore(
    core.path,
    core.fs,
    core.name,
    { ...target, format: start.metadata.format },
    core.maxRowsPerFile,
  )
  // Every live file is rewritten with every field, so the committed metadata needs no fill value.
  const filled = withFillsMaterialised(target)
  const store = new DataFileStore(core.path, core.fs, core.name, filled, core.maxRowsPerFile)
  const rewriter = new FileRewriter(core.name, source, store)
  // Rewritten files by source path, reused when a lost race makes the commit re-plan.
  const done = new Map<string, RewrittenFile & { deletedRows: number }>()
  const written = new WrittenFiles(core.fs)
  let check: RewriteCheck | undefined
  let committed: readonly AddAction[] = []
  const planAttempt: PlanAttempt = async (snap) => {
    const files = snap.files
    const rowsTotal = snap.numRows
    const progress = { table: core.name, filesDone: 0, filesTotal: files.length, rowsDone: 0, rowsTotal }
    options.onProgress?.(progress)
    const add: AddAction[] = []
    const remove: RemoveAction[] = []
    const before = new ContentChecksum()
    const after = new ContentChecksum()
    for (const [i, file] of files.entries()) {
      if (options.signal?.aborted) {
        throw new ParquetFrameError(
          'PF_ABORTED',
          `Rewrite of table ${core.name} stopped after ${i} of ${files.length} files; nothing was committed`,
        )
      }
      let out = done.get(file.add.path)
      if (!out || out.deletedRows !== file.deletedRows) {
        out = { ...(await rewriter.rewrite(file, written)), deletedRows: file.deletedRows }
        done.set(file.add.path, out)
      }
      add.push(...out.adds)
      remove.push(removeOf(file))
      before.merge(out.before)
      after.merge(out.after)
      progress.filesDone = i + 1
      progress.rowsDone += out.before.rows
      options.onProgress?.({ ...progress })
    }
    if (before.rows !== rowsTotal) {
      throw new RewriteVerificationError(
        core.name,
        core.path,
        `the log counts ${rowsTotal} rows, the files hold ${before.rows}`,
      )
    }
    check = {
      table: core.name,
      before: { rows: before.rows, checksum: before.value },
      after: { rows: after.rows, checksum: after.value },
      filesBefore: files.length,
      filesAfter: add.length,
    }
    await options.verify?.(check)
    committed = add
    return { add, remove, rowsAdded: 0, rowsRemoved: 0, metadata: filled, details }
  }
  const { result } = await core.commit({ operation, start, written, options: {}, planAttempt })
  // Files rewritten for an attempt that lost a race and were not needed again.
  const keep = new Set(committed.map((a) => join(core.path, a.path)))
  await Promise.all(
    written.paths.filter((p) => !keep.has(p)).map((p) => core.fs.unlink(p).catch(() => undefined)),
  )
  return check ? { ...result, check } : result
}
