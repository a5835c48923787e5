import type { FileSystem } from './file-system.js'

/** True for the name of a temporary file a writer creates before renaming or linking it (`.<name>.<id>.tmp`). */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp')
}

/** Removes a file a failed step may have left (a temp file); a missing file or a failing unlink is ignored. */
export async function removeQuietly(fs: FileSystem, path: string): Promise<void> {
  await fs.unlink(path).catch(() => undefined)
}
