import { FormatError, NotFoundError, ParquetFrameError } from '../errors/pf-error.js'
import type { FormatName } from './storage-format.js'

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}

/** The typed error for a failed read: not-found for a missing file, else a FormatError naming the file. */
export function readError(format: FormatName, path: string, cause: unknown): ParquetFrameError {
  if (cause instanceof ParquetFrameError) return cause
  const message = messageOf(cause)
  const code = (cause as { code?: unknown } | null)?.code
  if (code === 'ENOENT' || /no such file or directory|os error 2\b/i.test(message))
    return new NotFoundError(path)
  return new FormatError(`Cannot read ${path} as ${format}: ${message}`, { cause })
}

/** The typed error for a failed write, naming the file. */
export function writeError(format: FormatName, path: string, cause: unknown): ParquetFrameError {
  if (cause instanceof ParquetFrameError) return cause
  return new FormatError(`Cannot write ${path} as ${format}: ${messageOf(cause)}`, { cause })
}

/** Runs `fn`, turning any failure into {@link readError}. */
export async function guardRead<T>(format: FormatName, path: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (cause) {
    throw readError(format, path, cause)
  }
}

/** Runs `fn`, turning any failure into {@link writeError}. */
export async function guardWrite<T>(format: FormatName, path: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (cause) {
    throw writeError(format, path, cause)
  }
}
