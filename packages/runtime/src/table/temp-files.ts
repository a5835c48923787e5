import type { FileSystem } from './file-system.js'

/** Removes a file a failed step may have left (a temp file); a missing file or a failing unlink is ignored. */
export async function removeQuietly(fs: FileSystem, path: string): Promise<void> {
  await fs.unlink(path).catch(() => undefined)
}
