import { existsSync } from 'node:fs'
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { readDeletionVector } from './spec-deletion-vector.js'
import { type DeltaSnapshot, type FileAction, replayLog } from './spec-delta-log.js'
import {
  type ColumnMappingMode,
  type DeltaField,
  type DeltaType,
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
    const present = await this.schemaTree(path)
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
    // Id mode: nested struct fields too are found by field id, whatever the file names them.
    const typesRead = mode === 'id' ? fields.map((field) => byFieldId(field, present)) : fields
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
      typesRead.forEach((field, i) => {
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

  /** The schema of a Parquet file as a tree: the root's children are its columns (parquet_schema lists it depth-first). */
  private async schemaTree(path: string): Promise<readonly ParquetNode[]> {
    const reader = await this.duck.runAndReadAll(
      `select name, field_id, num_children from parquet_schema(${quoteText(path)})`,
    )
    const rows = reader.getRows()
    const node = (at: number): [ParquetNode, number] => {
      const row = rows[at]
      const children: ParquetNode[] = []
      let next = at + 1
      for (let c = 0; c < Number(row?.[2] ?? 0); c++) {
        const [child, after] = node(next)
        children.push(child)
        next = after
      }
      const id = row?.[1]
      return [
        {
          name: String(row?.[0]),
          fieldId: id === null || id === undefined ? undefined : Number(id),
          children,
        },
        next,
      ]
    }
    return node(0)[0].children
  }
}

/** One element of a Parquet schema: its name, field id and children. */
interface ParquetNode {
  readonly name: string
  readonly fieldId: number | undefined
  readonly children: readonly ParquetNode[]
}

/** A name no Parquet column has: a field whose id a file lacks reads as null ("Reader Requirements for Column Mapping"). */
const ABSENT = '\u0000absent'

/**
 * `field` with each nested struct field's physical name replaced by the name of the file's element holding its
 * field id (PROTOCOL.md "Column Mapping", id mode: "readers must resolve columns by field id"), so that reading
 * the file by name reads the columns the ids say.
 */
function byFieldId(field: DeltaField, columns: readonly ParquetNode[]): DeltaField {
  const id = fieldId(field)
  const node = columns.find((c) => c.fieldId !== undefined && c.fieldId === id)
  return {
    ...field,
    type: node === undefined ? field.type : typeByFieldId(field.type, node),
    metadata: { ...field.metadata, 'delta.columnMapping.physicalName': node?.name ?? ABSENT },
  }
}

/** The nested type `type` read from the Parquet element `node` (a LIST's element, a MAP's key and value). */
function typeByFieldId(type: DeltaType, node: ParquetNode): DeltaType {
  if (typeof type === 'string') return type
  if (type.type === 'struct') return { ...type, fields: type.fields.map((f) => byFieldId(f, node.children)) }
  if (type.type === 'array') {
    // Parquet's LIST: a repeated group holding the element, or (older 2-level layouts) the repeated element itself.
    const repeated = node.children[0]
    if (repeated === undefined) return type
    const element =
      repeated.children.length === 1 && repeated.name !== 'array' && repeated.name !== `${node.name}_tuple`
        ? (repeated.children[0] as ParquetNode)
        : repeated
    return { ...type, elementType: typeByFieldId(type.elementType, element) }
  }
  const keyValue = node.children[0]
  const [key, value] = keyValue?.children ?? []
  return {
    ...type,
    keyType: key === undefined ? type.keyType : typeByFieldId(type.keyType, key),
    valueType: value === undefined ? type.valueType : typeByFieldId(type.valueType, value),
  }
}
