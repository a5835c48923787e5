import pl from 'nodejs-polars'
import { parquetWasm } from '../vendor/parquet-wasm.js'

/**
 * A Parquet file's bytes decoded by arrow-rs (parquet-wasm) into a polars frame through an Arrow IPC stream: for
 * layouts polars 0.24 misreads or cannot decode (see `ParquetFooterPatch.decoder`). Single-threaded WebAssembly,
 * so only files routed here by their footer pay for it. Throws plain errors; callers name the file.
 */
export function readParquetWithArrowRs(bytes: Uint8Array, nRows?: number): pl.DataFrame {
  const table = parquetWasm().readParquet(bytes, nRows !== undefined ? { limit: nRows } : undefined)
  return pl.readIPCStream(Buffer.from(table.intoIPCStream()))
}
