import type { OracleRead } from './spec-delta-reader.js'

/**
 * PROTOCOL.md "Identity Columns", checked on what the oracle read: a column whose metadata holds `delta.identity.*`
 * keys needs writer version 6, or 7 listing `identityColumns`; start and step are longs (step not 0),
 * allowExplicitInsert a boolean, and the high-water mark a long that no value of the column passes (pf's reading of
 * "the highest value generated" with explicit inserts allowed: writers must never generate a value a row holds).
 * Longs are read from the schema text with all their digits (JSON numbers stop at 2^53).
 */

/** The identity metadata of each top-level field of a schema string, longs as digit strings. */
function identityMetadata(schemaString: string): Map<string, Record<string, unknown>> {
  const exact = schemaString.replace(
    /("delta\.identity\.(?:start|step|highWaterMark)"\s*:\s*)(-?\d+)/g,
    '$1"$2"',
  )
  const schema = JSON.parse(exact) as { fields: { name: string; metadata?: Record<string, unknown> }[] }
  const out = new Map<string, Record<string, unknown>>()
  for (const field of schema.fields) {
    const keys = Object.entries(field.metadata ?? {}).filter(([key]) => key.startsWith('delta.identity.'))
    if (keys.length > 0) out.set(field.name, Object.fromEntries(keys))
  }
  return out
}

const isLong = (value: unknown): value is string => typeof value === 'string' && /^-?\d+$/.test(value)

/** The identity-column problems of a read snapshot; empty when it follows the spec. */
export function identityProblems(read: OracleRead): string[] {
  const { snapshot } = read
  const at = `version ${snapshot.version}`
  const problems: string[] = []
  const columns = identityMetadata(snapshot.metaData.schemaString)
  if (columns.size === 0) return problems
  const { minWriterVersion, writerFeatures } = snapshot.protocol
  const supported =
    minWriterVersion === 6 || (minWriterVersion === 7 && (writerFeatures ?? []).includes('identityColumns'))
  if (!supported)
    problems.push(`${at}: identity columns on writer version ${minWriterVersion} without identityColumns`)
  for (const [name, keys] of columns) {
    const start = keys['delta.identity.start']
    const step = keys['delta.identity.step']
    const mark = keys['delta.identity.highWaterMark']
    const explicit = keys['delta.identity.allowExplicitInsert']
    if (!isLong(start)) problems.push(`${at}: ${name}: delta.identity.start is not a long`)
    if (!isLong(step) || BigInt(step) === 0n)
      problems.push(`${at}: ${name}: delta.identity.step is not a long ≠ 0`)
    if (explicit !== undefined && typeof explicit !== 'boolean')
      problems.push(`${at}: ${name}: delta.identity.allowExplicitInsert is not a boolean`)
    if (mark !== undefined && !isLong(mark)) problems.push(`${at}: ${name}: highWaterMark is not a long`)
    if (!isLong(start) || !isLong(step) || (mark !== undefined && !isLong(mark))) continue
    const up = BigInt(step) > 0n
    const values = read.rows.map((row) => row[name]).filter((v): v is bigint => typeof v === 'bigint')
    // Values at or past `start` in the step's direction are ones a writer could generate: the mark must cover them.
    const reach = values.filter((v) => (up ? v >= BigInt(start) : v <= BigInt(start)))
    if (reach.length === 0) continue
    // The value furthest in the step's direction (bigints: Math.max does not take them).
    const extreme = [...reach].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).at(up ? -1 : 0) as bigint
    if (mark === undefined) problems.push(`${at}: ${name}: holds ${extreme} but has no highWaterMark`)
    else if (up ? BigInt(mark) < extreme : BigInt(mark) > extreme)
      problems.push(`${at}: ${name}: highWaterMark ${mark} is behind the value ${extreme}`)
  }
  return problems
}
