import { join, relative, resolve, sep } from 'node:path'
import { LOG_DIR, PRIVATE_DIR } from './log-entry.js'

/** What a relative path may climb: nothing (a table's files), or leading `..` segments (a decision file). */
export interface PathRules {
  /** Leading `..` segments allowed (a decision file in an ancestor's `_pf_txn/`). Default false. */
  readonly parents?: boolean
}

/**
 * Why a path taken from a log, checkpoint or decision cannot be used below its folder, or undefined when it can.
 * Lexical, never `realpath`: `/`-separated segments, none empty, `.`, `..` (except leading ones when allowed),
 * no absolute path, drive letter, backslash or NUL, and nothing inside the log folder or pf's folder. Symbolic links inside a
 * table are followed like any folder: whoever can create them can already write the table.
 */
export function pathProblem(path: string, rules: PathRules = {}): string | undefined {
  if (path.length === 0) return 'empty path'
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return `absolute path ${JSON.stringify(path)}`
  if (path.includes('\\') || path.includes('\0'))
    return `path ${JSON.stringify(path)} holds a backslash or NUL (only "/" separates folders)`
  const segments = path.split('/')
  let i = 0
  if (rules.parents) while (segments[i] === '..') i++
  const rest = segments.slice(i)
  if (rest.length === 0) return `path ${JSON.stringify(path)} names no file`
  for (const s of rest) {
    if (s === '' || s === '.' || s === '..')
      return `path ${JSON.stringify(path)} leaves its folder or has an empty segment`
  }
  if (i === 0 && (rest[0] === LOG_DIR || rest[0] === PRIVATE_DIR))
    return `path ${JSON.stringify(path)} points into the ${rest[0]} folder`
  return undefined
}

/** Thrown by `containedPath` for a path `pathProblem` refuses; callers name the table, file and version. */
export class UncontainedPathError extends Error {}

/** The absolute path of a checked relative path below `root` (see `pathProblem`). */
export function containedPath(root: string, path: string, rules: PathRules = {}): string {
  const problem = pathProblem(path, rules)
  if (problem !== undefined) throw new UncontainedPathError(problem)
  return join(root, ...path.split('/'))
}

/** A path below `root` as logs and records hold it: relative to the table's folder, `/`-separated. */
export function tableRelative(root: string, path: string): string {
  const rel = relative(resolve(root), resolve(path))
  return sep === '/' ? rel : rel.split(sep).join('/')
}
