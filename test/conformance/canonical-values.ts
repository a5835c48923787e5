/**
 * One canonical text per value so that the project's records and a reference reader's compare with `===`:
 * integers (number or bigint) `i:`, other floats `f:`, NaN `nan`, strings `s:`, instants `t:` (ISO, ms),
 * bytes `b:` (hex); arrays and objects recursively. Accepts the tagged JSON of read-in-child.ts.
 */
export function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null
  switch (typeof value) {
    case 'bigint':
      return `i:${value}`
    case 'number':
      if (Number.isNaN(value)) return 'nan'
      return Number.isInteger(value) ? `i:${value === 0 ? 0 : value}` : `f:${value}`
    case 'string':
      return `s:${value}`
    case 'boolean':
      return value
  }
  if (value instanceof Date) return `t:${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()}`
  if (value instanceof Uint8Array) return `b:${Buffer.from(value).toString('hex')}`
  if (Array.isArray(value)) return value.map(canonical)
  const o = value as Record<string, unknown>
  if (typeof o.$bigint === 'string') return `i:${o.$bigint}`
  if (typeof o.$bytes === 'string') return `b:${o.$bytes}`
  if (typeof o.$date === 'string') return `t:${o.$date}`
  if (typeof o.$float === 'string') return o.$float === 'NaN' ? 'nan' : `f:${o.$float}`
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) out[k] = canonical(v)
  return out
}

/** The first row index where two canonical record lists differ, with both rows; undefined when equal. */
export function firstDifference(
  ours: readonly unknown[],
  reference: readonly unknown[],
): { row: number; ours: unknown; reference: unknown } | undefined {
  const n = Math.max(ours.length, reference.length)
  for (let i = 0; i < n; i++) {
    const a = JSON.stringify(ours[i] ?? null)
    const b = JSON.stringify(reference[i] ?? null)
    if (a !== b) return { row: i, ours: ours[i], reference: reference[i] }
  }
  return undefined
}
