import { defaultStoragePath } from '@parquetframe/runtime/schema'

// The storage-path rule itself is shared with the runtime (@parquetframe/runtime/schema: storagePathProblem);
// front-ends only tidy how a path was written before the IR holds it.

export { defaultStoragePath }

/**
 * A storage path as written, tidied for the IR: leading `./` segments and one trailing `/` dropped
 * (`./data/users/` → `data/users`). Everything else is left for the shared rule to judge.
 */
export function normalizeStoragePath(raw: string): string {
  let path = raw
  while (path.startsWith('./')) path = path.slice(2)
  if (path.endsWith('/') && path.length > 1) path = path.slice(0, -1)
  return path
}
