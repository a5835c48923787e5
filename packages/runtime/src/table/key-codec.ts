import pl from 'nodejs-polars'
import type { EntityIR, FieldIR } from '../schema/schema-ir.js'
import { type Comparable, statKind, toComparable } from './file-stats.js'
import { polarsTypeForField, primaryKeyFields } from './polars-schema.js'
import { TableSchemaError } from './table-errors.js'

/** One primary-key column value: Int as number or bigint, BigInt as bigint, String as string. */
export type KeyValue = string | number | bigint

/** A primary key: a value, or a tuple for a composite key. */
export type Key = KeyValue | readonly KeyValue[]

/**
 * Encodes primary keys to strings (the form kept in the log and in key maps):
 * an integer key is its decimal digits, a string key itself, a composite key
 * the JSON array of its parts.
 */
export class KeyCodec {
  readonly fields: readonly FieldIR[]
  readonly columns: readonly string[]
  private readonly integer: readonly boolean[]

  constructor(
    entity: EntityIR,
    private readonly table: string,
  ) {
    this.fields = primaryKeyFields(entity)
    this.columns = this.fields.map((f) => f.column)
    this.integer = this.fields.map((f) => {
      const isInteger = f.type.kind === 'scalar' && (f.type.name === 'Int' || f.type.name === 'BigInt')
      const isString = f.type.kind === 'enum' || (f.type.kind === 'scalar' && f.type.name === 'String')
      if (!isInteger && !isString) {
        throw new TableSchemaError(
          table,
          f.column,
          `primary key type ${JSON.stringify(f.type)} is not supported (Int, BigInt, String)`,
        )
      }
      return isInteger
    })
  }

  private part(value: unknown, i: number): string {
    const column = this.columns[i] ?? '?'
    if (this.integer[i]) {
      if (typeof value === 'bigint') return value.toString()
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value).toString()
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value).toString()
      throw new TableSchemaError(this.table, column, `key value ${String(value)} is not an integer`)
    }
    if (typeof value === 'string') return value
    throw new TableSchemaError(this.table, column, `key value ${String(value)} is not a string`)
  }

  /** The encoded form of a key given by the caller. */
  encode(key: Key): string {
    if (this.fields.length === 1) {
      if (Array.isArray(key))
        throw new TableSchemaError(this.table, this.columns[0], 'expected a single key value, got a tuple')
      return this.part(key, 0)
    }
    if (!Array.isArray(key) || key.length !== this.fields.length) {
      throw new TableSchemaError(
        this.table,
        this.columns.join(','),
        `expected a key tuple of ${this.fields.length} values`,
      )
    }
    return JSON.stringify(key.map((v, i) => this.part(v, i)))
  }

  /**
   * The encoded key of a row from its key columns' JS values (as polars hands out one row); undefined when a value
   * may not be exact (an integer beyond 2^53 carried as a double), so the caller reads the key another way.
   */
  encodeValues(values: readonly unknown[]): string | undefined {
    for (const v of values) if (typeof v === 'number' && !Number.isSafeInteger(v)) return undefined
    return this.fields.length === 1
      ? this.part(values[0], 0)
      : JSON.stringify(values.map((v, i) => this.part(v, i)))
  }

  /** Encoded keys of every row of a frame that holds the key columns. */
  encodeFrame(df: pl.DataFrame): string[] {
    const integers = this.safeIntegers(df)
    if (integers) {
      const out: string[] = new Array(integers.length)
      for (let i = 0; i < integers.length; i++) out[i] = String(integers[i])
      return out
    }
    const parts = this.columns.map((c) => df.getColumn(c).cast(pl.Utf8).toArray() as (string | null)[])
    if (parts.length === 1) return (parts[0] ?? []).map((v) => v ?? '')
    // A polars DataFrame is a Proxy whose every property read fetches the column names: read the height once.
    const height = df.height
    const out: string[] = new Array(height)
    for (let r = 0; r < height; r++) out[r] = JSON.stringify(parts.map((p) => p[r] ?? ''))
    return out
  }

  /**
   * A single integer key column without nulls whose values are all safe integers, as doubles (their decimal text
   * is their encoding): one typed array out of polars instead of a string per row. Undefined otherwise.
   */
  private safeIntegers(df: pl.DataFrame): Float64Array | undefined {
    const [column] = this.columns
    if (this.fields.length !== 1 || !this.integer[0] || column === undefined) return undefined
    const series = df.getColumn(column)
    if (series.nullCount() > 0) return undefined
    if (series.length === 0) return new Float64Array(0)
    const min = Number(series.min())
    const max = Number(series.max())
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) return undefined
    return series.cast(pl.Float64).toTypedArray() as Float64Array
  }

  /** The parts of an encoded key. */
  decode(encoded: string): string[] {
    return this.fields.length === 1 ? [encoded] : (JSON.parse(encoded) as string[])
  }

  /** The first key column's value, parsed for comparison with file statistics. */
  leading(encoded: string): Comparable {
    const first = this.fields[0]
    const part = this.decode(encoded)[0] ?? ''
    return first ? toComparable(statKind(first), part) : part
  }

  /** A frame of the key columns (typed as in the table) holding the encoded keys. */
  frame(encoded: readonly string[]): pl.DataFrame {
    const decoded = encoded.map((k) => this.decode(k))
    const series = this.fields.map((f, i) =>
      pl
        .Series(
          f.column,
          decoded.map((d) => d[i] ?? null),
          pl.Utf8,
        )
        .cast(polarsTypeForField(f.type), true),
    )
    return pl.DataFrame(series)
  }
}
