import pl from 'nodejs-polars'

const MASK = (1n << 64n) - 1n
const LOW = 4_294_967_296n

/**
 * An order-independent digest of a table's rows: the row count and the sum
 * (mod 2^64) of polars' row hashes. Two frames with the same rows in any order
 * and any file split get the same digest, provided their columns have the same
 * names, order and dtypes (compare frames read through the same schema).
 */
export class ContentChecksum {
  private rowCount = 0
  private sum = 0n

  /** Adds a frame's rows. */
  add(df: pl.DataFrame): this {
    if (df.height === 0) return this
    const hashes = pl.DataFrame([df.hashRows().alias('h')])
    // Sums of the 32-bit halves fit in u64 for any realistic frame; combined here in bigint.
    const row = hashes
      .select(
        pl.col('h').modulo(pl.lit(LOW)).sum().alias('lo'),
        pl.col('h').div(pl.lit(LOW)).sum().alias('hi'),
      )
      .row(0) as unknown[]
    const lo = BigInt(row[0] as bigint | number)
    const hi = BigInt(row[1] as bigint | number)
    this.sum = (this.sum + lo + hi * LOW) & MASK
    this.rowCount += df.height
    return this
  }

  /** Adds another digest (digests of disjoint row sets combine). */
  merge(other: ContentChecksum): this {
    this.sum = (this.sum + other.sum) & MASK
    this.rowCount += other.rowCount
    return this
  }

  /** Rows added so far. */
  get rows(): number {
    return this.rowCount
  }

  /** The sum as 16 hex digits. */
  get value(): string {
    return this.sum.toString(16).padStart(16, '0')
  }

  /** Same rows and same sum. */
  equals(other: ContentChecksum): boolean {
    return this.rowCount === other.rowCount && this.sum === other.sum
  }
}
