import { access } from 'node:fs/promises'

/** Whether a file or folder exists now (asynchronously, as the code under test sees the file system). */
export function pathExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}
