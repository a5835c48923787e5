import type pl from 'nodejs-polars'
import type { FieldIR } from '../schema/schema-ir.js'

/**
 * New rows as the JS values of an entity's fields (as a repository holds them), with their polars frame built only
 * when a step needs one: a small insert of valid values is written straight from the values (small-rows.ts).
 */
export class RowBatch {
  private df: pl.DataFrame | undefined
  constructor(
    /** The fields the rows hold, by `name`. */
    readonly fields: readonly FieldIR[],
    readonly rows: readonly object[],
    private readonly build: (fields: readonly FieldIR[], rows: readonly object[]) => pl.DataFrame,
  ) {}

  get height(): number {
    return this.rows.length
  }

  /** The rows as a frame (built once). */
  frame(): pl.DataFrame {
    this.df ??= this.build(this.fields, this.rows)
    return this.df
  }
}
