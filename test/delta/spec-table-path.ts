import { isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SpecOracleError } from './spec-oracle-error.js'

/**
 * The local file of an `add`/`remove`/DV path: PROTOCOL.md "Add File and Remove File" — a URI, relative to the
 * table root or absolute (here only `file:` URIs), percent-encoded, so `x=A%252FA` is the folder `x=A%2FA`.
 */
export function tablePath(root: string, uri: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(uri)) {
    if (!uri.startsWith('file:')) throw new SpecOracleError('bad-path', `${root}: cannot read the URI ${uri}`)
    return fileURLToPath(uri)
  }
  const decoded = decodeURIComponent(uri)
  return isAbsolute(decoded) ? decoded : join(root, decoded)
}
