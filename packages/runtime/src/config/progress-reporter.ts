import { getConfig } from './config-store.js'

/** Reports the advance of a long operation; does nothing unless the `progress` setting is on. */
export interface ProgressReporter {
  /** Marks `n` more units done (default 1). */
  advance(n?: number): void
  /** Marks the operation finished. */
  done(): void
}

/** Where progress lines go; defaults to stderr. */
export interface ProgressSink {
  write(text: string): unknown
}

const silent: ProgressReporter = { advance() {}, done() {} }

/** Starts reporting `label` over `total` units; at most one line per `intervalMs` (default 250) plus the last. */
export function startProgress(
  label: string,
  total: number,
  options: { sink?: ProgressSink; intervalMs?: number } = {},
): ProgressReporter {
  if (!getConfig().progress) return silent
  const sink = options.sink ?? process.stderr
  const interval = options.intervalMs ?? 250
  let count = 0
  let last = 0
  let finished = false
  const line = () => `parquetframe: ${label} ${count}/${total}\n`
  return {
    advance(n = 1) {
      count += n
      const now = Date.now()
      if (now - last >= interval || count >= total) {
        last = now
        sink.write(line())
      }
    },
    done() {
      if (finished) return
      finished = true
      if (count < total || last === 0) sink.write(line())
    },
  }
}
