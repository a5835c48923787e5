import { ParquetFrameError } from '../errors/pf-error.js'

/** A Decimal value that does not fit its column's decimal(precision, scale) exactly. Nothing was written. */
export class DecimalRangeError extends ParquetFrameError {
  constructor(
    /** `Entity.field` (or the column) the value was meant for. */
    readonly subject: string,
    readonly value: string,
    detail: string,
  ) {
    super('PF_DECIMAL_RANGE', `${subject}: ${detail}`)
  }
}
