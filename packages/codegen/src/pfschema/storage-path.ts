/** A storage path checked and normalised, or the reason it is refused. */
export type StoragePathCheck =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly problem: 'absolute' | 'escapes' | 'empty' | 'invalid' }

/**
 * Normalises a table directory given in `@storage("...")`: forward slashes, no `.` segments, `a/../b` folded.
 * Refuses absolute paths, paths that leave the base directory, empty paths and file-system-hostile characters.
 */
export function checkStoragePath(raw: string): StoragePathCheck {
  const trimmed = raw.trim()
  if (trimmed === '') return { ok: false, problem: 'empty' }
  if (/^[\\/]/.test(trimmed) || /^[A-Za-z]:/.test(trimmed)) return { ok: false, problem: 'absolute' }
  const segments: string[] = []
  for (const segment of trimmed.split(/[\\/]+/)) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      if (segments.length === 0) return { ok: false, problem: 'escapes' }
      segments.pop()
      continue
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
    if (/[\u0000-\u001f<>:"|?*]/.test(segment) || segment.endsWith(' ') || segment.endsWith('.')) {
      return { ok: false, problem: 'invalid' }
    }
    segments.push(segment)
  }
  if (segments.length === 0) return { ok: false, problem: 'empty' }
  return { ok: true, path: segments.join('/') }
}

/** The default table directory of an entity: its name in snake_case (`PostTag` → `post_tag`). */
export function defaultStoragePath(entityName: string): string {
  return entityName
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
}
