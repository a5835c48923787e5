import pl from 'nodejs-polars'
import { guardRead, guardWrite } from './format-io-errors.js'
import { collectWithOptions, projectEager } from './lazy-projection.js'
import { readAfterPolarsFailure } from './parquet-failure-fallback.js'
import { parquetFooterPatch, readPatchedParquet } from './parquet-footer-patch.js'
import type { ReadOptions, StorageFormat, WriteOptions } from './storage-format.js'

type ParquetCompression = 'uncompressed' | 'snappy' | 'gzip' | 'lz4' | 'zstd'

/**
 * A lazy scan of one file; a file whose footer polars cannot take as it is (maps, unknown logical types; see
 * parquet-footer-patch.ts) is read into memory with a rewritten footer instead.
 */
function scanOne(path: string): pl.LazyDataFrame {
  const patch = parquetFooterPatch(path)
  return patch ? readPatchedParquet(path, patch).lazy() : pl.scanParquet(path)
}

/**
 * Parquet through polars' native reader and writer. Default codec is zstd. Reads go through `scanParquet`
 * because polars' `readParquet(path)` treats any extension but lower-case `.parquet` as inline bytes.
 */
export const parquetFormat: StorageFormat = {
  name: 'parquet',
  extensions: ['.parquet', '.pqt'],
  capabilities: { typed: true, temporal: true, nested: true, emptyKeepsColumns: true },
  read(path: string, options: ReadOptions = {}) {
    return guardRead('parquet', path, async () => {
      const patch = parquetFooterPatch(path)
      try {
        if (patch) return projectEager(readPatchedParquet(path, patch), options)
        return await collectWithOptions(
          pl.scanParquet(path, options.nRows !== undefined ? { nRows: options.nRows } : {}),
          options,
        )
      } catch (error) {
        const fallback = readAfterPolarsFailure(path, patch)
        if (fallback) return projectEager(fallback, options)
        throw error
      }
    })
  },
  scan(paths: string | readonly string[]) {
    return typeof paths === 'string' ? scanOne(paths) : pl.concat(paths.map(scanOne))
  },
  async write(df: pl.DataFrame, path: string, options: WriteOptions = {}) {
    const codec = options.codec ?? 'zstd'
    const compression: ParquetCompression = codec === 'null' || codec === 'deflate' ? 'uncompressed' : codec
    await guardWrite('parquet', path, () => df.writeParquet(path, { compression }))
  },
}
