import { extname } from 'node:path'
import { FormatError } from '../errors/pf-error.js'
import { avroFormat } from './avro-format.js'
import { csvFormat } from './csv-format.js'
import { ipcFormat } from './ipc-format.js'
import { ndjsonFormat } from './ndjson-format.js'
import { parquetFormat } from './parquet-format.js'
import type { FormatName, StorageFormat } from './storage-format.js'
import { tsvFormat } from './tsv-format.js'

const formats = new Map<FormatName, StorageFormat>(
  [parquetFormat, avroFormat, csvFormat, tsvFormat, ndjsonFormat, ipcFormat].map((f) => [f.name, f]),
)

/** Registers (or replaces) the implementation of a format. */
export function registerFormat(format: StorageFormat): void {
  formats.set(format.name, format)
}

/** The implementation of a format by name. */
export function getFormat(name: FormatName): StorageFormat {
  const format = formats.get(name)
  if (!format)
    throw new FormatError(`Unknown format "${name}". Supported formats: ${[...formats.keys()].join(', ')}`)
  return format
}

/** All registered formats, in registration order. */
export function listFormats(): StorageFormat[] {
  return [...formats.values()]
}

/** All supported extensions, lower-case with the dot. */
export function supportedExtensions(): string[] {
  return [...formats.values()].flatMap((f) => f.extensions)
}

/** The format of a file by its extension, case-insensitive (`.PARQUET` is parquet). */
export function formatForPath(path: string): StorageFormat {
  const ext = extname(path).toLowerCase()
  for (const format of formats.values()) if (format.extensions.includes(ext)) return format
  throw new FormatError(
    `Unsupported file format "${ext || '(no extension)'}" for ${path}. Supported extensions: ${supportedExtensions().join(', ')}`,
  )
}
