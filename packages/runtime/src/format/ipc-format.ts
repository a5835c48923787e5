import pl from 'nodejs-polars'
import { FormatError } from '../errors/pf-error.js'
import { guardRead, guardWrite } from './format-io-errors.js'
import { collectWithOptions, concatLazy } from './lazy-projection.js'
import type { Codec, ReadOptions, StorageFormat, WriteOptions } from './storage-format.js'

type IpcCompression = 'uncompressed' | 'lz4' | 'zstd'

function ipcCompression(codec: Codec | undefined, path: string): IpcCompression {
  if (codec === undefined || codec === 'null' || codec === 'uncompressed') return 'uncompressed'
  if (codec === 'lz4' || codec === 'zstd') return codec
  throw new FormatError(
    `Codec "${codec}" is not available for Arrow IPC (${path}). Use uncompressed, lz4 or zstd.`,
  )
}

/**
 * Arrow IPC files (Feather v2) through polars. Default codec is uncompressed (memory-mappable).
 * Reads go through `scanIPC` because polars' `readIPC(path)` treats any extension but `.ipc` as inline bytes.
 */
export const ipcFormat: StorageFormat = {
  name: 'ipc',
  extensions: ['.arrow', '.ipc', '.feather'],
  capabilities: { typed: true, temporal: true, nested: true, emptyKeepsColumns: true },
  read(path: string, options: ReadOptions = {}) {
    return guardRead('ipc', path, () =>
      collectWithOptions(
        pl.scanIPC(path, options.nRows !== undefined ? { nRows: options.nRows } : {}),
        options,
      ),
    )
  },
  scan(paths: string | readonly string[]) {
    const list = typeof paths === 'string' ? [paths] : [...paths]
    return concatLazy(list.map((p) => pl.scanIPC(p)))
  },
  write(df: pl.DataFrame, path: string, options: WriteOptions = {}) {
    return guardWrite('ipc', path, () => {
      df.writeIPC(path, { compression: ipcCompression(options.codec, path) })
    })
  },
}
