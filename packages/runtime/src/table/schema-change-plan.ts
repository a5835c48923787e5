import { decimalSpecOf } from '../schema/decimal-spec.js'
import { fieldTypeLabel } from '../schema/entity-rules.js'
import type { EntityIR, EnumIR, FieldIR, FieldType } from '../schema/schema-ir.js'
import { defaultFillsRows } from './schema-evolution.js'

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
    | 'change-partitioning'
    | 'change-format'
  readonly cost: ChangeCost
  /** `User.email` style subject. */
  readonly subject: string
  /** What changes, and for refusals why and what to do instead. */
  readonly message: string
}

/** Options of `planSchemaChanges`. */
export interface SchemaChangeOptions {
  /**
   * Renames whose storage column changes too: old field name → new field name. The
   * old column's data is read under the new name (no rewrite). Default: none —
   * fields match by storage column, so a rename with `@map("old")` needs nothing here.
   */
  readonly renames?: Readonly<Record<string, string>>
}

/**
 * Compares a table's stored entity with a wanted one (pure). Fields are matched by
 * storage column (plus `renames`), so a field renamed with `@map("old")` keeps its
 * data (metadata-only rename); a field renamed without `@map` shows as a drop plus
 * an add, with a hint. Storage format changes are not listed (see `Table.rewriteFormat`).
 */
export function planSchemaChanges(
  stored: EntityIR,
  storedEnums: readonly EnumIR[],
  wanted: EntityIR,
  wantedEnums: readonly EnumIR[],
  options: SchemaChangeOptions = {},
): SchemaChange[] {
  const changes: SchemaChange[] = []
  const at = (field: string) => `${wanted.name}.${field}`
  const renamedTo = new Map<string, FieldIR>()
  for (const [from, to] of Object.entries(options.renames ?? {})) {
    const old = stored.fields.find((f) => f.name === from)
    const field = wanted.fields.find((f) => f.name === to)
    if (!old || !field) {
      changes.push({
        kind: 'rename-field',
        cost: 'incompatible',
        subject: at(to),
        message: `cannot rename ${from} to ${to}: ${old ? `${wanted.name} declares no field ${to}` : `the table has no field ${from}`}`,
      })
      continue
    }
    if (old.column !== field.column) renamedTo.set(old.column, field)
  }
  const renamedFrom = new Map([...renamedTo].map(([column, field]) => [field.column, column]))
  const storedByColumn = new Map(stored.fields.map((f) => [f.column, f]))
  const matchOf = (field: FieldIR): FieldIR | undefined => {
    const from = renamedFrom.get(field.column)
    if (from !== undefined) return storedByColumn.get(from)
    return renamedTo.has(field.column) ? undefined : storedByColumn.get(field.column)
  }
  const columnsOf = (entity: EntityIR, names: readonly string[]) =>
    names.map((n) => entity.fields.find((f) => f.name === n)?.column ?? n)
  const storedKey = columnsOf(stored, stored.primaryKey)
  const wantedKey = wanted.primaryKey.map((n) => {
    const field = wanted.fields.find((f) => f.name === n)
    return field ? (matchOf(field)?.column ?? field.column) : n
  })
  if (storedKey.join(',') !== wantedKey.join(',')) {
    changes.push({
      kind: 'change-key',
      cost: 'incompatible',
      subject: wanted.name,
      message: `primary key changes from (${storedKey.join(', ')}) to (${wantedKey.join(', ')}): keys identify rows, so this needs a new table and a copy`,
    })
  }
  const storedParts = columnsOf(stored, stored.partitionBy)
  const wantedParts = columnsOf(wanted, wanted.partitionBy)
  if (storedParts.join(',') !== wantedParts.join(',')) {
    changes.push({
      kind: 'change-partitioning',
      cost: 'incompatible',
      subject: wanted.name,
      message: `partitioning changes from (${storedParts.join(', ')}) to (${wantedParts.join(', ')}): this needs a new table and a copy`,
    })
  }
  const matched = new Set<string>()
  const added: FieldIR[] = []
  for (const field of wanted.fields) {
    const old = matchOf(field)
    if (!old) {
      added.push(field)
      continue
    }
    matched.add(old.column)
    changes.push(...diffField(old, field, storedEnums, wantedEnums, at(field.name)))
    const fixed = storedKey.includes(old.column) || storedParts.includes(old.column)
    if (old.column !== field.column && fixed) {
      changes.push({
        kind: 'rename-field',
        cost: 'incompatible',
        subject: at(field.name),
        message: `column "${old.column}" is part of the key or partitioning and cannot change its name; rename the field with @map("${old.column}") instead`,
      })
    }
  }
  const dropped = stored.fields.filter((f) => !matched.has(f.column))
  for (const field of added) changes.push(addedField(field, dropped, at(field.name)))
  for (const field of dropped) {
    changes.push({
      kind: 'drop-field',
      cost: 'metadata',
      subject: `${wanted.name}.${field.name}`,
      message: `drop ${typeText(field)}; its data stays in old files until they are rewritten`,
    })
  }
  return changes
}

function addedField(field: FieldIR, dropped: readonly FieldIR[], subject: string): SchemaChange {
  const renameHint = dropped.find((d) => sameType(d.type, field.type))
  const hint = renameHint
    ? ` (if this renames ${renameHint.name}, keep its data with @map("${renameHint.column}"))`
    : ''
  const generated = field.default?.kind === 'uuid' || field.default?.kind === 'autoincrement'
  if (generated && !field.optional) {
    return {
      kind: 'add-field',
      cost: 'incompatible',
      subject,
      message: `add required ${typeText(field)} with @default(${field.default?.kind}()): existing rows would each need a generated value; make it optional${hint}`,
    }
  }
  if (defaultFillsRows(field)) {
    return {
      kind: 'add-field',
      cost: 'rewrite',
      subject,
      message: `add ${typeText(field)}; existing rows read its default (written into their files: Delta readers know no defaults for existing rows)${hint}`,
    }
  }
  if (field.optional) {
    return {
      kind: 'add-field',
      cost: 'metadata',
      subject,
      message: `add ${typeText(field)}; existing rows read null${hint}`,
    }
  }
  return {
    kind: 'add-field',
    cost: 'incompatible',
    subject,
    message: `add required ${typeText(field)} without a default: existing rows would have no value; make it optional or give it @default(...)${hint}`,
  }
}

function diffField(
  old: FieldIR,
  field: FieldIR,
  storedEnums: readonly EnumIR[],
  wantedEnums: readonly EnumIR[],
  subject: string,
): SchemaChange[] {
  const out: SchemaChange[] = []
  if (old.name !== field.name || old.column !== field.column) {
    out.push({
      kind: 'rename-field',
      cost: 'metadata',
      subject,
      message:
        old.column === field.column
          ? `rename ${old.name} to ${field.name} (column "${field.column}" keeps its data)`
          : `rename ${old.name} to ${field.name} (stored column "${old.column}" is read as "${field.column}"; no rewrite)`,
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

/**
 * Int→BigInt and enum→String keep their storage type; Int→Float, Int/BigInt→Decimal,
 * Date→DateTime and Decimal→a Decimal keeping at least its integer and fraction digits rewrite;
 * the rest are refused. A Decimal without precision (a table from before Decimal(p, s), stored
 * as text) rewrites to any Decimal(p, s): every value is checked to fit, else nothing is committed.
 */
function widening(from: FieldType, to: FieldType): ChangeCost {
  if (from.kind === 'enum' && to.kind === 'scalar' && to.name === 'String') return 'metadata'
  if (from.kind !== 'scalar' || to.kind !== 'scalar') return 'incompatible'
  if (from.name === 'Decimal' && to.name === 'Decimal') {
    if (from.precision === undefined) return 'rewrite'
    const was = decimalSpecOf(from)
    const now = decimalSpecOf(to)
    return now.scale >= was.scale && now.precision - now.scale >= was.precision - was.scale
      ? 'rewrite'
      : 'incompatible'
  }
  const pair = `${from.name}->${to.name}`
  if (pair === 'Int->BigInt') return 'metadata'
  if (['Int->Float', 'Int->Decimal', 'BigInt->Decimal', 'Date->DateTime'].includes(pair)) return 'rewrite'
  return 'incompatible'
}

function sameType(a: FieldType, b: FieldType): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

function typeName(type: FieldType): string {
  return fieldTypeLabel(type)
}

function typeText(field: FieldIR): string {
  return `${field.name} ${typeName(field.type)}${field.optional ? '?' : ''}`
}
