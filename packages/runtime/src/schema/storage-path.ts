/**
 * The storage-path rule, shared by both codegen front-ends and the runtime: a table folder is a relative path of
 * portable segments under the store's base directory, so it can never reach outside it on any file system.
 */

/** Longest storage path, in characters. Default 200: a base directory still fits within Windows' 260. */
export const MAX_STORAGE_PATH_LENGTH = 200
/** Longest segment of a storage path, in characters. */
export const MAX_STORAGE_SEGMENT_LENGTH = 100

/** Why a storage path is refused. */
export type StoragePathProblem =
  | { readonly kind: 'absolute' }
  | { readonly kind: 'escapes' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'invalid'; readonly why: string }

const PORTABLE_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i

/**
 * Checks a table folder against the rule: relative, `/`-separated, no `.`/`..`/empty segments, no backslashes or
 * drive letters, segments of the POSIX portable characters (letters, digits, `.`, `_`, `-`, not starting with `.`
 * or `-`), no Windows device names, and length limits. Undefined when the path is fine.
 */
export function storagePathProblem(path: string): StoragePathProblem | undefined {
  if (path === '') return { kind: 'empty' }
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) return { kind: 'absolute' }
  if (path.includes('\\')) return { kind: 'invalid', why: 'uses "\\"; separate folders with "/"' }
  const segments = path.split('/')
  if (segments.includes('..')) return { kind: 'escapes' }
  if (segments.every((s) => s === '' || s === '.')) return { kind: 'empty' }
  if (segments.some((s) => s === '' || s === '.'))
    return { kind: 'invalid', why: 'has an empty or "." folder name' }
  if (path.length > MAX_STORAGE_PATH_LENGTH)
    return { kind: 'invalid', why: `is longer than ${MAX_STORAGE_PATH_LENGTH} characters` }
  for (const segment of segments) {
    if (segment.length > MAX_STORAGE_SEGMENT_LENGTH)
      return {
        kind: 'invalid',
        why: `has a folder name longer than ${MAX_STORAGE_SEGMENT_LENGTH} characters`,
      }
    if (!PORTABLE_SEGMENT.test(segment) || segment.endsWith('.'))
      return {
        kind: 'invalid',
        why: `has folder name ${JSON.stringify(segment)}: use letters, digits, ".", "_" and "-" (not first)`,
      }
    if (WINDOWS_DEVICE.test(segment))
      return { kind: 'invalid', why: `has folder name ${JSON.stringify(segment)}, a device name on Windows` }
  }
  return undefined
}

/** The default table folder of an entity: its name in snake_case (`PostTag` → `post_tag`). */
export function defaultStoragePath(entityName: string): string {
  return entityName
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
}

/** Whether table folder `inner` lies inside (or is) table folder `outer`, compared as file systems that ignore case do. */
export function storageContains(outer: string, inner: string): boolean {
  const a = outer.toLowerCase()
  const b = inner.toLowerCase()
  return a === b || b.startsWith(`${a}/`)
}
