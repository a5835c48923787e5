import type { DeltaDeletionVector } from '../delta/delta-actions.js'
import { checksumOfCrc } from './file-checksum.js'
import type { Range, StatKind, StatValue } from './file-stats.js'
import { keyRangeOfValues } from './key-range.js'
import type { LiveFileColumns } from './live-file-map.js'
import type { AddAction } from './log-entry.js'
import { type LiveFile, NO_KEYS, statsInBytes } from './table-state.js'

/** The fields of a file other than the columns', kept only where a file has them. */
export interface FileRest {
  readonly partitionValues?: Readonly<Record<string, string | null>>
  readonly deletionVector?: DeltaDeletionVector
  readonly deleted?: readonly string[]
}

/** The live files of a cache file in columns (index i of each array is file i). */
export interface FileColumns {
  /** The paths, in caches of layout 2; later ones keep them in the byte lines (`pathBytes` long each). */
  readonly path?: readonly string[]
  /** Bytes of each file's path line (UTF-8, newline excluded), in caches after layout 2. */
  readonly pathBytes?: readonly number[]
  readonly size: readonly number[]
  readonly numRows: readonly number[]
  /** Bytes of each file's statistics line (newline excluded). */
  readonly statsBytes: readonly number[]
  /** A `crc32:` checksum as the number of its hex digits (numbers parse faster than 10,000 short strings). */
  readonly checksum: readonly (number | string | null)[]
  readonly modificationTime: readonly (number | null)[]
  readonly version: readonly number[]
  readonly deletedRows: readonly number[]
  /** 0 for a file with none of the rest. */
  readonly rest: readonly (FileRest | 0)[]
  /**
   * Each file's recorded min and max of the table's leading key column (null: none recorded), in caches after
   * layout 3: a find by key picks its files from them without building the others or parsing their statistics.
   */
  readonly keyMin?: readonly (StatValue | null)[]
  readonly keyMax?: readonly (StatValue | null)[]
}

const NEWLINE = 0x0a
type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** Shared by every file of an unpartitioned table. */
const NO_PARTITION_VALUES: Readonly<Record<string, string | null>> = Object.freeze({})

/** A checksum as the cache stores it, as add actions record it. */
function checksumText(value: number | string): string {
  return typeof value === 'string' ? value : checksumOfCrc(value)
}

/**
 * The live files of a cache file (checked by its CRC-32), kept as the parsed columns and the bytes of the lines
 * after them: per file a path line (not in layout 2: its paths are a column) and a statistics line. Nothing is
 * built per file until used: a path is decoded, a file's add action built, when first asked for.
 */
export class CacheFileColumns implements LiveFileColumns {
  readonly size: number
  readonly rows: number
  /** Where each file's first line starts in `lines` (after its newline), once checked. */
  #starts: Float64Array | undefined
  readonly #paths: (string | undefined)[]
  readonly #built: (LiveFile | undefined)[]

  /**
   * Throws an Error saying what does not fit when the columns differ in length. `lines`: the body after its
   * JSON line; `rows`: the files' visible rows as the body records them (summed here when it does not);
   * `invalid`: the error for lines or statistics found broken when first used; `keyKind`: how the key range
   * columns compare (the table's leading key field's).
   */
  constructor(
    private readonly columns: FileColumns,
    private readonly lines: Uint8Array,
    private readonly invalid: (detail: string) => Error,
    rows?: number,
    private readonly keyKind: StatKind = 'none',
  ) {
    const n = columns.numRows.length
    const lengths = [
      columns.path ?? columns.pathBytes ?? [],
      columns.size,
      columns.statsBytes,
      columns.checksum,
      columns.modificationTime,
      columns.version,
      columns.deletedRows,
      columns.rest,
      ...(columns.keyMin ? [columns.keyMin] : []),
      ...(columns.keyMax ? [columns.keyMax] : []),
    ].map((c) => c.length)
    if (lengths.some((l) => l !== n))
      throw new Error(`file columns of unequal lengths: ${n}, ${lengths.join(', ')}`)
    this.size = n
    this.rows = rows ?? sumRows(columns)
    this.#paths = columns.path ? (columns.path as (string | undefined)[]) : new Array<string | undefined>(n)
    this.#built = new Array<LiveFile | undefined>(n)
  }

  /** Each file's first line start, the lines checked to be where the lengths say (TableCorruptError otherwise). */
  private starts(): Float64Array {
    if (this.#starts) return this.#starts
    const { pathBytes, statsBytes } = this.columns
    const lines = this.lines
    const starts = new Float64Array(this.size)
    let at = 0
    for (let i = 0; i < this.size; i++) {
      starts[i] = at + 1
      if (pathBytes) {
        if (lines[at] !== NEWLINE)
          throw this.invalid(`the path line of file ${i} does not start where expected`)
        at += 1 + (pathBytes[i] as number)
      }
      if (lines[at] !== NEWLINE)
        throw this.invalid(`the statistics line of file ${i} does not start where expected`)
      at += 1 + (statsBytes[i] as number)
      if (at > lines.byteLength) throw this.invalid(`the lines of file ${i} run past the end`)
    }
    if (at !== lines.byteLength)
      throw this.invalid(`${lines.byteLength - at} bytes follow the last file's lines`)
    this.#starts = starts
    return starts
  }

  pathAt(i: number): string {
    const known = this.#paths[i]
    if (known !== undefined) return known
    const start = this.starts()[i] as number
    const end = start + (this.columns.pathBytes?.[i] as number)
    const path = Buffer.from(this.lines.buffer, this.lines.byteOffset, this.lines.byteLength).toString(
      'utf8',
      start,
      end,
    )
    this.#paths[i] = path
    return path
  }

  /** File i's key range from the key range columns; undefined (may hold any key) in caches without them. */
  keyRangeAt(i: number): Range | undefined {
    const { keyMin, keyMax } = this.columns
    return keyMin && keyMax ? keyRangeOfValues(keyMin[i], keyMax[i], this.keyKind) : undefined
  }

  fileAt(i: number): LiveFile {
    const built = this.#built[i]
    if (built) return built
    const c = this.columns
    const rest = c.rest[i] || undefined
    const start = (this.starts()[i] as number) + (c.pathBytes ? (c.pathBytes[i] as number) + 1 : 0)
    const end = start + (c.statsBytes[i] as number)
    // Built without spreads (each one allocates an object).
    const add: Mutable<AddAction> = {
      path: this.pathAt(i),
      size: c.size[i] as number,
      partitionValues: rest?.partitionValues ?? NO_PARTITION_VALUES,
      stats: statsInBytes(rowCountAt(c, i), this.lines, start, end, this.invalid),
    }
    const checksum = c.checksum[i]
    if (checksum !== null && checksum !== undefined) add.checksum = checksumText(checksum)
    const modificationTime = c.modificationTime[i]
    if (modificationTime !== null && modificationTime !== undefined) add.modificationTime = modificationTime
    if (rest?.deletionVector) add.deletionVector = rest.deletionVector
    const file: LiveFile = {
      add,
      version: c.version[i] as number,
      deleted: rest?.deleted?.length ? new Set(rest.deleted) : NO_KEYS,
      deletedRows: c.deletedRows[i] as number,
    }
    this.#built[i] = file
    return file
  }
}

/** The visible rows of the files: their rows less their deleted rows. */
export function sumRows(columns: Pick<FileColumns, 'numRows' | 'deletedRows'>): number {
  let rows = 0
  for (let i = 0; i < columns.numRows.length; i++)
    rows += rowCountAt(columns, i) - (columns.deletedRows[i] as number)
  return rows
}

/** A file's row count; an unknown one (an add without stats) is null in the cache's JSON, which has no NaN. */
function rowCountAt(columns: Pick<FileColumns, 'numRows'>, i: number): number {
  const n = columns.numRows[i]
  return typeof n === 'number' ? n : Number.NaN
}
