/** The value Spark and Hive write for a null partition value. */
export const HIVE_NULL = '__HIVE_DEFAULT_PARTITION__'

/** Type of a partition column, inferred from all its values. */
export type HiveColumnType = 'int' | 'float' | 'string'

/** A partition column restored from `col=value/` directories. */
export interface HiveColumn {
  readonly name: string
  readonly type: HiveColumnType
}

/** The `col=value` pairs of a relative directory path, decoded (`%2F` → `/`, HIVE_NULL → null). */
export function parseHiveSegments(relativeDir: string): [string, string | null][] {
  const pairs: [string, string | null][] = []
  for (const segment of relativeDir.split(/[\\/]/)) {
    const eq = segment.indexOf('=')
    if (eq <= 0) continue
    const raw = segment.slice(eq + 1)
    pairs.push([decodeHive(segment.slice(0, eq)), raw === HIVE_NULL ? null : decodeHive(raw)])
  }
  return pairs
}

function decodeHive(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Infers a partition column's type: int if every value is an integer, float if every value is numeric, else string. */
export function inferHiveType(values: readonly (string | null)[]): HiveColumnType {
  const present = values.filter((v): v is string => v !== null)
  if (present.length === 0) return 'string'
  if (present.every((v) => /^-?\d{1,15}$/.test(v))) return 'int'
  if (present.every((v) => /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v))) return 'float'
  return 'string'
}

/** Printable characters Spark escapes in partition directory names (control characters are escaped too). */
const ESCAPED = new Set('"#%\'*/:=?\\{[]^')

/** The directory segment for a partition value, Spark-compatible (`col=value`, HIVE_NULL for null). */
export function hiveSegment(column: string, value: unknown): string {
  return `${escapeHive(column)}=${value === null || value === undefined ? HIVE_NULL : escapeHive(hiveText(value))}`
}

function hiveText(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  return String(value)
}

function escapeHive(text: string): string {
  let out = ''
  for (const c of text) {
    const code = c.charCodeAt(0)
    out +=
      code < 0x20 || code === 0x7f || ESCAPED.has(c)
        ? `%${code.toString(16).toUpperCase().padStart(2, '0')}`
        : c
  }
  return out
}
