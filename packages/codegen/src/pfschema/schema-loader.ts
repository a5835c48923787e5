import { readdir, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'
import { parseSchemaSources, type SchemaParseResult, type SchemaSource } from './parse-schema.js'
import { readSchemaFile, reason } from './schema-file-reader.js'

/** File extension of schema files. */
export const PFSCHEMA_EXTENSION = '.pfschema'

const failure = (path: string, diagnostic: Diagnostic, shown = ''): SchemaParseResult => ({
  ir: undefined,
  diagnostics: [diagnostic],
  // Nothing read: no source line to print under the diagnostic.
  sources: shown === '' ? new Map() : new Map([[path, shown]]),
})

/**
 * Reads a schema from a `.pfschema` file, or from every `.pfschema` file under a directory (recursively, merged in
 * path order), and parses it. Spans name files by the path given plus their place in the directory.
 * Read failures are returned as diagnostics (PF0001-PF0005: unreadable, empty folder, not a regular file, too large,
 * not UTF-8), not thrown.
 */
export async function loadSchema(path: string): Promise<SchemaParseResult> {
  const at = { file: path, line: 1, column: 1, length: 0 }
  let files: string[]
  try {
    const info = await stat(path)
    files = info.isDirectory() ? await listSchemaFiles(path) : [path]
  } catch (error) {
    return failure(path, messages.cannotReadSchema(at, path, reason(error)))
  }
  if (files.length === 0) return failure(path, messages.noSchemaFiles(at, path))
  const sources: SchemaSource[] = []
  for (const file of files) {
    const read = await readSchemaFile(file)
    if (!read.ok) return failure(file, read.diagnostic, read.shown)
    sources.push({ file, text: read.text })
  }
  return parseSchemaSources(sources)
}

async function listSchemaFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return (
    entries
      // Not only regular files: a symlink or a FIFO named *.pfschema is read (or refused with its reason), not skipped.
      .filter((e) => !e.isDirectory() && e.name.endsWith(PFSCHEMA_EXTENSION))
      .map((e) => join(e.parentPath, e.name))
      .sort((a, b) => {
        const ra = relative(dir, a).split(sep).join('/')
        const rb = relative(dir, b).split(sep).join('/')
        return ra < rb ? -1 : ra > rb ? 1 : 0
      })
  )
}
