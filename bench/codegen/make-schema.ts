// Builds a synthetic .pfschema with `n` entities: assorted scalar, optional, list and enum fields, and
// relations in a tree (each entity points at a parent; each parent lists its children).

const KINDS = ['Int', 'String', 'Float', 'Boolean', 'DateTime', 'BigInt', 'Decimal', 'Date'] as const

/** Entity name of index i: `Entity007`. */
export function entityName(i: number): string {
  return `Entity${String(i).padStart(3, '0')}`
}

/** The text of one entity; `extra` adds a field (to measure regenerating after a change). */
export function entityText(i: number, n: number, extra = false): string {
  const lines = [`/// Synthetic entity number ${i}.`, `entity ${entityName(i)} @storage("e${i}") {`]
  lines.push('  id        Int      @id')
  lines.push('  name      String   @index')
  lines.push(`  code      String   @unique`)
  for (let k = 0; k < 6; k++)
    lines.push(`  f${k}        ${KINDS[(i + k) % KINDS.length]}${k % 3 === 0 ? '?' : ''}`)
  lines.push('  tags      String[]')
  lines.push('  level     Level    @default(LOW)')
  lines.push('  createdAt DateTime @default(now())')
  if (extra) lines.push('  added     String?')
  if (i > 0) {
    lines.push('  parentId  Int')
    lines.push(`  parent    ${entityName(Math.floor((i - 1) / 2))} @relation(foreignKey: parentId)`)
  }
  const children = [2 * i + 1, 2 * i + 2].filter((c) => c < n)
  for (const c of children) lines.push(`  kids${c}    ${entityName(c)}[] @relation(foreignKey: parentId)`)
  lines.push('}')
  return lines.join('\n')
}

/** The whole schema text. `changed` is the index of an entity that gets one extra field. */
export function schemaText(n: number, changed = -1): string {
  const parts = ['config {\n  storage = "./data"\n  format  = parquet\n}', 'enum Level { LOW MEDIUM HIGH }']
  for (let i = 0; i < n; i++) parts.push(entityText(i, n, i === changed))
  return `${parts.join('\n\n')}\n`
}
