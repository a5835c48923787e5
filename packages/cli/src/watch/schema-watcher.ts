import { basename, dirname } from 'node:path'
import { watch } from 'chokidar'
import type { SchemaLocation } from '../schema/schema-location.js'
import { SCHEMA_EXTENSION } from '../schema/schema-location.js'

/** Options of `watchSchema`. */
export interface WatchSchemaOptions {
  readonly location: Pick<SchemaLocation, 'path' | 'kind'>
  /** Runs once at the start and after every burst of changes; runs never overlap. */
  readonly run: (changed: readonly string[]) => Promise<void>
  /** Stops watching when aborted. */
  readonly signal: AbortSignal | undefined
  /** Quiet time after the last change before a run. Default 50 ms. */
  readonly debounceMs?: number
  /** Called once the watcher is ready and the first run finished. */
  readonly onReady?: () => void
}

/**
 * Watches a schema file (through its folder, so editors that save by replacing the file are seen) or a
 * folder of `.pfschema` files (added and removed files included); debounces bursts of events and runs
 * `run` serially. Resolves when `signal` aborts, after closing the watcher; rejects (after closing it)
 * when `run` throws — `run` should report the user's mistakes itself and throw only on bugs.
 */
export async function watchSchema(options: WatchSchemaOptions): Promise<void> {
  const { location, run, signal } = options
  const debounceMs = options.debounceMs ?? 50
  const watchedFile = location.kind === 'file' ? location.path : undefined
  const root = watchedFile ? dirname(watchedFile) : location.path
  const watcher = watch(root, {
    ignoreInitial: true,
    ...(watchedFile ? { depth: 0 } : {}),
    ignored: (path, stats) => {
      if (path === root) return false
      const name = basename(path)
      if (watchedFile) return path !== watchedFile
      if (name.startsWith('.') || name === 'node_modules') return true
      return stats?.isFile() === true && !name.endsWith(SCHEMA_EXTENSION)
    },
  })

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
    if (location.kind === 'dir' && !path.endsWith(SCHEMA_EXTENSION)) return
    pending.add(path)
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      flush().catch((error: unknown) => {
        failure = { error }
        fail()
      })
    }, debounceMs)
  }
  watcher.on('add', onEvent).on('change', onEvent).on('unlink', onEvent)

  const stopped = new Promise<void>((resolve) => {
    fail = resolve
    if (signal?.aborted) resolve()
    else signal?.addEventListener('abort', () => resolve(), { once: true })
  })
  try {
    await Promise.race([new Promise<void>((resolve) => watcher.once('ready', () => resolve())), stopped])
    if (!signal?.aborted) {
      await runNow([])
      options.onReady?.()
    }
    await stopped
  } finally {
    if (timer) clearTimeout(timer)
    await watcher.close()
    if (running) await running.catch(() => {})
  }
  if (failure) throw failure.error
}
