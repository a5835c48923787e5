import type { DataFileStore } from './data-file-store.js'
import { physicalFile } from './key-index-file-build.js'
import {
  type ByteSource,
  type DecodedRow,
  decodeParquetRow,
  type RowColumn,
  type RowValue,
} from './parquet-row-decoder.js'
import { decodedPointRow, type PointRow } from './point-row.js'
import type { LiveFile } from './table-state.js'

/**
 * The rows of a small Parquet data file decoded in JS from its checked bytes, without polars: how a key is found in
 * the files single creates, saves and group commits make (too few rows for a key index, key-index-file-build.ts).
 * Through polars, a lookup there (a scan with an equality filter, then the file read again for the row's position)
 * cost an update of a row created a moment before ~9 ms, most of it collecting polars objects; decoded here it is
 * one read of a file of a few KB. The bytes are checked against the log's checksum first, as any read's.
 */

/** Files of at most this many rows are decoded here (each row's key decoded on its own: cheap only while few). */
export const SMALL_FILE_JS_ROWS = 32
/** Small files whose decoded keys (and rows, once read) are held, most recently used kept. */
const HELD_FILES = 2048

export interface SmallFileRows {
  /** Each row's encoded key (the caller's `encode`) and its physical position. */
  readonly positions: ReadonlyMap<string, number>
  /** Physical row `position` in the table's schema (every column is one the decoder follows). */
  row(position: number): Promise<PointRow | undefined>
}

/** True when `smallFileRows` may serve the file (it may still find a column it does not follow). */
export function smallFileEligible(store: DataFileStore, file: LiveFile): boolean {
  return (
    store.format.name === 'parquet' &&
    file.add.stats.numRows <= SMALL_FILE_JS_ROWS &&
    file.add.checksum !== undefined
  )
}

const held = new Map<string, Promise<SmallFileRows | undefined>>()

/**
 * `smallFileRows`, held by `cacheKey` (the caller's name for the file's identity: table, schema, path, size and
 * checksum; data files are immutable). A failed read is not held.
 */
export function heldSmallFileRows(
  cacheKey: string,
  store: DataFileStore,
  file: LiveFile,
  keyColumns: readonly string[],
  encode: KeyEncoder,
): Promise<SmallFileRows | undefined> {
  const hit = held.get(cacheKey)
  if (hit) {
    held.delete(cacheKey)
    held.set(cacheKey, hit)
    return hit
  }
  const loading = smallFileRows(store, file, keyColumns, encode)
  held.set(cacheKey, loading)
  loading.catch(() => held.delete(cacheKey))
  if (held.size > HELD_FILES) held.delete(held.keys().next().value as string)
  return loading
}

/** A row's exact key values (bigint for 64-bit integers) encoded, or undefined when they have no exact encoding. */
export type KeyEncoder = (values: readonly RowValue[]) => string | undefined

/**
 * A small Parquet file's rows (see above), deletion vector ignored (positions are physical); undefined when the
 * file is not one (another format, more rows, no checksum to check its bytes against, a column the JS decoder does
 * not follow, a key `encode` cannot encode exactly): the caller reads it through polars. Damaged or missing bytes
 * are the store's typed errors.
 */
export async function smallFileRows(
  store: DataFileStore,
  file: LiveFile,
  keyColumns: readonly string[],
  encode: KeyEncoder,
): Promise<SmallFileRows | undefined> {
  if (!smallFileEligible(store, file)) return undefined
  const bytes = await store.verify(physicalFile(file), true)
  if (!bytes) return undefined
  return smallRowsOfBytes(store, bytes, file.add.stats.numRows, keyColumns, encode)
}

/**
 * For a secondary index of a small Parquet file (secondary-indexes.ts): each physical row's primary key
 * (`encodeKey`) and its group value (`encodeGroup` of the group columns' exact values; null when a part is null),
 * decoded in JS from the file's checked bytes, as `smallFileRows` does. Undefined when the file is not one the
 * decoder follows or a value has no exact encoding: the caller reads it through polars.
 */
export async function smallFileIndexEntries(
  store: DataFileStore,
  file: LiveFile,
  keyColumns: readonly string[],
  encodeKey: KeyEncoder,
  groupColumns: readonly string[],
  encodeGroup: KeyEncoder,
): Promise<{ keys: string[]; values: (string | null)[] } | undefined> {
  if (!smallFileEligible(store, file)) return undefined
  if (!rowColumns(store, [...keyColumns, ...groupColumns])) return undefined
  const bytes = await store.verify(physicalFile(file), true)
  if (!bytes) return undefined
  const rows = file.add.stats.numRows
  return smallBytesIndexEntries(store, bytes, rows, keyColumns, encodeKey, groupColumns, encodeGroup)
}

/** `smallFileIndexEntries` of a small Parquet file's bytes (`rows` rows), checked already or not in a file yet. */
export async function smallBytesIndexEntries(
  store: DataFileStore,
  bytes: Uint8Array,
  rows: number,
  keyColumns: readonly string[],
  encodeKey: KeyEncoder,
  groupColumns: readonly string[],
  encodeGroup: KeyEncoder,
): Promise<{ keys: string[]; values: (string | null)[] } | undefined> {
  if (store.format.name !== 'parquet' || rows > SMALL_FILE_JS_ROWS) return undefined
  const columns = rowColumns(store, [...keyColumns, ...groupColumns])
  if (!columns) return undefined
  const source = bytesSource(bytes)
  const keys: string[] = []
  const values: (string | null)[] = []
  for (let p = 0; p < rows; p++) {
    const decoded = await decodeParquetRow(source, p, columns)
    if (!decoded) return undefined
    const keyParts = decoded.values.slice(0, keyColumns.length)
    const groupParts = decoded.values.slice(keyColumns.length)
    const key = keyParts.includes(null) ? undefined : encodeKey(keyParts)
    const value = groupParts.includes(null) ? null : encodeGroup(groupParts)
    if (key === undefined || value === undefined) return undefined
    keys.push(key)
    values.push(value)
  }
  return { keys, values }
}

/** The decoder's columns for table columns (stored names and field types); undefined for a column of no field. */
function rowColumns(store: DataFileStore, columns: readonly string[]): RowColumn[] | undefined {
  const fields = store.metadata.entity.fields
  const out: RowColumn[] = []
  for (const column of columns) {
    const field = fields.find((f) => f.column === column)
    if (!field) return undefined
    out.push({ name: store.mapping.stored(column), type: field.type })
  }
  return out
}

/** A file's bytes in memory as the decoder reads them. */
function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (start, end) => {
      if (start < 0 || end > bytes.length || start > end)
        throw new RangeError(`bytes ${start}-${end} outside the file`)
      return bytes.subarray(start, end)
    },
  }
}

/**
 * The rows of a small Parquet file's bytes (`rows` of them) as `smallFileRows` gives them, for bytes checked already
 * or not yet in a file (a pending log-first record's, log-first-inserts.ts). Undefined for bytes that are not a small
 * Parquet file's, a column the decoder does not follow or a key `encode` cannot encode exactly.
 */
export async function smallRowsOfBytes(
  store: DataFileStore,
  bytes: Uint8Array,
  rows: number,
  keyColumns: readonly string[],
  encode: KeyEncoder,
): Promise<SmallFileRows | undefined> {
  if (store.format.name !== 'parquet' || rows > SMALL_FILE_JS_ROWS) return undefined
  const fields = store.metadata.entity.fields
  const keyDecoded = rowColumns(store, keyColumns)
  if (!keyDecoded) return undefined
  const source = bytesSource(bytes)
  const positions = new Map<string, number>()
  for (let p = 0; p < rows; p++) {
    const decoded = await decodeParquetRow(source, p, keyDecoded)
    // A null key part cannot be stored; an encoding that is not exact leaves the file to polars.
    const key = decoded && !decoded.values.includes(null) ? encode(decoded.values) : undefined
    if (key === undefined) return undefined
    positions.set(key, p)
  }
  const all = rowColumns(
    store,
    fields.map((f) => f.column),
  ) as RowColumn[]
  const decodedRows = new Map<number, Promise<DecodedRow | undefined>>()
  // Every column followed, or none of the file is read here (its finds would read each row through polars).
  const first = decodeParquetRow(source, 0, all)
  if (rows > 0 && !(await first)) return undefined
  decodedRows.set(0, first)
  return {
    positions,
    row: async (position) => {
      let decoding = decodedRows.get(position)
      if (!decoding) {
        decoding = decodeParquetRow(source, position, all)
        decodedRows.set(position, decoding)
      }
      const decoded = await decoding
      return (
        decoded &&
        decodedPointRow(
          fields.map((f) => f.column),
          decoded,
        )
      )
    },
  }
}
