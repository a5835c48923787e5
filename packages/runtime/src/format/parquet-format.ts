import pl from 'nodejs-polars'
import { guardRead, guardWrite } from './format-io-errors.js'
import { collectWithOptions } from './lazy-projection.js'
import type { ReadOptions, StorageFormat, WriteOptions } from './storage-format.js'

type ParquetCompression = 'uncompressed' | 'snappy' | 'gzip' | 'lz4' | 'zstd'

/**
 * Parquet through polars' native reader and writer. Default codec is zstd. Reads go through `scanParquet`
 * because polars' `readParquet(path)` treats any extension but lower-case `.parquet` as inline bytes.
 */
export const parquetFormat: StorageFormat = {
  name: 'parquet',
  extensions: ['.parquet', '.pqt'],
  capabilities: { typed: true, temporal: true, nested: true, emptyKeepsColumns: true },
  read(path: string, options: ReadOptions = {}) {
    return guardRead('parquet', path, () =>
      collectWithOptions(
        pl.scanParquet(path, options.nRows !== undefined ? { nRows: options.nRows } : {}),
        options,
      ),
    )
  },
  scan(paths: string | readonly string[]) {
    return typeof paths === 'string' ? pl.scanParquet(paths) : pl.concat(paths.map((p) => pl.scanParquet(p)))
  },
  async write(df: pl.DataFrame, path: string, options: WriteOptions = {}) {
    const codec = options.codec ?? 'zstd'
    const compression: ParquetCompression = codec === 'null' || codec === 'deflate' ? 'uncompressed' : codec
    await guardWrite('parquet', path, () => df.writeParquet(path, { compression }))
  },
}
