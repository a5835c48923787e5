import { randomUUID } from 'node:crypto'
import { readFileSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pl from 'nodejs-polars'

/**
 * The frame as an Arrow IPC stream. polars hands in-memory output to JavaScript one write at a time (slow for
 * large frames, see parquet-encoder.ts), so it writes a scratch file natively, read back and removed.
 */
export function ipcStreamOf(df: pl.DataFrame): Uint8Array {
  const scratch = join(tmpdir(), `.pf-encode-${randomUUID()}.arrows`)
  try {
    df.writeIPCStream(scratch)
    return readFileSync(scratch)
  } catch {
    return df.writeIPCStream()
  } finally {
    try {
      unlinkSync(scratch)
    } catch {
      // Not written, or already gone.
    }
  }
}
