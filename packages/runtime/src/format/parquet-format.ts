import pl from 'nodejs-polars'
import type { ReadOptions, StorageFormat, WriteOptions } from './storage-format.js'

type ParquetCompression = 'uncompressed' | 'snappy' | 'gzip' | 'lz4' | 'zstd'

/** Parquet through polars' native reader and writer. Default codec is zstd. */
export const parquetFormat: StorageFormat = {
  name: 'parquet',
  extensions: ['.parquet', '.pqt'],
  async read(path: string, options: ReadOptions = {}) {
    return pl.readParquet(path, {
      ...(options.columns ? { columns: [...options.columns] } : {}),
      ...(options.nRows !== undefined ? { numRows: options.nRows } : {}),
    })
  },
  scan(paths: string | readonly string[]) {
    return typeof paths === 'string' ? pl.scanParquet(paths) : pl.concat(paths.map((p) => pl.scanParquet(p)))
  },
  async write(df: pl.DataFrame, path: string, options: WriteOptions = {}) {
    const codec = options.codec ?? 'zstd'
    const compression: ParquetCompression = codec === 'null' || codec === 'deflate' ? 'uncompressed' : codec
    df.writeParquet(path, { compression })
  },
}
