import { isAbsolute, join, resolve } from 'node:path'
import type { WatchRoot } from './schema-watcher.js'

/** Extensions of the files a class glob's folder is watched for. */
export const CLASS_FILE_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'] as const

const GLOB = /[*?[\]{}]/

/**
 * What to watch for `--classes` patterns: a file as itself; a glob as the folder before its first wildcard
 * segment (`src/models/*.ts` → `src/models/`, recursively, TypeScript files), so files added later are seen.
 */
export function classWatchRoots(patterns: readonly string[], cwd: string): WatchRoot[] {
  const roots = new Map<string, WatchRoot>()
  for (const pattern of patterns) {
    if (!GLOB.test(pattern)) {
      const path = resolve(cwd, pattern)
      roots.set(path, { path, kind: 'file', extensions: [] })
      continue
    }
    const segments = pattern.replace(/\\/g, '/').split('/')
    const fixed = segments.slice(
      0,
      segments.findIndex((s) => GLOB.test(s)),
    )
    const base = fixed.join('/')
    const path = isAbsolute(pattern) ? resolve(base === '' ? '/' : base) : resolve(join(cwd, base))
    roots.set(path, { path, kind: 'dir', extensions: CLASS_FILE_EXTENSIONS })
  }
  return [...roots.values()].sort((a, b) => (a.path < b.path ? -1 : 1))
}
