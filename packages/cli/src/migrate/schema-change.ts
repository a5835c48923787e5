import type { EntityIR, EnumIR, FieldIR, FieldType } from '@parquetframe/runtime/schema'

/** How a change is carried out: only the table's metadata changes, its data is rewritten, or it is refused. */
export type ChangeCost = 'metadata' | 'rewrite' | 'incompatible'

/** One planned change to a table's stored schema. */
export interface SchemaChange {
  readonly kind:
    | 'add-field'
    | 'drop-field'
    | 'rename-field'
    | 'change-type'
    | 'change-optional'
    | 'change-default'
    | 'change-enum'
    | 'change-key'
    | 'change-format'
  readonly cost: ChangeCost
  /** `User.email` style subject. */
  readonly subject: string
  /** What changes, and for refusals why and what to do instead. */
  readonly message: string
}

/**
 * Compares a table's stored entity with the schema's (pure). Fields are matched by storage column, so a
 * field renamed with `@map("old")` keeps its data (metadata-only rename); a field renamed without `@map`
 * shows as a drop plus an add, with a hint.
 */
export function diffEntity(
  stored: EntityIR,
  storedEnums: readonly EnumIR[],
  wanted: EntityIR,
  wantedEnums: readonly EnumIR[],
): SchemaChange[] {
  const changes: SchemaChange[] = []
  const at = (field: string) => `${wanted.name}.${field}`
  const storedByColumn = new Map(stored.fields.map((f) => [f.column, f]))
  const wantedByColumn = new Map(wanted.fields.map((f) => [f.column, f]))
  const storedKey = stored.primaryKey.map((n) => stored.fields.find((f) => f.name === n)?.column ?? n)
  const wantedKey = wanted.primaryKey.map((n) => wanted.fields.find((f) => f.name === n)?.column ?? n)
  if (storedKey.join(',') !== wantedKey.join(',')) {
    changes.push({
      kind: 'change-key',
      cost: 'incompatible',
      subject: wanted.name,
      message: `primary key changes from (${storedKey.join(', ')}) to (${wantedKey.join(', ')}): keys identify rows, so this needs a new table and a copy`,
    })
  }
  const dropped = stored.fields.filter((f) => !wantedByColumn.has(f.column))
  const added = wanted.fields.filter((f) => !storedByColumn.has(f.column))
  for (const field of wanted.fields) {
    const old = storedByColumn.get(field.column)
    if (old) changes.push(...diffField(old, field, storedEnums, wantedEnums, at(field.name)))
  }
  for (const field of added) {
    const renameHint = dropped.find((d) => sameType(d.type, field.type))
    const hint = renameHint
      ? ` (if this renames ${renameHint.name}, keep its data with @map("${renameHint.column}"))`
      : ''
    if (field.optional || field.default !== undefined) {
      const fill = field.optional && field.default === undefined ? 'null' : 'its default'
      changes.push({
        kind: 'add-field',
        cost: 'metadata',
        subject: at(field.name),
        message: `add ${typeText(field)}; existing rows read ${fill}${hint}`,
      })
    } else {
      changes.push({
        kind: 'add-field',
        cost: 'incompatible',
        subject: at(field.name),
        message: `add required ${typeText(field)} without a default: existing rows would have no value; make it optional or give it @default(...)${hint}`,
      })
    }
  }
  for (const field of dropped) {
    changes.push({
      kind: 'drop-field',
      cost: 'metadata',
      subject: `${wanted.name}.${field.name}`,
      message: `drop ${typeText(field)}; its data stays in old files until they are rewritten`,
    })
  }
  if (stored.format !== wanted.format) {
    changes.push({
      kind: 'change-format',
      cost: 'rewrite',
      subject: wanted.name,
      message: `storage format changes from ${stored.format} to ${wanted.format}: run "pf migrate format --entity ${wanted.name} --to ${wanted.format}"`,
    })
  }
  return changes
}

function diffField(
  old: FieldIR,
  field: FieldIR,
  storedEnums: readonly EnumIR[],
  wantedEnums: readonly EnumIR[],
  subject: string,
): SchemaChange[] {
  const out: SchemaChange[] = []
  if (old.name !== field.name) {
    out.push({
      kind: 'rename-field',
      cost: 'metadata',
      subject,
      message: `rename ${old.name} to ${field.name} (column "${field.column}" keeps its data)`,
    })
  }
  if (!sameType(old.type, field.type)) {
    const cost = widening(old.type, field.type)
    out.push({
      kind: 'change-type',
      cost,
      subject,
      message:
        cost === 'incompatible'
          ? `type ${typeName(old.type)} → ${typeName(field.type)} is not a widening and could lose or reject values; add a new field and copy the data instead`
          : `widen ${typeName(old.type)} → ${typeName(field.type)}${cost === 'rewrite' ? ' (rewrites the data)' : ' (same storage type)'}`,
    })
  } else if (field.type.kind === 'enum') {
    const before = storedEnums.find((e) => e.name === (old.type as { name: string }).name)?.values ?? []
    const after = wantedEnums.find((e) => e.name === (field.type as { name: string }).name)?.values ?? []
    const removed = before.filter((v) => !after.includes(v))
    const addedValues = after.filter((v) => !before.includes(v))
    if (removed.length > 0) {
      out.push({
        kind: 'change-enum',
        cost: 'incompatible',
        subject,
        message: `enum value${removed.length > 1 ? 's' : ''} ${removed.join(', ')} removed: stored rows may hold ${removed.length > 1 ? 'them' : 'it'}; update those rows first, then remove`,
      })
    } else if (addedValues.length > 0) {
      out.push({
        kind: 'change-enum',
        cost: 'metadata',
        subject,
        message: `enum gains ${addedValues.join(', ')}`,
      })
    }
  }
  if (old.optional !== field.optional) {
    out.push(
      field.optional
        ? { kind: 'change-optional', cost: 'metadata', subject, message: 'becomes optional' }
        : {
            kind: 'change-optional',
            cost: 'incompatible',
            subject,
            message:
              'becomes required: stored rows may hold nulls; fill them first, then make the field required',
          },
    )
  }
  if (JSON.stringify(old.default) !== JSON.stringify(field.default)) {
    out.push({
      kind: 'change-default',
      cost: 'metadata',
      subject,
      message: 'default value changes (new rows only)',
    })
  }
  return out
}

/** Int→BigInt keeps int64 storage; Int→Float, Int/BigInt→Decimal and Date→DateTime rewrite; the rest are refused. */
function widening(from: FieldType, to: FieldType): ChangeCost {
  if (from.kind !== 'scalar' || to.kind !== 'scalar') return 'incompatible'
  const pair = `${from.name}->${to.name}`
  if (pair === 'Int->BigInt') return 'metadata'
  if (['Int->Float', 'Int->Decimal', 'BigInt->Decimal', 'Date->DateTime'].includes(pair)) return 'rewrite'
  return 'incompatible'
}

function sameType(a: FieldType, b: FieldType): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

function typeName(type: FieldType): string {
  return type.kind === 'list' ? `${typeName(type.element)}[]` : type.name
}

function typeText(field: FieldIR): string {
  return `${field.name} ${typeName(field.type)}${field.optional ? '?' : ''}`
}
