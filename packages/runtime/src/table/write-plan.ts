import pl from 'nodejs-polars'
import type { EntityIR, EnumIR } from '../schema/schema-ir.js'
import { conformFrame } from './frame-conformer.js'
import type { Key, KeyCodec } from './key-codec.js'
import { DuplicateKeyError, TableSchemaError } from './table-errors.js'

/** One operation inside a commit. */
export type TableOperation =
  | { readonly kind: 'append'; readonly df: pl.DataFrame }
  | { readonly kind: 'insert'; readonly df: pl.DataFrame }
  | { readonly kind: 'upsert'; readonly df: pl.DataFrame }
  | { readonly kind: 'deleteKeys'; readonly keys: readonly Key[] }
  | { readonly kind: 'deleteWhere'; readonly predicate: pl.Expr }
  | { readonly kind: 'overwrite'; readonly df: pl.DataFrame }

/**
 * The net effect of a list of operations, split into what does not depend on
 * the table's current contents (`rows`, written once) and what does (which
 * existing rows go: resolved against the snapshot at each commit attempt).
 */
export interface WritePlan {
  /** New rows, conformed to the schema. */
  readonly rows: pl.DataFrame | undefined
  /** Remove every existing row (an overwrite happened). */
  readonly clearBase: boolean
  /** Encoded keys whose existing rows are deleted. */
  readonly deleteKeys: ReadonlySet<string>
  /** Existing rows matching any of these are deleted. */
  readonly deleteWhere: readonly pl.Expr[]
  /** Encoded keys that must not exist in the table (insert). */
  readonly mustNotExist: readonly string[]
  /** Every key the commit writes or deletes (for optimistic checks; computed on demand). */
  touchedKeys(): ReadonlySet<string>
}

function concat(a: pl.DataFrame | undefined, b: pl.DataFrame): pl.DataFrame {
  return a && a.height > 0 ? pl.concat([a, b], { how: 'vertical' }) : b
}

function withoutKeys(
  df: pl.DataFrame | undefined,
  keys: readonly string[],
  codec: KeyCodec,
): pl.DataFrame | undefined {
  if (!df || df.height === 0 || keys.length === 0) return df
  return df.join(codec.frame(keys), { on: [...codec.columns], how: 'anti' })
}

function uniqueKeys(df: pl.DataFrame, codec: KeyCodec, table: string): string[] {
  const keys = codec.encodeFrame(df)
  const seen = new Set<string>()
  for (const k of keys) {
    if (seen.has(k))
      throw new TableSchemaError(
        table,
        codec.columns.join(','),
        `primary key ${k} appears twice in the input`,
      )
    seen.add(k)
  }
  return keys
}

/** Conforms the operations' frames and folds them into one plan. Throws before anything is written. */
export function planWrite(
  operations: readonly TableOperation[],
  entity: EntityIR,
  enums: readonly EnumIR[],
  codec: KeyCodec,
  table: string,
): WritePlan {
  let rows: pl.DataFrame | undefined
  let clearBase = false
  const deleteKeys = new Set<string>()
  let deleteWhere: pl.Expr[] = []
  let mustNotExist: string[] = []
  const touched = new Set<string>()
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
        mustNotExist = [...mustNotExist, ...keys.filter((k) => !deleteKeys.has(k))]
        for (const k of keys) touched.add(k)
        rows = concat(rows, df)
        break
      }
      case 'upsert': {
        const df = conformFrame(op.df, entity, enums, table)
        const keys = uniqueKeys(df, codec, table)
        rows = concat(withoutKeys(rows, keys, codec), df)
        for (const k of keys) {
          deleteKeys.add(k)
          touched.add(k)
        }
        break
      }
      case 'deleteKeys': {
        const keys = op.keys.map((k) => codec.encode(k))
        rows = withoutKeys(rows, keys, codec)
        for (const k of keys) {
          deleteKeys.add(k)
          touched.add(k)
        }
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
        deleteKeys.clear()
        deleteWhere = []
        mustNotExist = []
        break
      }
    }
  }
  const newRows = rows
  const touchedKeys = (): ReadonlySet<string> => {
    if (newRows) for (const k of codec.encodeFrame(newRows)) touched.add(k)
    return touched
  }
  return { rows, clearBase, deleteKeys, deleteWhere, mustNotExist, touchedKeys }
}
