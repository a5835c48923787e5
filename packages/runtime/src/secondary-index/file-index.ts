import { PackedStrings } from './packed-strings.js'

/** Which data file an index describes: data files are immutable, so an index of the same identity never goes stale. */
export interface FileIdentity {
  /** Table-relative path of the data file. */
  readonly path: string
  readonly size: number
  /** The checksum the add action recorded ('' when none). */
  readonly checksum: string
  /** Rows in the data file (deleted ones included: positions are physical). */
  readonly rows: number
}

/** Whether two identities name the same data file (an index of another one is rebuilt, never trusted). */
export function sameFileIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.path === b.path && a.size === b.size && a.checksum === b.checksum && a.rows === b.rows
}

/**
 * The index of one group over one data file: its distinct encoded values, sorted (JS string order), each with the
 * physical row positions holding it and those rows' encoded primary keys. Rows with a null in the group are left
 * out (they never match equality or `in`, and uniqueness ignores them).
 */
export class FileIndex {
  /** Approximate memory held, for the cache's byte bound. */
  readonly bytes: number

  constructor(
    readonly identity: FileIdentity,
    /** The indexed columns, in group order. */
    readonly columns: readonly string[],
    /** Distinct encoded values, strictly ascending (JS string order). */
    readonly values: PackedStrings,
    /** Entries of `values[i]` are `starts[i]` up to `starts[i + 1]` (length: values + 1). */
    readonly starts: Uint32Array,
    /** Row position of each entry, ascending within a value. */
    readonly positions: Uint32Array,
    /** Encoded primary key of each entry's row. */
    readonly keys: PackedStrings,
  ) {
    this.bytes = 128 + starts.byteLength + positions.byteLength + values.bytes + keys.bytes
  }

  /** Number of entries (indexed rows). */
  get entries(): number {
    return this.positions.length
  }

  /** The entries `[from, to)` holding an encoded value, or undefined when no row holds it. */
  find(value: string): readonly [number, number] | undefined {
    let lo = 0
    let hi = this.values.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const v = this.values.at(mid)
      if (v === value) return [this.starts[mid] as number, this.starts[mid + 1] as number]
      if (v < value) lo = mid + 1
      else hi = mid - 1
    }
    return undefined
  }
}

/** Builds an index from a file's rows in physical order: each row's encoded value (null: not indexed) and key. */
export function buildFileIndex(
  identity: FileIdentity,
  columns: readonly string[],
  values: readonly (string | null)[],
  keys: readonly string[],
): FileIndex {
  const rows: number[] = []
  for (let i = 0; i < values.length; i++) if (values[i] !== null) rows.push(i)
  // Stable sort: positions stay ascending within a value.
  rows.sort((a, b) => {
    const x = values[a] as string
    const y = values[b] as string
    return x < y ? -1 : x > y ? 1 : 0
  })
  const distinct: string[] = []
  const starts: number[] = []
  const positions = new Uint32Array(rows.length)
  const entryKeys: string[] = new Array(rows.length)
  rows.forEach((row, i) => {
    const value = values[row] as string
    if (distinct[distinct.length - 1] !== value) {
      distinct.push(value)
      starts.push(i)
    }
    positions[i] = row
    entryKeys[i] = keys[row] ?? ''
  })
  starts.push(rows.length)
  return new FileIndex(
    identity,
    columns,
    PackedStrings.of(distinct),
    Uint32Array.from(starts),
    positions,
    PackedStrings.of(entryKeys),
  )
}
