import pl from 'nodejs-polars'
import type { EntityIR, FieldIR } from '../schema/schema-ir.js'
import type { FillValue, TableMetadata } from './log-entry.js'
import { polarsTypeForField } from './polars-schema.js'

const DAY_MS = 86_400_000

/**
 * How a table's fields map to the columns of its data files. A field renamed by
 * `evolveSchema` keeps reading its old stored column; a field added later reads
 * its fill value (or null) from files written before it existed.
 */
export class ColumnMapping {
  private readonly physical: Readonly<Record<string, string>>
  private readonly fills: Readonly<Record<string, FillValue>>

  constructor(private readonly metadata: TableMetadata) {
    this.physical = metadata.physicalColumns ?? {}
    this.fills = metadata.fillValues ?? {}
  }

  /** True when every field is stored under its own column name. */
  get identity(): boolean {
    return Object.keys(this.physical).length === 0
  }

  /** The column name in the data files of a field's column. */
  stored(column: string): string {
    return this.physical[column] ?? column
  }

  /** The entity as the data files hold it: each field's column is its stored name. */
  storedEntity(): EntityIR {
    if (this.identity) return this.metadata.entity
    const entity = this.metadata.entity
    return { ...entity, fields: entity.fields.map((f) => ({ ...f, column: this.stored(f.column) })) }
  }

  /** A frame with the table's columns renamed to their stored names. */
  toStored(df: pl.DataFrame): pl.DataFrame {
    if (this.identity) return df
    const renames: Record<string, string> = {}
    for (const c of df.columns) if (this.stored(c) !== c) renames[c] = this.stored(c)
    return df.rename(renames)
  }

  /** What a field reads from a file that lacks its stored column: the fill value, else null. */
  fill(field: FieldIR): pl.Expr {
    const value = this.fills[this.stored(field.column)]
    return fillExpr(field, value).alias(field.column)
  }
}

/** A literal of the field's dtype holding a fill value (null when undefined). */
export function fillExpr(field: FieldIR, value: FillValue | undefined): pl.Expr {
  const dtype = polarsTypeForField(field.type)
  if (value === undefined) return pl.lit(null).cast(dtype)
  const type = field.type
  if (type.kind === 'scalar') {
    switch (type.name) {
      case 'Int':
      case 'BigInt':
        return pl.lit(String(value)).cast(pl.Int64)
      case 'DateTime':
        return pl.lit(String(value)).cast(pl.Int64).cast(dtype)
      case 'Date':
        return pl
          .lit(Math.floor(Date.parse(`${String(value)}T00:00:00Z`) / DAY_MS))
          .cast(pl.Int32)
          .cast(pl.Date)
      default:
        break
    }
  }
  return pl.lit(value).cast(dtype)
}
