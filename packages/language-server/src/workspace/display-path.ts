import { relative, sep } from 'node:path'

/** How `pf validate` names a schema file in messages: relative to the working directory when inside it. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path)
  return rel.startsWith('..') || rel === '' ? path : rel.split(sep).join('/')
}
