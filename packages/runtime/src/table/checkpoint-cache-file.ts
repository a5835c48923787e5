import { crc32 } from 'node:zlib'
import type { DeltaDeletionVector } from '../delta/delta-actions.js'
import { checksumOfCrc, crcOfChecksum } from './file-checksum.js'
import type { AppTxn, ProtocolAction, TableMetadata } from './log-entry.js'
import { type CheckpointData, type CheckpointFile, statsInBytes } from './table-state.js'

/**
 * pf's checkpoint cache file (`_pf/checkpoints/<v>.checkpoint.json`): a header line naming the table, the version,
 * the body's length and CRC-32; then the body: one JSON line with the live files in columns (one array per field,
 * not one object per file), then each file's column statistics as a JSON line of its own, kept as bytes until a
 * query parses them (as JSON strings inside JSON they cost more to parse than everything else). The header lets an
 * open trust its own bytes without validating every action (a damaged or stray file fails the check and is a
 * cache miss). A file without a header is a cache written before (validated by log-entry-schema.ts as it was).
 */

/** Names the layout in the header; another value is not read (a cache miss). */
const LAYOUT = 'pf-checkpoint-cache/2'
const NEWLINE = 0x0a
type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const NEWLINE_BYTES = Buffer.from('\n')

/** The header line of a cache file. */
interface CacheHeader {
  readonly layout: string
  readonly version: number
  readonly tableId: string
  /** Bytes of the body (after the header's newline). */
  readonly length: number
  /** zlib CRC-32 of the body, 8 lower-case hex digits. */
  readonly crc32: string
}

/** The fields of a file other than the columns', kept only where a file has them. */
interface FileRest {
  readonly partitionValues?: Readonly<Record<string, string | null>>
  readonly deletionVector?: DeltaDeletionVector
  readonly deleted?: readonly string[]
}

/** The live files in columns (index i of each array is file i). */
interface FileColumns {
  readonly path: readonly string[]
  readonly size: readonly number[]
  readonly numRows: readonly number[]
  /** Bytes of each file's statistics line (the lines after the body's first, newline excluded). */
  readonly statsBytes: readonly number[]
  /** A `crc32:` checksum as the number of its hex digits (numbers parse faster than 10,000 short strings). */
  readonly checksum: readonly (number | string | null)[]
  readonly modificationTime: readonly (number | null)[]
  readonly version: readonly number[]
  readonly deletedRows: readonly number[]
  /** 0 for a file with none of the rest. */
  readonly rest: readonly (FileRest | 0)[]
}

interface CacheBody {
  readonly version: number
  readonly timestamp: number
  readonly protocol: ProtocolAction
  readonly metadata: TableMetadata
  readonly appTxns?: readonly AppTxn[]
  readonly files: FileColumns
}

/** A cache file read: its data (checked by its header), a file of the older layout (unchecked), or why it is refused. */
export type CacheFileRead =
  | { readonly kind: 'checked'; readonly data: CheckpointData }
  | { readonly kind: 'unchecked' }
  | { readonly kind: 'refused'; readonly problem: string }

function crcHex(bytes: Uint8Array): string {
  return crc32(bytes).toString(16).padStart(8, '0')
}

/** A data file's checksum as the cache stores it: `crc32:` checksums as numbers, any other text as it is. */
function checksumValue(checksum: string | undefined): number | string | null {
  if (checksum === undefined) return null
  return crcOfChecksum(checksum) ?? checksum
}

function checksumText(value: number | string): string {
  return typeof value === 'string' ? value : checksumOfCrc(value)
}

function restOf(file: CheckpointFile): FileRest | 0 {
  const { partitionValues, deletionVector } = file.add
  const partitioned = Object.keys(partitionValues).length > 0
  if (!partitioned && !deletionVector && file.deleted.length === 0) return 0
  return {
    ...(partitioned ? { partitionValues } : {}),
    ...(deletionVector ? { deletionVector } : {}),
    ...(file.deleted.length > 0 ? { deleted: file.deleted } : {}),
  }
}

/** The bytes of a cache file of checkpoint data. */
export function encodeCheckpointCache(data: CheckpointData): Uint8Array {
  const stats = data.files.map((f) => {
    const s = f.add.stats
    const json = 'columnsJson' in s ? s.columnsJson : JSON.stringify(s.columns)
    return Buffer.from(json, 'utf8')
  })
  const files: FileColumns = {
    path: data.files.map((f) => f.add.path),
    size: data.files.map((f) => f.add.size),
    numRows: data.files.map((f) => f.add.stats.numRows),
    statsBytes: stats.map((b) => b.byteLength),
    checksum: data.files.map((f) => checksumValue(f.add.checksum)),
    modificationTime: data.files.map((f) => f.add.modificationTime ?? null),
    version: data.files.map((f) => f.version),
    deletedRows: data.files.map((f) => f.deletedRows),
    rest: data.files.map(restOf),
  }
  const body: CacheBody = {
    version: data.version,
    timestamp: data.timestamp,
    protocol: data.protocol,
    metadata: data.metadata,
    ...(data.appTxns?.length ? { appTxns: data.appTxns } : {}),
    files,
  }
  const lines: Uint8Array[] = [Buffer.from(JSON.stringify(body), 'utf8')]
  for (const b of stats) lines.push(NEWLINE_BYTES, b)
  const bodyBytes = Buffer.concat(lines)
  const header: CacheHeader = {
    layout: LAYOUT,
    version: data.version,
    tableId: data.metadata.id,
    length: bodyBytes.byteLength,
    crc32: crcHex(bodyBytes),
  }
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), bodyBytes])
}

/** Shared by every file of an unpartitioned table and every file without deleted keys. */
const NO_PARTITION_VALUES: Readonly<Record<string, string | null>> = Object.freeze({})
const NO_DELETED: string[] = []

/** The files of the columns; `stats`: the body after its JSON line, each file's statistics line in turn. */
function filesOf(columns: FileColumns, stats: Buffer, invalid: (detail: string) => Error): CheckpointFile[] {
  const n = columns.path.length
  const lengths = [
    columns.size,
    columns.numRows,
    columns.statsBytes,
    columns.checksum,
    columns.modificationTime,
    columns.version,
    columns.deletedRows,
    columns.rest,
  ].map((c) => c.length)
  if (lengths.some((l) => l !== n))
    throw new Error(`file columns of unequal lengths: ${n}, ${lengths.join(', ')}`)
  const files = new Array<CheckpointFile>(n)
  let at = 0
  for (let i = 0; i < n; i++) {
    const rest = columns.rest[i] || undefined
    const checksum = columns.checksum[i]
    if (stats[at] !== NEWLINE)
      throw new Error(`the statistics line of file ${i} does not start where expected`)
    const end = at + 1 + (columns.statsBytes[i] as number)
    if (end > stats.byteLength) throw new Error(`the statistics of file ${i} run past the end`)
    // Built without spreads (each one allocates an object): this runs once per live file on every open.
    const add: Mutable<CheckpointFile['add']> = {
      path: columns.path[i] as string,
      size: columns.size[i] as number,
      partitionValues: rest?.partitionValues ?? NO_PARTITION_VALUES,
      stats: statsInBytes(columns.numRows[i] as number, stats, at + 1, end, invalid),
    }
    if (checksum !== null && checksum !== undefined) add.checksum = checksumText(checksum)
    const modificationTime = columns.modificationTime[i]
    if (modificationTime !== null && modificationTime !== undefined) add.modificationTime = modificationTime
    if (rest?.deletionVector) add.deletionVector = rest.deletionVector
    files[i] = {
      add,
      version: columns.version[i] as number,
      deleted: rest?.deleted ? [...rest.deleted] : NO_DELETED,
      deletedRows: columns.deletedRows[i] as number,
    }
    at = end
  }
  if (at !== stats.byteLength)
    throw new Error(`${stats.byteLength - at} bytes follow the last statistics line`)
  return files
}

/**
 * Reads a cache file of `version` (`invalid`: the error for statistics found broken when a query parses them):
 * checked by its header (layout, version, length, CRC-32 of the body, and the
 * body's table id) and then used without validating each action, since pf wrote it; any mismatch is refused.
 */
export function decodeCheckpointCache(
  bytes: Uint8Array,
  version: number,
  invalid: (detail: string) => Error,
): CacheFileRead {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const newline = buffer.indexOf(NEWLINE)
  if (newline < 0) return { kind: 'unchecked' }
  let header: Partial<CacheHeader>
  try {
    header = JSON.parse(buffer.toString('utf8', 0, newline)) as Partial<CacheHeader>
  } catch {
    return { kind: 'refused', problem: 'the header line is not valid JSON (damaged)' }
  }
  if (header.layout !== LAYOUT)
    return { kind: 'refused', problem: `the layout ${String(header.layout)} is unknown` }
  if (header.version !== version)
    return { kind: 'refused', problem: `the header says version ${header.version}` }
  const body = buffer.subarray(newline + 1)
  if (header.length !== body.byteLength)
    return {
      kind: 'refused',
      problem: `the body has ${body.byteLength} bytes, the header says ${header.length}`,
    }
  if (header.crc32 !== crcHex(body))
    return { kind: 'refused', problem: 'the body does not match the CRC-32 of its header (damaged)' }
  try {
    const json = body.indexOf(NEWLINE)
    const parsed = JSON.parse(body.toString('utf8', 0, json < 0 ? body.byteLength : json)) as CacheBody
    if (parsed.version !== version)
      return { kind: 'refused', problem: `the body says version ${parsed.version}` }
    if (parsed.metadata.id !== header.tableId)
      return {
        kind: 'refused',
        problem: `the body is of table id ${parsed.metadata.id}, the header says ${header.tableId}`,
      }
    const { files, ...rest } = parsed
    return {
      kind: 'checked',
      data: { ...rest, files: filesOf(files, body.subarray(json < 0 ? body.byteLength : json), invalid) },
    }
  } catch (error) {
    return { kind: 'refused', problem: `the body does not decode: ${(error as Error).message}` }
  }
}
