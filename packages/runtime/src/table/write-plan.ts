import pl from 'nodejs-polars'
import type { EntityIR, EnumIR } from '../schema/schema-ir.js'
import { conformFrame } from './frame-conformer.js'
import type { Key, KeyCodec } from './key-codec.js'
import type { RowBatch } from './row-batch.js'
import { type SmallRows, smallRows } from './small-rows.js'
import { DuplicateKeyError, TableSchemaError } from './table-errors.js'

/** One operation inside a commit. */
export type TableOperation =
  | { readonly kind: 'append'; readonly df: pl.DataFrame }
  | {
      readonly kind: 'insert'
      readonly df: pl.DataFrame
      /** The rows as JS values, when a repository staged them (`df` then builds from them on demand). */
      readonly batch?: RowBatch
    }
  | {
      readonly kind: 'upsert'
      readonly df: pl.DataFrame
      /** The rows as JS values, when a repository staged them (`df` then builds from them on demand). */
      readonly batch?: RowBatch
    }
  | { readonly kind: 'deleteKeys'; readonly keys: readonly Key[] }
  | { readonly kind: 'deleteWhere'; readonly predicate: pl.Expr }
  | { readonly kind: 'overwrite'; readonly df: pl.DataFrame }

/**
 * The net effect of a list of operations, split into what does not depend on
 * the table's current contents (`rows`, written once) and what does (which
 * existing rows go: resolved against the snapshot at each commit attempt).
 * Keys travel as frames of the key columns, never as one JS string per row:
 * a bulk write whose keys cannot overlap any live file never encodes them.
 */
export interface WritePlan {
  /** New rows, conformed to the schema. */
  readonly rows: pl.DataFrame | undefined
  /** Remove every existing row (an overwrite happened). */
  readonly clearBase: boolean
  /** Keys (a frame of the key columns, unique) whose existing rows are deleted. */
  readonly deleteKeys: pl.DataFrame | undefined
  /** Existing rows matching any of these are deleted. */
  readonly deleteWhere: readonly pl.Expr[]
  /** Keys (a frame of the key columns, unique) that must not exist in the table (insert). */
  readonly mustNotExist: pl.DataFrame | undefined
  /**
   * A small insert or upsert taken straight from JS values (no frame built unless `rows` is read): its keys must not
   * exist (`mustNotExist`), or, with `smallUpsert`, their existing rows are deleted (`deleteKeys`).
   */
  readonly small?: SmallRows
  /** The small write is an upsert: the rows of `small.keys` are replaced. */
  readonly smallUpsert?: boolean
  /** Every key the commit writes or deletes (for optimistic checks; computed on demand). */
  touchedKeys(): ReadonlySet<string>
}

function concat(a: pl.DataFrame | undefined, b: pl.DataFrame): pl.DataFrame {
  return a && a.height > 0 ? pl.concat([a, b], { how: 'vertical' }) : b
}

/** The rows of df whose keys are not in `keys` (an anti-join on the key columns). */
function withoutKeys(
  df: pl.DataFrame | undefined,
  keys: pl.DataFrame | undefined,
  codec: KeyCodec,
): pl.DataFrame | undefined {
  if (!df || df.height === 0 || !keys || keys.height === 0) return df
  return df.join(keys, { on: [...codec.columns], how: 'anti' })
}

/** The key columns of a frame, checked to hold no key twice (vectorised: nothing is encoded unless one does). */
function uniqueKeys(df: pl.DataFrame, codec: KeyCodec, table: string): pl.DataFrame {
  const keys = df.select(...codec.columns)
  const height = keys.height
  const [only] = codec.columns
  const distinct =
    codec.columns.length === 1 && only !== undefined ? keys.getColumn(only).nUnique() : keys.unique().height
  if (distinct < height) {
    const twice = keys
      .groupBy([...codec.columns])
      .agg(pl.len().alias('__n'))
      .filter(pl.col('__n').gt(1))
      .select(...codec.columns)
      .head(1)
    throw new TableSchemaError(
      table,
      codec.columns.join(','),
      `primary key ${codec.encodeFrame(twice)[0]} appears twice in the input`,
    )
  }
  return keys
}

function union(a: pl.DataFrame | undefined, b: pl.DataFrame): pl.DataFrame {
  if (!a || a.height === 0) return b
  return pl.concat([a, b], { how: 'vertical' }).unique({ maintainOrder: true })
}

/** Conforms the operations' frames and folds them into one plan. Throws before anything is written. */
export function planWrite(
  operations: readonly TableOperation[],
  entity: EntityIR,
  enums: readonly EnumIR[],
  codec: KeyCodec,
  table: string,
): WritePlan {
  const [only] = operations
  if (operations.length === 1 && (only?.kind === 'insert' || only?.kind === 'upsert') && only.batch) {
    const small = smallRows(only.batch, entity, enums, codec)
    if (small) return smallPlan(small, only, entity, enums, codec, table)
  }
  let rows: pl.DataFrame | undefined
  let clearBase = false
  let deleteKeys: pl.DataFrame | undefined
  let deleteWhere: pl.Expr[] = []
  let mustNotExist: pl.DataFrame | undefined
  const touchedFrames: pl.DataFrame[] = []
  for (const op of operations) {
    switch (op.kind) {
      case 'append': {
        const df = conformFrame(op.df, entity, enums, table)
        rows = concat(rows, df)
        break
      }
      case 'insert': {
        const df = conformFrame(op.df, entity, enums, table)
        const keys = uniqueKeys(df, codec, table)
        if (rows && rows.height > 0) {
          const clash = df.join(rows, { on: [...codec.columns], how: 'semi' })
          if (clash.height > 0) throw new DuplicateKeyError(table, codec.encodeFrame(clash))
        }
        // Keys deleted earlier in the same commit may be inserted again.
        const fresh = withoutKeys(keys, deleteKeys, codec) ?? keys
        if (fresh.height > 0) mustNotExist = union(mustNotExist, fresh)
        touchedFrames.push(keys)
        rows = concat(rows, df)
        break
      }
      case 'upsert': {
        const df = conformFrame(op.df, entity, enums, table)
        const keys = uniqueKeys(df, codec, table)
        rows = concat(withoutKeys(rows, keys, codec), df)
        deleteKeys = union(deleteKeys, keys)
        touchedFrames.push(keys)
        break
      }
      case 'deleteKeys': {
        const keys = codec.frame([...new Set(op.keys.map((k) => codec.encode(k)))])
        rows = withoutKeys(rows, keys, codec)
        deleteKeys = union(deleteKeys, keys)
        touchedFrames.push(keys)
        break
      }
      case 'deleteWhere': {
        if (rows && rows.height > 0) rows = rows.filter(op.predicate.not().fillNull(true))
        deleteWhere.push(op.predicate)
        break
      }
      case 'overwrite': {
        rows = conformFrame(op.df, entity, enums, table)
        clearBase = true
        deleteKeys = undefined
        deleteWhere = []
        mustNotExist = undefined
        break
      }
    }
  }
  const newRows = rows
  let touched: Set<string> | undefined
  const touchedKeys = (): ReadonlySet<string> => {
    if (touched) return touched
    touched = new Set<string>()
    for (const frame of [...touchedFrames, ...(newRows ? [newRows] : [])])
      for (const k of codec.encodeFrame(frame)) touched.add(k)
    return touched
  }
  return { rows, clearBase, deleteKeys, deleteWhere, mustNotExist, touchedKeys }
}

/**
 * The plan of one small insert or upsert whose rows were converted from valid JS values (`smallRows`): no frame is
 * built unless a step asks for `rows`, `mustNotExist` or `deleteKeys` (the data file is written from `small`, the
 * keys are located from `small.keys`).
 */
function smallPlan(
  small: SmallRows,
  op: { readonly kind: 'insert' | 'upsert'; readonly df: pl.DataFrame },
  entity: EntityIR,
  enums: readonly EnumIR[],
  codec: KeyCodec,
  table: string,
): WritePlan {
  let rows: pl.DataFrame | undefined
  let keys: pl.DataFrame | undefined
  const touched = new Set(small.keys)
  const frame = (): pl.DataFrame => {
    rows ??= conformFrame(op.df, entity, enums, table)
    return rows
  }
  const keyFrame = (): pl.DataFrame => {
    keys ??= codec.frame(small.keys)
    return keys
  }
  if (op.kind === 'upsert') {
    return {
      small,
      smallUpsert: true,
      get rows() {
        return frame()
      },
      mustNotExist: undefined,
      get deleteKeys() {
        return keyFrame()
      },
      clearBase: false,
      deleteWhere: [],
      touchedKeys: () => touched,
    }
  }
  return {
    small,
    get rows() {
      return frame()
    },
    get mustNotExist() {
      return keyFrame()
    },
    clearBase: false,
    deleteKeys: undefined,
    deleteWhere: [],
    touchedKeys: () => touched,
  }
}

/** An upsert of rows held as JS values; its `df` is built from them only when read. */
export function batchUpsert(batch: RowBatch): TableOperation {
  return {
    kind: 'upsert',
    batch,
    get df() {
      return batch.frame()
    },
  }
}

/** An insert of rows held as JS values; its `df` is built from them only when read. */
export function batchInsert(batch: RowBatch): TableOperation {
  return {
    kind: 'insert',
    batch,
    get df() {
      return batch.frame()
    },
  }
}
