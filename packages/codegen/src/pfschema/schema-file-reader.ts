import type { Stats } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'
import { decodeSchemaText } from './schema-text-decoder.js'

/** Largest schema file read, in bytes (8 MiB): a schema is text a person writes; more is a wrong path. */
export const MAX_SCHEMA_FILE_BYTES = 8 * 1024 * 1024

/** A schema file's text, or the diagnostic saying why it cannot be used. */
export type SchemaFileRead =
  | { readonly ok: true; readonly text: string }
  | {
      readonly ok: false
      readonly diagnostic: Diagnostic
      /** What to print under the diagnostic (the text with U+FFFD for bad bytes); empty when nothing was read. */
      readonly shown: string
    }

/**
 * Reads one schema file as strict UTF-8. Never throws and never blocks on a FIFO or device: a path that is not a
 * regular file (PF0003), larger than MAX_SCHEMA_FILE_BYTES (PF0004), not UTF-8 (PF0005 at the bad byte) or not
 * readable (PF0001) gives a diagnostic naming `file` (the path as shown to the user; default `path`).
 */
export async function readSchemaFile(
  path: string,
  file = path,
  limit = MAX_SCHEMA_FILE_BYTES,
): Promise<SchemaFileRead> {
  const at = { file, line: 1, column: 1, length: 0 }
  const fail = (diagnostic: Diagnostic, shown = ''): SchemaFileRead => ({ ok: false, diagnostic, shown })
  try {
    // Checked before opening: opening a FIFO would wait for a writer.
    const problem = checkStats(await stat(path), file, limit)
    if (problem !== undefined) return fail(problem)
    const handle = await open(path, 'r')
    try {
      const info = await handle.stat()
      const again = checkStats(info, file, limit)
      if (again !== undefined) return fail(again)
      // Sized from the file, grown if it grows while read, never past the limit.
      let buffer = new Uint8Array(info.size + 1)
      let size = 0
      for (;;) {
        if (size === buffer.length) {
          if (size > limit) return fail(messages.schemaTooLarge(at, file, size, limit))
          const grown = new Uint8Array(Math.min(limit + 1, buffer.length * 2))
          grown.set(buffer)
          buffer = grown
        }
        const { bytesRead } = await handle.read(buffer, size, buffer.length - size, null)
        if (bytesRead === 0) break
        size += bytesRead
      }
      if (size > limit) return fail(messages.schemaTooLarge(at, file, size, limit))
      const decoded = decodeSchemaText(buffer.subarray(0, size), file)
      return decoded.ok ? { ok: true, text: decoded.text } : fail(decoded.diagnostic, decoded.lossy)
    } finally {
      await handle.close()
    }
  } catch (error) {
    return fail(messages.cannotReadSchema(at, file, reason(error)))
  }
}

function checkStats(info: Stats, file: string, limit: number): Diagnostic | undefined {
  const at = { file, line: 1, column: 1, length: 0 }
  if (!info.isFile()) return messages.notARegularFile(at, file, kindOf(info))
  if (info.size > limit) return messages.schemaTooLarge(at, file, info.size, limit)
  return undefined
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory'
  if (info.isCharacterDevice()) return 'a character device'
  if (info.isBlockDevice()) return 'a block device'
  if (info.isFIFO()) return 'a FIFO (named pipe)'
  if (info.isSocket()) return 'a socket'
  return 'a special file'
}

/** The reason of a failed read, in words (`no such file or directory`, `permission denied`). */
export function reason(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? error.code : undefined
  if (code === 'ENOENT') return 'no such file or directory'
  if (code === 'EACCES') return 'permission denied'
  if (code === 'EISDIR') return 'it is a directory'
  return error instanceof Error ? error.message : String(error)
}
