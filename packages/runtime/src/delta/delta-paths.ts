import { pathProblem } from '../table/table-path.js'
import { utcMicrosParts } from './utc-calendar.js'

/**
 * The one place paths meet the Delta log. A data file's path inside the table (`/`-separated, as on disk) is
 * written to `add`/`remove` as a relative URI (RFC 2396: every character outside the unreserved set and `/`
 * percent-encoded), and a URI read from a log is decoded and checked to stay inside the table. Partition folder
 * names and partition values follow the spec's "Partition Value Serialization" here too.
 */

/** Characters a URI path segment keeps as they are (RFC 2396 unreserved, plus `:@&=+$,` of pchar). */
const KEPT = /[A-Za-z0-9\-_.!~*'():@&=+$,]/

/** The relative URI of a path inside the table (what `add.path` / `remove.path` hold). */
export function encodeDeltaPath(path: string): string {
  let out = ''
  for (const ch of path) {
    if (ch === '/' || KEPT.test(ch)) out += ch
    else
      for (const byte of Buffer.from(ch, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** Why a log's path URI cannot be used, or the path inside the table it names. */
export function decodeDeltaPath(uri: string): { ok: true; path: string } | { ok: false; problem: string } {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri) && !/^[A-Za-z]:[\\/]/.test(uri)) {
    return { ok: false, problem: `absolute URI ${JSON.stringify(uri)}: pf reads only files inside the table` }
  }
  let path: string
  try {
    path = decodeURIComponent(uri)
  } catch {
    return { ok: false, problem: `path ${JSON.stringify(uri)} is not a valid URI (bad percent-encoding)` }
  }
  const problem = pathProblem(path)
  return problem === undefined ? { ok: true, path } : { ok: false, problem }
}

/** Hive's folder name for a null partition value. */
export const NULL_PARTITION_DIR = '__HIVE_DEFAULT_PARTITION__'

/** The folder of a partition value: `<column>=<value>` with the value percent-encoded (never `/`, never `..`). */
export function partitionDirName(column: string, value: string | null): string {
  return `${column}=${value === null ? NULL_PARTITION_DIR : encodeURIComponent(value)}`
}

/** Microseconds since the epoch as the spec's partition timestamp (`YYYY-MM-DD HH:MM:SS.ffffff`, UTC). */
export function partitionTimestamp(micros: bigint): string {
  const { date, time } = utcMicrosParts(micros)
  return `${date} ${time}`
}
