// parquet-wasm (arrow-rs's Parquet reader and writer in WebAssembly) for the runtime, from its Node build: CommonJS,
// so a synchronous require() loads it on first use: requiring it compiles a 5 MB WebAssembly module, which an app
// that never reads or writes a Delta checkpoint should not pay for.
import { createRequire } from 'node:module'
import type * as ParquetWasm from 'parquet-wasm'

let loaded: typeof ParquetWasm | undefined

/** parquet-wasm's exports, loading the module the first time. */
export function parquetWasm(): typeof ParquetWasm {
  loaded ??= createRequire(import.meta.url)('parquet-wasm') as typeof ParquetWasm
  return loaded
}
