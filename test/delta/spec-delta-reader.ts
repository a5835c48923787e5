import { existsSync } from 'node:fs'
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { readDeletionVector } from './spec-deletion-vector.js'
import { type DeltaSnapshot, type FileAction, replayLog } from './spec-delta-log.js'
import {
  type ColumnMappingMode,
  type DeltaField,
  duckTypeOf,
  fieldId,
  parseSchemaString,
  physicalName,
} from './spec-delta-schema.js'
import { statsProblems } from './spec-file-stats.js'
import { type NormalValue, normalise } from './spec-normal-form.js'
import { SpecOracleError } from './spec-oracle-error.js'
import { tablePath } from './spec-table-path.js'

/**
 * The reader features this oracle implements (PROTOCOL.md "Valid Feature Names in Table Features").
 * vacuumProtocolCheck asks nothing of readers; typeWidening is read by casting to the table's type.
 */
export const SUPPORTED_READER_FEATURES: ReadonlySet<string> = new Set([
  'columnMapping',
  'deletionVectors',
  'timestampNtz',
  'v2Checkpoint',
  'vacuumProtocolCheck',
  'typeWidening',
  'typeWidening-preview',
])

/** A row keyed by display (logical) column names, values in normal form. */
export type OracleRow = Record<string, NormalValue>

/** What the oracle read: the reconciled snapshot, the table's schema and its rows. */
export interface OracleRead {
  readonly snapshot: DeltaSnapshot
  readonly fields: readonly DeltaField[]
  readonly mode: ColumnMappingMode
  readonly rows: readonly OracleRow[]
}

const quoteId = (name: string): string => `"${name.replaceAll('"', '""')}"`
const quoteText = (text: string): string => `'${text.replaceAll("'", "''")}'`

/** PROTOCOL.md "Reader Version Requirements" and "Table Features": refuse what this reader does not implement. */
function checkProtocol(root: string, snapshot: DeltaSnapshot): ColumnMappingMode {
  const { minReaderVersion, readerFeatures } = snapshot.protocol
  if (minReaderVersion > 3)
    throw new SpecOracleError(
      'unsupported-reader-version',
      `${root}@${snapshot.version}: minReaderVersion ${minReaderVersion} (this reader implements 1 to 3)`,
    )
  if (minReaderVersion === 3) {
    const unknown = (readerFeatures ?? []).filter((f) => !SUPPORTED_READER_FEATURES.has(f))
    if (unknown.length > 0)
      throw new SpecOracleError(
        'unsupported-reader-feature',
        `${root}@${snapshot.version}: unknown reader feature ${unknown.map((f) => `"${f}"`).join(', ')}`,
      )
  }
  // "Reader Requirements for Column Mapping": reader version 2, or 3 with the columnMapping feature.
  const mapped =
    minReaderVersion === 2 || (minReaderVersion === 3 && (readerFeatures ?? []).includes('columnMapping'))
  if (!mapped) return 'none'
  const mode = snapshot.metaData.configuration?.['delta.columnMapping.mode'] ?? 'none'
  if (mode !== 'none' && mode !== 'name' && mode !== 'id')
    throw new SpecOracleError('unsupported-reader-feature', `${root}: column mapping mode "${mode}"`)
  return mode
}

/** An independent Delta reader that follows only PROTOCOL.md; DuckDB reads the Parquet files. */
export class SpecDeltaReader {
  private constructor(private readonly duck: DuckDBConnection) {}

  /** Opens an in-memory DuckDB in UTC, so timestamps print as instants. */
  static async open(): Promise<SpecDeltaReader> {
    const duck = await (await DuckDBInstance.create(':memory:')).connect()
    await duck.run("SET TimeZone = 'UTC'")
    return new SpecDeltaReader(duck)
  }

  close(): void {
    this.duck.closeSync()
  }

  /** The reconciled log at `version` (default latest), without reading data. */
  snapshot(root: string, version?: number): Promise<DeltaSnapshot> {
    return replayLog(this.duck, root, version)
  }

  /** The table's rows at `version` (default latest). */
  async read(root: string, version?: number): Promise<OracleRead> {
    const snapshot = await replayLog(this.duck, root, version)
    const mode = checkProtocol(root, snapshot)
    if (snapshot.metaData.format.provider !== 'parquet')
      throw new SpecOracleError(
        'unsupported-reader-feature',
        `${root}: data format "${snapshot.metaData.format.provider}"`,
      )
    const fields = parseSchemaString(snapshot.metaData.schemaString)
    const rows: OracleRow[] = []
    for (const file of snapshot.files) rows.push(...(await this.readFile(root, file, fields, snapshot, mode)))
    return { snapshot, fields, mode, rows }
  }

  /** Where the live files' `stats` would mislead an engine that skips files by them (see spec-file-stats.ts). */
  async statsProblems(root: string, version?: number): Promise<string[]> {
    const snapshot = await replayLog(this.duck, root, version)
    const mode = checkProtocol(root, snapshot)
    return statsProblems(this.duck, root, snapshot, parseSchemaString(snapshot.metaData.schemaString), mode)
  }

  /** The live rows of one logical file: its Parquet rows minus its DV positions, partition values added. */
  private async readFile(
    root: string,
    add: FileAction,
    fields: readonly DeltaField[],
    snapshot: DeltaSnapshot,
    mode: ColumnMappingMode,
  ): Promise<OracleRow[]> {
    const path = tablePath(root, add.path)
    if (!existsSync(path))
      throw new SpecOracleError(
        'missing-data-file',
        `${root}@${snapshot.version}: the live file ${add.path} does not exist (${snapshot.commitInfo?.operation ?? '?'})`,
      )
    const source = `read_parquet(${quoteText(path)}, file_row_number = true)`
    const present = await this.topLevelColumns(path)
    const partitions = new Set(snapshot.metaData.partitionColumns)
    const selects = fields.map((field) => {
      const duckType = duckTypeOf(field.type)
      const typed = (expr: string): string => (duckType ? `CAST(${expr} AS ${duckType})` : expr)
      if (partitions.has(field.name)) {
        // "Partition Value Serialization": strings typed per the schema; empty string or null is null.
        const raw = add.partitionValues?.[physicalName(field, mode)]
        return raw === undefined || raw === null || raw === '' ? typed('NULL') : typed(quoteText(raw))
      }
      const column =
        mode === 'id'
          ? present.find((c) => c.fieldId !== undefined && c.fieldId === fieldId(field))?.name
          : present.find((c) => c.name === physicalName(field, mode))?.name
      // "Consistency Between Table Metadata and Data Files": a column missing from a file reads as null.
      return column === undefined ? typed('NULL') : typed(quoteId(column))
    })
    const sql = `select ${[...selects, 'file_row_number'].join(', ')} from ${source}`
    const reader = await this.duck.runAndReadAll(sql)
    const deleted = add.deletionVector?.storageType
      ? new Set(readDeletionVector(root, add.deletionVector))
      : undefined
    const all = reader.getRows()
    const out: OracleRow[] = []
    for (const row of all) {
      const position = Number(row[fields.length])
      if (deleted?.has(position)) continue
      const record: OracleRow = {}
      fields.forEach((field, i) => {
        record[field.name] = normalise(row[i] ?? null, field.type, mode)
      })
      out.push(record)
    }
    if (deleted && out.length + deleted.size !== all.length)
      throw new SpecOracleError(
        'bad-deletion-vector',
        `${path}: DV positions beyond the file's ${all.length} rows`,
      )
    return out
  }

  /** The top-level columns of a Parquet file with their field ids (parquet_schema lists the tree depth-first). */
  private async topLevelColumns(path: string): Promise<{ name: string; fieldId: number | undefined }[]> {
    const reader = await this.duck.runAndReadAll(
      `select name, field_id, num_children from parquet_schema(${quoteText(path)})`,
    )
    const rows = reader.getRows()
    const out: { name: string; fieldId: number | undefined }[] = []
    let i = 1
    const skip = (at: number): number => {
      const children = Number(rows[at]?.[2] ?? 0)
      let next = at + 1
      for (let c = 0; c < children; c++) next = skip(next)
      return next
    }
    const rootChildren = Number(rows[0]?.[2] ?? 0)
    for (let c = 0; c < rootChildren; c++) {
      const row = rows[i]
      if (row === undefined) break
      out.push({ name: String(row[0]), fieldId: row[1] === null ? undefined : Number(row[1]) })
      i = skip(i)
    }
    return out
  }
}
