import { closeSync, openSync, readSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import pl from 'nodejs-polars'
import { guardRead, guardWrite } from './format-io-errors.js'
import { collectWithOptions, concatLazy, projectEager } from './lazy-projection.js'
import type { ReadOptions, StorageFormat, WriteOptions } from './storage-format.js'

/** Rows polars looks at to infer column types. Default 10,000. */
export const NDJSON_INFER_SCHEMA_ROWS = 10_000

type JsonLayout = 'lines' | 'array' | 'empty'

/** Newline-delimited JSON, or (for `.json` files written by other tools) one JSON array of objects. */
function jsonLayout(path: string): JsonLayout {
  const fd = openSync(path, 'r')
  try {
    const chunk = Buffer.alloc(4096)
    for (let position = 0; ; ) {
      const n = readSync(fd, chunk, 0, chunk.length, position)
      if (n === 0) return 'empty'
      for (let i = 0; i < n; i++) {
        const byte = chunk[i]
        if (
          byte === 0x20 ||
          byte === 0x0a ||
          byte === 0x0d ||
          byte === 0x09 ||
          byte === 0xef ||
          byte === 0xbb ||
          byte === 0xbf
        )
          continue
        return byte === 0x5b ? 'array' : 'lines'
      }
      position += n
    }
  } finally {
    closeSync(fd)
  }
}

function scanOne(path: string, numRows?: number): pl.LazyDataFrame {
  const layout = jsonLayout(path)
  if (layout === 'empty') return pl.DataFrame().lazy()
  if (layout === 'array') return pl.readJSON(readFileSyncBuffer(path), { format: 'json' }).lazy()
  return pl.scanJson(path, {
    inferSchemaLength: NDJSON_INFER_SCHEMA_ROWS,
    ...(numRows !== undefined ? { numRows } : {}),
  })
}

function readFileSyncBuffer(path: string): Buffer {
  const fd = openSync(path, 'r')
  try {
    const chunks: Buffer[] = []
    for (;;) {
      const chunk = Buffer.alloc(1 << 20)
      const n = readSync(fd, chunk, 0, chunk.length, null)
      if (n === 0) return Buffer.concat(chunks)
      chunks.push(chunk.subarray(0, n))
    }
  } finally {
    closeSync(fd)
  }
}

/**
 * Newline-delimited JSON through polars (`.json` files holding one array of objects read too). JSON carries
 * no types: datetimes are written as ISO strings and read back as strings; an empty frame writes an empty file.
 * Codecs are ignored.
 */
export const ndjsonFormat: StorageFormat = {
  name: 'ndjson',
  extensions: ['.ndjson', '.jsonl', '.json'],
  capabilities: { typed: false, temporal: false, nested: true, emptyKeepsColumns: false },
  read(path: string, options: ReadOptions = {}) {
    return guardRead('ndjson', path, async () => {
      const layout = jsonLayout(path)
      if (layout === 'empty') return pl.DataFrame()
      if (layout === 'array')
        return projectEager(pl.readJSON(await readFile(path), { format: 'json' }), options)
      return collectWithOptions(scanOne(path, options.nRows), options)
    })
  },
  scan(paths: string | readonly string[]) {
    const list = typeof paths === 'string' ? [paths] : [...paths]
    return concatLazy(list.map((p) => scanOne(p)))
  },
  write(df: pl.DataFrame, path: string, _options: WriteOptions = {}) {
    return guardWrite('ndjson', path, () => {
      df.writeJSON(path, { format: 'lines' })
    })
  },
}
