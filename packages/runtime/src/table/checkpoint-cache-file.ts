import { crc32 } from 'node:zlib'
import { CacheFileColumns, type FileColumns, type FileRest, sumRows } from './cache-file-columns.js'
import { crcOfChecksum } from './file-checksum.js'
import type { ColumnStats, StatValue } from './file-stats.js'
import { keyRangeColumn } from './key-range.js'
import type { AppTxn, ProtocolAction, TableMetadata } from './log-entry.js'
import type { CheckpointData, CheckpointFile, ColumnarCheckpointData } from './table-state.js'

/**
 * pf's checkpoint cache file (`_pf/checkpoints/<v>.checkpoint.json`): a header line naming the table, the version,
 * the body's length and CRC-32; then the body: one JSON line with the live files in columns (one array per field,
 * not one object per file) and their visible rows, then per file its path (UTF-8) and its column statistics (JSON)
 * as lines of their own, kept as bytes until used (10,000 paths or statistics parsed as JSON strings cost more
 * than everything else an open does). The header lets an open trust its own bytes without validating every
 * action (a damaged or stray file fails the check and is a cache miss). A file without a header is a cache
 * written before (validated by log-entry-schema.ts as it was); layout 2 had the paths in a column, layouts 2 and 3
 * no key range columns (a find by key then builds every file to see its range).
 */

/** Names the layout in the header; another value is not read (a cache miss). */
const LAYOUT = 'pf-checkpoint-cache/4'
/** The layout before: no key range columns. Still read. */
const LAYOUT_3 = 'pf-checkpoint-cache/3'
/** The layout before that: paths in a column of the JSON line, no row total. Still read. */
const LAYOUT_2 = 'pf-checkpoint-cache/2'
const NEWLINE = 0x0a

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

interface CacheBody {
  readonly version: number
  readonly timestamp: number
  readonly protocol: ProtocolAction
  readonly metadata: TableMetadata
  readonly appTxns?: readonly AppTxn[]
  /** Visible rows of the files (not in layout 2). */
  readonly rows?: number
  readonly files: FileColumns
}

/** A cache file read: its data (checked by its header), a file of the older layout (unchecked), or why it is refused. */
export type CacheFileRead =
  | { readonly kind: 'checked'; readonly data: ColumnarCheckpointData }
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

/** A file's statistics of one column (parsed from its JSON text when the checkpoint kept that). */
function columnStats(file: CheckpointFile, column: string): ColumnStats | undefined {
  const s = file.add.stats
  const columns = 'columnsJson' in s ? (JSON.parse(s.columnsJson) as FileStatsColumns) : s.columns
  return columns[column]
}

type FileStatsColumns = Readonly<Record<string, ColumnStats | undefined>>

/** The bytes of a cache file of checkpoint data. */
export function encodeCheckpointCache(data: CheckpointData): Uint8Array {
  const key = keyRangeColumn(data.metadata)
  const keyStats = data.files.map((f) => (key ? columnStats(f, key.column) : undefined))
  const recorded = (v: StatValue | undefined): StatValue | null => v ?? null
  const stats = data.files.map((f) => {
    const s = f.add.stats
    const json = 'columnsJson' in s ? s.columnsJson : JSON.stringify(s.columns)
    return Buffer.from(json, 'utf8')
  })
  const paths = data.files.map((f) => Buffer.from(f.add.path, 'utf8'))
  const files: FileColumns = {
    pathBytes: paths.map((b) => b.byteLength),
    size: data.files.map((f) => f.add.size),
    numRows: data.files.map((f) => f.add.stats.numRows),
    statsBytes: stats.map((b) => b.byteLength),
    checksum: data.files.map((f) => checksumValue(f.add.checksum)),
    modificationTime: data.files.map((f) => f.add.modificationTime ?? null),
    version: data.files.map((f) => f.version),
    deletedRows: data.files.map((f) => f.deletedRows),
    rest: data.files.map(restOf),
    keyMin: keyStats.map((c) => recorded(c?.min)),
    keyMax: keyStats.map((c) => recorded(c?.max)),
  }
  const body: CacheBody = {
    version: data.version,
    timestamp: data.timestamp,
    protocol: data.protocol,
    metadata: data.metadata,
    ...(data.appTxns?.length ? { appTxns: data.appTxns } : {}),
    rows: sumRows(files),
    files,
  }
  const lines: Uint8Array[] = [Buffer.from(JSON.stringify(body), 'utf8')]
  for (let i = 0; i < stats.length; i++)
    lines.push(NEWLINE_BYTES, paths[i] as Buffer, NEWLINE_BYTES, stats[i] as Buffer)
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

/**
 * Reads a cache file of `version` (`invalid`: the error for a file's lines or statistics found broken when first
 * used): checked by its header (layout, version, length, CRC-32 of the body, and the body's table id and layout)
 * and then used without validating each action, since pf wrote it; any mismatch is refused.
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
  if (header.layout !== LAYOUT && header.layout !== LAYOUT_3 && header.layout !== LAYOUT_2)
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
    const { files, rows, ...rest } = parsed
    const keyColumns = files.keyMin !== undefined && files.keyMax !== undefined
    const fits =
      header.layout === LAYOUT_2
        ? files.path !== undefined && rows === undefined && !keyColumns
        : files.path === undefined && rows !== undefined && keyColumns === (header.layout === LAYOUT)
    if (!fits) return { kind: 'refused', problem: `the body is not of layout ${header.layout}` }
    const lines = body.subarray(json < 0 ? body.byteLength : json)
    const keyKind = keyRangeColumn(rest.metadata)?.kind
    return {
      kind: 'checked',
      data: { ...rest, files: new CacheFileColumns(files, lines, invalid, rows, keyKind) },
    }
  } catch (error) {
    return { kind: 'refused', problem: `the body does not decode: ${(error as Error).message}` }
  }
}
