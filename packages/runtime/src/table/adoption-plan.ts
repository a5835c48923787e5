import type { DeltaMetaData } from '../delta/delta-actions.js'
import { CONSTRAINT_KEY_PREFIX } from '../delta/delta-constraints.js'
import { IDENTITY_START, isIdentityField } from '../delta/delta-identity.js'
import { type DeltaStructField, parseDeltaSchema } from '../delta/delta-schema.js'
import { supportedFeatures } from '../delta/protocol-features.js'
import type { EntityIR, EnumIR, FieldIR } from '../schema/schema-ir.js'
import { otherWritersConfiguration, toDeltaMetaData } from './delta-log-entry.js'
import { foreignTableProblems } from './foreign-table-check.js'
import { withDeltaIdentityMarks } from './identity-columns.js'
import { withShapesOf } from './kept-column-shapes.js'
import type { ProtocolAction, TableMetadata } from './log-entry.js'
import { protocolOf } from './table-protocol.js'
import type { TableState } from './table-state.js'

/**
 * Plans the adoption of a Delta table another writer created: the pf metadata whose `metaData` action keeps the
 * table's id, schema (names, types, nullability, field metadata, order: an Int field keeps an `integer` column, a
 * required field a nullable one), partition columns and every configuration key, or the problems that forbid it. Pure; the protocol's features are checked before (table-adoption.ts) and
 * the stored rows after (adoption-row-check.ts).
 */

/** What adoption writes: pf's metadata, and the protocol when pf's rules need more features than the table lists. */
export type AdoptionPlan =
  | { readonly ok: true; readonly metadata: TableMetadata; readonly protocol: ProtocolAction | undefined }
  | { readonly ok: false; readonly problems: readonly string[] }

/** Column metadata keys pf writes itself (docs/types.md): a comment, column mapping, identity columns. */
const PF_COLUMN_METADATA = /^(comment|delta\.columnMapping\.(id|physicalName)|delta\.identity\..+)$/

/** Delta's checkpoint interval when a table sets none (PROTOCOL.md leaves it to writers; Spark's default). */
const DELTA_DEFAULT_CHECKPOINT_INTERVAL = 10

/** JSON with sorted keys and longs as digits: the comparison of schema parts that must stay as they are. */
function canonical(value: unknown): string {
  if (typeof value === 'bigint') return value.toString()
  if (typeof value !== 'object' || value === null) return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
}

/** Problems of a column's metadata pf would not keep or honour (generated columns, char/varchar lengths, ...). */
function columnMetadataProblems(at: string, field: FieldIR, column: DeltaStructField): string[] {
  const problems: string[] = []
  for (const key of Object.keys(column.metadata))
    if (!PF_COLUMN_METADATA.test(key))
      problems.push(`${at}: column ${column.name} has metadata ${key}, which pf does not honour`)
  const identity = column.metadata[IDENTITY_START] !== undefined
  if (identity && !isIdentityField(field))
    problems.push(
      `${at}: column ${column.name} is an identity column, the field is not @default(autoincrement())`,
    )
  if (!identity && isIdentityField(field))
    problems.push(
      `${at}: the field is @default(autoincrement()), column ${column.name} is not an identity column`,
    )
  return problems
}

/** Problems of configuration keys whose rules pf's writer does not follow. */
function configurationProblems(name: string, configuration: Readonly<Record<string, string>>): string[] {
  const problems: string[] = []
  for (const [key, value] of Object.entries(configuration)) {
    if (key.startsWith(CONSTRAINT_KEY_PREFIX))
      problems.push(`${name}: CHECK constraint ${key} = ${value}, which pf does not evaluate when it writes`)
    else if (key === 'delta.enableChangeDataFeed' && value.toLowerCase() === 'true')
      problems.push(`${name}: ${key} is true; pf writes no change data files`)
    else if (key === 'delta.appendOnly' && value.toLowerCase() === 'true')
      problems.push(`${name}: ${key} is true; pf's entities update and delete rows`)
  }
  return problems
}

/**
 * The entity as pf stores it for this table: its fields in the table's column order (the schema pf writes keeps
 * the order) and each field's doc the column's comment (the comment pf writes is the doc).
 */
function adoptedEntity(entity: EntityIR, columns: readonly DeltaStructField[]): EntityIR {
  const position = new Map(columns.map((c, i) => [c.name, i]))
  const commentOf = new Map(columns.map((c) => [c.name, c.metadata.comment]))
  const fields = [...entity.fields]
    .sort((a, b) => (position.get(a.column) ?? 0) - (position.get(b.column) ?? 0))
    .map(({ doc: _doc, ...field }) => {
      const comment = commentOf.get(field.column)
      return typeof comment === 'string' ? { ...field, doc: comment } : field
    })
  return { ...entity, format: 'parquet', fields }
}

/** Where the `metaData` pf would write differs from the table's: one line per column or key that would change. */
function keptProblems(name: string, before: DeltaMetaData, after: DeltaMetaData): string[] {
  const problems: string[] = []
  const was = parseDeltaSchema(before.schemaString).fields
  const now = parseDeltaSchema(after.schemaString).fields
  was.forEach((column, i) => {
    const next = now[i]
    const at = `${name}: column ${column.name}`
    if (!next || next.name !== column.name) problems.push(`${at} would move or disappear`)
    else if (canonical(next.type) !== canonical(column.type))
      problems.push(`${at} would change from ${canonical(column.type)} to ${canonical(next.type)}`)
    else if (next.nullable !== column.nullable)
      problems.push(`${at} would change nullability to ${next.nullable}`)
    else if (canonical(next.metadata) !== canonical(column.metadata))
      problems.push(
        `${at} would change its metadata from ${canonical(column.metadata)} to ${canonical(next.metadata)}`,
      )
  })
  if (now.length !== was.length) problems.push(`${name}: the schema would have ${now.length} columns`)
  for (const [key, value] of Object.entries(before.configuration ?? {})) {
    const kept = after.configuration?.[key]
    if (kept !== value)
      problems.push(`${name}: configuration ${key} = ${value} would become ${kept ?? '(absent)'}`)
  }
  if (after.id !== before.id || after.partitionColumns.join() !== before.partitionColumns.join())
    problems.push(`${name}: the table id or partition columns would change`)
  return problems
}

/**
 * The adoption of `state` (another writer's table, its `metaData` as written) by `entity`: merge-on-read when the
 * table's protocol has deletion vectors and its configuration does not turn them off, else copy-on-write.
 */
export function planAdoption(
  state: TableState,
  meta: DeltaMetaData,
  entity: EntityIR,
  enums: readonly EnumIR[],
): AdoptionPlan {
  const schema = parseDeltaSchema(meta.schemaString)
  const configuration = meta.configuration ?? {}
  const problems = [...foreignTableProblems(entity, schema, meta.partitionColumns)]
  if (entity.primaryKey.length === 0) problems.push(`${entity.name}: a table needs a primary key`)
  if (entity.format === 'avro')
    problems.push(`${entity.name}: the entity is stored as Avro; other writers' tables hold Parquet files`)
  const columns = new Map(schema.fields.map((c) => [c.name, c]))
  for (const field of entity.fields) {
    const column = columns.get(field.column)
    if (column) problems.push(...columnMetadataProblems(`${entity.name}.${field.name}`, field, column))
  }
  problems.push(...configurationProblems(entity.name, configuration))
  if (problems.length > 0) return { ok: false, problems }

  const columnOf = (name: string): string => entity.fields.find((f) => f.name === name)?.column ?? name
  const deletionVectors =
    supportedFeatures(state.protocol).readers.has('deletionVectors') &&
    configuration['delta.enableDeletionVectors']?.toLowerCase() !== 'false'
  const interval = Number(configuration['delta.checkpointInterval'] ?? DELTA_DEFAULT_CHECKPOINT_INTERVAL)
  const base: TableMetadata = {
    id: meta.id,
    entity: adoptedEntity(entity, schema.fields),
    enums,
    format: 'parquet',
    primaryKey: entity.primaryKey.map(columnOf),
    partitionBy: [...meta.partitionColumns],
    updateMode: deletionVectors ? 'merge-on-read' : 'copy-on-write',
    checkpointInterval:
      Number.isSafeInteger(interval) && interval > 0 ? interval : DELTA_DEFAULT_CHECKPOINT_INTERVAL,
    createdTime: state.metadata.createdTime,
    ...(state.metadata.columnMapping ? { columnMapping: state.metadata.columnMapping } : {}),
  }
  const source = { table: entity.name, file: 'the adopted metaData', version: state.version }
  // Narrow column types and nullable columns of required fields stay as the table has them (kept-column-shapes.ts).
  const marked = withShapesOf(withDeltaIdentityMarks(base, meta.schemaString, source), schema)
  const others = otherWritersConfiguration(configuration, marked)
  const metadata = Object.keys(others).length > 0 ? { ...marked, deltaConfiguration: others } : marked
  const kept = keptProblems(entity.name, meta, toDeltaMetaData(metadata))
  if (kept.length > 0) return { ok: false, problems: kept }
  const protocol = protocolOf(metadata, state.protocol)
  return { ok: true, metadata, protocol: protocol === state.protocol ? undefined : protocol }
}
