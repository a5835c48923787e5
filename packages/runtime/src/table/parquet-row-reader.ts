import type { DataFileStore, SizeCheck } from './data-file-store.js'
import type { ParquetPointLayout } from './parquet-point-layout.js'
import { type CheckedRange, rangesOverlapping } from './parquet-range-checksums.js'
import { type ByteSource, decodeParquetRow, type RowColumn } from './parquet-row-decoder.js'
import { decodedPointRow, type PointRow } from './point-row.js'
import type { LiveFile } from './table-state.js'

/** A read the checked ranges do not cover, or the store would not check by ranges: polars reads the row then. */
class Uncovered extends Error {}

/**
 * The checked bytes of a file as the row decoder reads them: each read takes the checked ranges (blocks) it
 * overlaps, reads and checks those not held yet (`verifyRanges`: a mismatch is the store's typed corruption error)
 * and keeps them for the next read.
 */
class CheckedSource implements ByteSource {
  readonly size: number
  /** The first error a read met (the decoder sees any failure as "no answer"; this one must reach the caller). */
  failure: unknown
  private readonly held = new Map<number, Promise<Uint8Array>>()

  constructor(
    private readonly store: DataFileStore,
    private readonly file: LiveFile,
    private readonly ranges: readonly CheckedRange[],
    private readonly sized: SizeCheck,
  ) {
    this.size = ranges[ranges.length - 1]?.end ?? 0
  }

  async read(start: number, end: number): Promise<Uint8Array> {
    const covering = rangesOverlapping(this.ranges, start, end)
    if (covering[0]?.start !== undefined && covering[0].start > start) throw new Uncovered()
    for (let i = 1; i < covering.length; i++)
      if ((covering[i] as CheckedRange).start !== (covering[i - 1] as CheckedRange).end) throw new Uncovered()
    if (covering.length === 0 || (covering[covering.length - 1] as CheckedRange).end < end)
      throw new Uncovered()
    const missing = covering.filter((r) => !this.held.has(r.start))
    if (missing.length > 0) {
      const checked = this.check(missing)
      missing.forEach((r, i) => {
        this.held.set(
          r.start,
          checked.then((bytes) => bytes[i] as Uint8Array),
        )
      })
    }
    const parts = await Promise.all(covering.map((r) => this.held.get(r.start) as Promise<Uint8Array>))
    const first = covering[0] as CheckedRange
    const joined = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts)
    return joined.subarray(start - first.start, end - first.start)
  }

  private async check(ranges: readonly CheckedRange[]): Promise<readonly Uint8Array[]> {
    try {
      const bytes = await this.store.verifyRanges(this.file, ranges, this.sized)
      if (!bytes) throw new Uncovered()
      return bytes
    } catch (error) {
      this.failure ??= error
      throw error
    }
  }
}

/**
 * A point read's row (physical `position`, deletion vectors ignored) decoded in JS from the checked blocks of
 * `ranges` (its row group's and the tail's, see `rangesForRow`), reading only those that hold the footer, the
 * offset indexes and the row's pages (only the pages with the file's `layout`, from its key index); in the table's
 * schema. Undefined when the file was checked whole earlier, the store reads no ranges, or the decoder does not
 * follow the file (see parquet-row-decoder.ts): polars reads it then. Damaged bytes are the store's
 * TableCorruptError.
 */
export async function decodeRowFromRanges(
  store: DataFileStore,
  file: LiveFile,
  position: number,
  ranges: readonly CheckedRange[],
  sized: SizeCheck = {},
  layout?: ParquetPointLayout,
): Promise<PointRow | undefined> {
  if (ranges.length === 0) return undefined
  const fields = store.metadata.entity.fields
  const columns: RowColumn[] = fields.map((f) => ({ name: store.mapping.stored(f.column), type: f.type }))
  const source = new CheckedSource(store, file, ranges, sized)
  const row = await decodeParquetRow(source, position, columns, layout)
  if (source.failure !== undefined && !(source.failure instanceof Uncovered)) throw source.failure
  return (
    row &&
    decodedPointRow(
      fields.map((f) => f.column),
      row,
    )
  )
}
