import { stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/** What makes a folder a pf project, in the order looked for: a config file, a schema file, a schema folder. */
export const PROJECT_MARKERS = [
  { name: 'pf.config.json', kind: 'any' },
  { name: 'pf.config.mjs', kind: 'any' },
  { name: 'schema.pfschema', kind: 'any' },
  { name: 'schema', kind: 'dir' },
] as const

/**
 * The project folder, found like git finds its root: the working directory if it holds a marker, else the nearest
 * parent that does. The search stops at the filesystem root and after a folder holding `.git` (a repository's root
 * bounds its projects: a stray schema above it is never picked up). Undefined when none is found.
 */
export async function findProjectDir(cwd: string): Promise<string | undefined> {
  let dir = cwd
  for (;;) {
    for (const marker of PROJECT_MARKERS) {
      const kind = await kindOf(join(dir, marker.name))
      if (kind !== undefined && (marker.kind === 'any' || kind === 'dir')) return dir
    }
    const parent = dirname(dir)
    if (parent === dir || (await kindOf(join(dir, '.git'))) !== undefined) return undefined
    dir = parent
  }
}

/**
 * 'dir' for a folder, 'file' for anything else that exists (a device or FIFO is then refused by name when read,
 * not reported as missing), undefined only when nothing is there.
 */
export async function kindOf(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file'
  } catch (error) {
    if (error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR'))
      return undefined
    return 'file' // there but unreadable (EACCES): reading it later names the reason
  }
}
