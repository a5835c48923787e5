import { ParquetFrameError } from '../errors/pf-error.js'

/** A value outside the range of the narrow type its column keeps (an adopted table's `integer` column). Nothing was written. */
export class ColumnRangeError extends ParquetFrameError {
  constructor(
    /** `Entity.field` the value was meant for (`Entity.field[i]`: element i of a list). */
    readonly subject: string,
    /** The value refused (a bigint for integer columns: every digit of an Int64). */
    readonly value: number | bigint,
    /** The column's Delta type (`integer`, `short`, `byte`, `float`, or an array of one: `array<integer>`). */
    readonly deltaType: string,
    /** The smallest and largest value the column holds. */
    readonly range: { readonly min: number; readonly max: number },
  ) {
    super(
      'PF_COLUMN_RANGE',
      `${subject}: ${value} does not fit the table's ${deltaType} column (${range.min} to ${range.max}); nothing was written`,
    )
  }
}
