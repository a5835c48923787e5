import type { DataType } from 'nodejs-polars'
import pl from 'nodejs-polars'
import { ThriftCompactReader, type ThriftValue } from '../format/thrift-compact-reader.js'
import { encodeParquet } from './parquet-encoder.js'

/** Schemas already asked for, by their dtypes' text (tables of one entity share one). */
const cache = new Map<string, string | undefined>()

function text(value: ThriftValue | undefined): string | undefined {
  return value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : undefined
}

/**
 * The ARROW:schema key-value metadata (base64 text) polars writes into a Parquet file of this schema, read from an
 * empty file polars writes once per schema: files written without polars carry it too, so polars reads them with
 * exactly the dtypes of its own files. Undefined when polars wrote none.
 */
export function polarsArrowSchema(schema: Readonly<Record<string, DataType>>): string | undefined {
  const key = JSON.stringify(Object.entries(schema).map(([name, dtype]) => [name, String(dtype)]))
  if (cache.has(key)) return cache.get(key)
  const empty = pl.DataFrame(Object.entries(schema).map(([name, dtype]) => pl.Series(name, [], dtype)))
  const bytes = encodeParquet(empty, 'uncompressed')
  const n = bytes.length
  const length = Buffer.from(bytes.buffer, bytes.byteOffset, n).readUInt32LE(n - 8)
  const meta = new ThriftCompactReader(bytes.subarray(n - 8 - length, n - 8)).readStruct()
  let found: string | undefined
  for (const kv of Array.isArray(meta.get(5)) ? (meta.get(5) as ThriftValue[]) : []) {
    if (kv instanceof Map && text(kv.get(1)) === 'ARROW:schema') found = text(kv.get(2))
  }
  cache.set(key, found)
  return found
}
