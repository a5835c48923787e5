import { randomUUID } from 'node:crypto'
import { readDeltaTable } from '../engine/delta-dataset.js'
import type { EntityIR, EnumIR } from '../schema/schema-ir.js'
import { planAdoption } from './adoption-plan.js'
import { adoptionRowProblems } from './adoption-row-check.js'
import { type FileSystem, isAlreadyExists } from './file-system.js'
import { foreignMetaDataOf } from './foreign-table-metadata.js'
import type { LogEntry } from './log-entry.js'
import { nodeFileSystem } from './node-file-system.js'
import { openTable, type Table } from './table.js'
import { TableAdoptionError } from './table-adoption-error.js'
import { ConflictError, TableProtocolError, TableWriteError } from './table-errors.js'
import { TableLog } from './table-log.js'
import { writerProblem } from './table-protocol.js'

/** Options of `adoptTable`. */
export interface AdoptTableOptions {
  /** The entity that adopts the table: its fields must fit the table's Delta schema (docs/tables.md). */
  readonly entity: EntityIR
  /** The enums the entity's fields use. Default: none. */
  readonly enums?: readonly EnumIR[]
  /** File-system seam. Default: the real file system. */
  readonly fs?: FileSystem
}

/**
 * Makes a Delta table another writer created (Spark, delta-rs: no `pf.*` configuration) a pf table of `entity`,
 * so that entities read and write it: ONE commit (`SET TBLPROPERTIES`, put-if-absent like every commit) whose
 * `metaData` adds pf's configuration and keeps the table's id, schema, partition columns and every configuration
 * key, with a `protocol` action only when pf's rules need a feature the table lacks (enum CHECK constraints).
 * Refused before anything is written: a protocol feature pf cannot write (TableProtocolError naming it), an
 * entity or stored rows that do not fit (TableAdoptionError listing each), another writer's commit meanwhile
 * (ConflictError `version-taken`), a table pf already writes (TableAdoptionError). Returns the table opened.
 */
export async function adoptTable(path: string, options: AdoptTableOptions): Promise<Table> {
  const fs = options.fs ?? nodeFileSystem
  const { entity } = options
  const enums = options.enums ?? []
  const log = new TableLog(path, fs, path)
  const state = await log.latest()
  const meta = foreignMetaDataOf(state.metadata)
  if (!meta)
    throw new TableAdoptionError(path, [
      `${entity.name}: the table already carries pf's metadata (created or adopted by pf); open it as it is`,
    ])
  const protocolProblem = writerProblem(state.protocol)
  if (protocolProblem !== undefined)
    throw new TableProtocolError(path, `pf cannot adopt it, since pf writes to it then: ${protocolProblem}`)
  const plan = planAdoption(state, meta, entity, enums)
  if (!plan.ok) throw new TableAdoptionError(path, plan.problems)
  // The rows as the planned version holds them, read by the table's Delta schema (independent of pf's entity).
  const rows = await readDeltaTable(path, { version: state.version })
  const rowProblems = adoptionRowProblems(entity, enums, rows)
  if (rowProblems.length > 0) throw new TableAdoptionError(path, rowProblems)
  const version = state.version + 1
  const entry: LogEntry = {
    version,
    commitInfo: {
      timestamp: Date.now(),
      operation: 'ADOPT',
      readVersion: state.version,
      rowsAdded: 0,
      rowsRemoved: 0,
      txnId: randomUUID(),
      details: [
        `adopted by entity ${entity.name} (${plan.metadata.updateMode}; ${rows.height} stored rows checked)`,
      ],
    },
    ...(plan.protocol ? { protocol: plan.protocol } : {}),
    metadata: plan.metadata,
  }
  try {
    // No state to encode against: the commit only adds metadata (and the table's own state is never encoded).
    await log.writeEntry(entry, undefined)
  } catch (error) {
    if (isAlreadyExists(error))
      throw new ConflictError(
        path,
        version,
        'version-taken',
        'another writer committed this version while pf adopted the table; nothing was written, adopt again',
        { cause: error },
      )
    throw new TableWriteError(entity.name, 'adopting the table', { cause: error })
  }
  return openTable(path, { fs })
}
