import type pl from 'nodejs-polars'
import type { Key } from './key-codec.js'
import type { TableOperation } from './write-plan.js'

/** Collects the operations of a multi-operation commit; see `Table.transaction`. */
export class TableTransaction {
  /** @internal */
  readonly operations: TableOperation[] = []
  /** Adds rows (no key check). */
  append(df: pl.DataFrame): this {
    this.operations.push({ kind: 'append', df })
    return this
  }
  /** Adds rows whose keys must not exist. */
  insert(df: pl.DataFrame): this {
    this.operations.push({ kind: 'insert', df })
    return this
  }
  /** Replaces rows with the same keys, adds the others. */
  upsert(df: pl.DataFrame): this {
    this.operations.push({ kind: 'upsert', df })
    return this
  }
  /** Deletes rows by primary key. */
  deleteKeys(keys: readonly Key[]): this {
    this.operations.push({ kind: 'deleteKeys', keys })
    return this
  }
  /** Deletes rows matching a predicate (rows with a null result stay). */
  deleteWhere(predicate: pl.Expr): this {
    this.operations.push({ kind: 'deleteWhere', predicate })
    return this
  }
  /** Replaces every row. */
  overwrite(df: pl.DataFrame): this {
    this.operations.push({ kind: 'overwrite', df })
    return this
  }
}
