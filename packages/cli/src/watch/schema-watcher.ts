import { basename, dirname, sep } from 'node:path'
import { type FSWatcher, watch } from 'chokidar'
import type { SchemaLocation } from '../schema/schema-location.js'
import { SCHEMA_EXTENSION } from '../schema/schema-location.js'

/** One thing to watch: a file (through its folder), or a folder's files with the given extensions, recursively. */
export interface WatchRoot {
  readonly path: string
  readonly kind: 'file' | 'dir'
  /** For a folder: the file extensions that count (`.pfschema`, `.ts`). */
  readonly extensions: readonly string[]
}

/** Options of `watchFiles`. */
export interface WatchFilesOptions {
  readonly roots: readonly WatchRoot[]
  /** Folders whose changes never count (the generated output inside a watched folder). Default none. */
  readonly ignore?: readonly string[]
  /** Runs once at the start and after every burst of changes; runs never overlap. */
  readonly run: (changed: readonly string[]) => Promise<void>
  /** Stops watching when aborted. */
  readonly signal: AbortSignal | undefined
  /** Quiet time after the last change before a run. Default 50 ms. */
  readonly debounceMs?: number
  /** Called once the watcher is ready and the first run finished. */
  readonly onReady?: () => void
}

/** Options of `watchSchema`. */
export interface WatchSchemaOptions extends Omit<WatchFilesOptions, 'roots'> {
  readonly location: Pick<SchemaLocation, 'path' | 'kind'>
}

/**
 * Watches a schema file (through its folder, so editors that save by replacing the file are seen) or a
 * folder of `.pfschema` files (added and removed files included). See `watchFiles`.
 */
export function watchSchema(options: WatchSchemaOptions): Promise<void> {
  const { location, ...rest } = options
  return watchFiles({ ...rest, roots: [{ ...location, extensions: [SCHEMA_EXTENSION] }] })
}

const inside = (path: string, dir: string) =>
  path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep)

/** A chokidar watcher for one root, calling `onEvent` for the files that count. */
function watchRoot(root: WatchRoot, ignore: readonly string[], onEvent: (path: string) => void): FSWatcher {
  const watchedFile = root.kind === 'file' ? root.path : undefined
  const base = watchedFile ? dirname(watchedFile) : root.path
  const counts = (path: string) =>
    watchedFile ? path === watchedFile : root.extensions.some((ext) => path.endsWith(ext))
  const watcher = watch(base, {
    ignoreInitial: true,
    ...(watchedFile ? { depth: 0 } : {}),
    ignored: (path, stats) => {
      if (path === base) return false
      if (watchedFile) return path !== watchedFile
      const name = basename(path)
      if (name.startsWith('.') || name === 'node_modules' || ignore.some((dir) => inside(path, dir)))
        return true
      return stats?.isFile() === true && !counts(path)
    },
  })
  const event = (path: string) => {
    if (counts(path) && !ignore.some((dir) => inside(path, dir))) onEvent(path)
  }
  return watcher.on('add', event).on('change', event).on('unlink', event)
}

/**
 * Watches files and folders; debounces bursts of events and runs `run` serially. Resolves when `signal`
 * aborts, after closing the watchers; rejects (after closing them) when `run` throws — `run` should report the
 * user's mistakes itself and throw only on bugs.
 */
export async function watchFiles(options: WatchFilesOptions): Promise<void> {
  const { run, signal } = options
  const debounceMs = options.debounceMs ?? 50

  let pending = new Set<string>()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let again = false
  let failure: { error: unknown } | undefined
  let fail: () => void = () => {}

  const runNow = async (changed: readonly string[]): Promise<void> => {
    running = run(changed)
    try {
      await running
    } finally {
      running = undefined
    }
    if (again && !signal?.aborted) {
      again = false
      await flush()
    }
  }
  const flush = async (): Promise<void> => {
    timer = undefined
    if (running) {
      again = true // one more run once the current one ends, with everything changed meanwhile
      return
    }
    const changed = [...pending].sort()
    pending = new Set()
    await runNow(changed)
  }
  const onEvent = (path: string): void => {
    pending.add(path)
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      flush().catch((error: unknown) => {
        failure = { error }
        fail()
      })
    }, debounceMs)
  }
  const watchers = options.roots.map((root) => watchRoot(root, options.ignore ?? [], onEvent))

  const stopped = new Promise<void>((resolve) => {
    fail = resolve
    if (signal?.aborted) resolve()
    else signal?.addEventListener('abort', () => resolve(), { once: true })
  })
  try {
    const ready = Promise.all(
      watchers.map((w) => new Promise<void>((resolve) => w.once('ready', () => resolve()))),
    )
    await Promise.race([ready, stopped])
    if (!signal?.aborted) {
      await runNow([])
      options.onReady?.()
    }
    await stopped
  } finally {
    if (timer) clearTimeout(timer)
    await Promise.all(watchers.map((w) => w.close()))
    if (running) await running.catch(() => {})
  }
  if (failure) throw failure.error
}
