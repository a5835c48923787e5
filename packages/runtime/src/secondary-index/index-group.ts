import type { EntityIR, FieldIR } from '../schema/schema-ir.js'
import { KeyCodec } from '../table/key-codec.js'

/** One secondary index: the fields of an `@index`, `@unique`, `@@index` or `@@unique`, and how its values encode. */
export interface IndexGroup {
  /** Field names joined by `+` (`email`, `tenant+slug`): what `explain` and errors call it. */
  readonly name: string
  readonly fields: readonly FieldIR[]
  readonly columns: readonly string[]
  /** Declared `@unique`/`@@unique` (a unique group is also a lookup index). */
  readonly unique: boolean
  /** Encodes a value (or a tuple, for a composite group) exactly as the table encodes keys. */
  readonly codec: KeyCodec
}

/** Whether values of a field have an exact encoding (the key codec's: integers and strings). */
export function isIndexableField(field: FieldIR): boolean {
  const t = field.type
  return t.kind === 'enum' || (t.kind === 'scalar' && ['Int', 'BigInt', 'String'].includes(t.name))
}

/**
 * The secondary indexes of an entity: its index and unique groups whose fields all have an exact encoding,
 * each once, without the primary key (the table's key index serves it). Groups of other types are scanned.
 */
export function indexGroups(entity: EntityIR): IndexGroup[] {
  const byName = new Map(entity.fields.map((f) => [f.name, f]))
  const uniqueNames = new Set(entity.uniques.map((g) => g.join('+')))
  const pkName = entity.primaryKey.join('+')
  const out = new Map<string, IndexGroup>()
  for (const group of [...entity.uniques, ...entity.indexes]) {
    const name = group.join('+')
    if (out.has(name) || name === pkName || group.length === 0) continue
    const fields = group.map((n) => byName.get(n))
    if (!fields.every((f): f is FieldIR => f !== undefined && isIndexableField(f))) continue
    const codec = new KeyCodec({ ...entity, primaryKey: [...group] }, entity.name)
    out.set(name, {
      name,
      fields,
      columns: fields.map((f) => f.column),
      unique: uniqueNames.has(name),
      codec,
    })
  }
  return [...out.values()]
}
