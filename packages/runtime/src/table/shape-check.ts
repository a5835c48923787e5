/**
 * Tiny structural validators for data read from disk (log entries, checkpoints). Hand-rolled rather than zod:
 * a checkpoint lists every live file, and zod took 160 ms on a cold process to validate 10,000 of them (this:
 * about 2 ms). A check returns undefined, or where and what went wrong (`add[0].path: expected string`).
 */
export interface ShapeIssue {
  /** Where, relative to the value checked: `.add[0].path`. */
  path: string
  readonly message: string
}

/** Checks a value; undefined when it fits. */
export type Check = (value: unknown) => ShapeIssue | undefined

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

const issue = (message: string): ShapeIssue => ({ path: '', message })
const expected = (what: string, value: unknown): ShapeIssue => issue(`expected ${what}, got ${kindOf(value)}`)

export const string: Check = (v) => (typeof v === 'string' ? undefined : expected('string', v))
export const nonEmpty: Check = (v) =>
  typeof v === 'string' && v.length > 0 ? undefined : expected('non-empty string', v)
export const number: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) ? undefined : expected('number', v)
export const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : expected('boolean', v))
/** A non-negative integer (a count, a size, a version). */
export const count: Check = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? undefined : expected('non-negative integer', v)
export const integer: Check = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) ? undefined : expected('integer', v)

/** One of the given literal values. */
export function oneOf(values: readonly (string | number | boolean)[]): Check {
  const set = new Set<unknown>(values)
  return (v) =>
    set.has(v) ? undefined : issue(`expected one of ${values.join(', ')}, got ${JSON.stringify(v)}`)
}

/** The first check's issue, or the second's (a check with a condition of its own). */
export function refine(check: Check, problem: (value: never) => string | undefined): Check {
  return (v) => {
    const found = check(v)
    if (found) return found
    const message = problem(v as never)
    return message === undefined ? undefined : issue(message)
  }
}

export function optional(check: Check): Check {
  return (v) => (v === undefined ? undefined : check(v))
}

export function nullable(check: Check): Check {
  return (v) => (v === null ? undefined : check(v))
}

/** Absent, null or fitting: the spec's optional fields, which writers also write as null. */
export function maybe(check: Check): Check {
  return optional(nullable(check))
}

/** Any of the checks (the last one's issue when none fits). */
export function either(...checks: Check[]): Check {
  return (v) => {
    let last: ShapeIssue | undefined
    for (const c of checks) {
      last = c(v)
      if (!last) return undefined
    }
    return last
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** An object with these keys (others are allowed: newer writers may add some). */
export function object(shape: Readonly<Record<string, Check>>): Check {
  const keys = Object.keys(shape)
  return (v) => {
    if (!isRecord(v)) return expected('object', v)
    for (const key of keys) {
      const found = (shape[key] as Check)(v[key])
      if (found) {
        found.path = `.${key}${found.path}`
        return found
      }
    }
    return undefined
  }
}

export function array(element: Check): Check {
  return (v) => {
    if (!Array.isArray(v)) return expected('array', v)
    for (let i = 0; i < v.length; i++) {
      const found = element(v[i])
      if (found) {
        found.path = `[${i}]${found.path}`
        return found
      }
    }
    return undefined
  }
}

/** An object used as a map: every value checked. */
export function record(value: Check): Check {
  return (v) => {
    if (!isRecord(v)) return expected('object', v)
    for (const key in v) {
      const found = value(v[key])
      if (found) {
        found.path = `.${key}${found.path}`
        return found
      }
    }
    return undefined
  }
}

/** A check defined later (recursive shapes). */
export function lazy(get: () => Check): Check {
  let check: Check | undefined
  return (v) => {
    check ??= get()
    return check(v)
  }
}

/** An issue as text: `add[0].path: expected string, got undefined`. */
export function describeIssue(found: ShapeIssue, root: string): string {
  const where = found.path.startsWith('.') ? found.path.slice(1) : found.path
  return `${where || root}: ${found.message}`
}
