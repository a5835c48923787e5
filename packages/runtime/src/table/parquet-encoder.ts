import { randomUUID } from 'node:crypto'
import { readFileSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pl from 'nodejs-polars'
import type { EntityIR } from '../schema/schema-ir.js'
import { binaryColumnTargets, encodeParquetWithArrow } from './arrow-parquet-encoder.js'
import { DATA_PAGE_SIZE_LIMIT } from './data-page-size.js'

/** Parquet compression codecs polars writes. */
export type ParquetCompression = 'uncompressed' | 'snappy' | 'gzip' | 'lzo' | 'brotli' | 'lz4' | 'zstd'

/** The entity a frame's stored columns belong to: its Decimal and Bytes columns are written as DECIMAL / binary. */
export interface ParquetEntityOptions {
  /** The entity under stored column names. */
  readonly entity: EntityIR
  /** Decimal/Bytes fields the table stores as text (tables from before decimal/binary storage). Default none. */
  readonly textStored?: ReadonlySet<string>
}

/**
 * nodejs-polars 0.24's `sinkParquet` hands back its native lazy frame (typed as a LazyDataFrame), whose
 * `collectSync` takes an engine name; the wrapper's `collectSync(options)` reads `'auto'` as no options.
 */
interface ParquetSink {
  collectSync(engine: string): unknown
}

/**
 * Writes a frame to a Parquet file through polars' sink, the only writer of nodejs-polars with a page size knob:
 * rows in order, statistics written (scans prune by them), small pages, no fsync (a scratch file).
 */
function sinkParquet(df: pl.DataFrame, path: string, compression: ParquetCompression): void {
  const sink: unknown = df.lazy().sinkParquet(path, {
    compression,
    statistics: true,
    dataPagesizeLimit: DATA_PAGE_SIZE_LIMIT,
    sinkOptions: { syncOnClose: 'none', maintainOrder: true, mkdir: false },
  })
  ;(sink as ParquetSink).collectSync('auto')
}

/**
 * A frame encoded as Parquet bytes. With `entity`, a frame holding Decimal (text) or Bytes (base64) columns goes
 * through arrow-rs instead (arrow-parquet-encoder.ts), which writes them as Parquet DECIMAL and BYTE_ARRAY. nodejs-polars 0.24 hands in-memory output
 * to JavaScript one write at a time (about 360 callbacks for a one-row file,
 * 2,900 for 1M rows: 4-6 ms and ~15 ms), while writing to a path stays native.
 * So polars writes a scratch file in the OS temp folder (never fsynced),
 * which is read back and removed: ~0.3 ms for one row. The bytes then go
 * through the table's FileSystem like any other write. If the scratch file
 * cannot be written, polars' in-memory output is used (1 MiB pages: it has no page size knob). Pages hold at
 * most DATA_PAGE_SIZE_LIMIT (128 KiB) of values (data-page-size.ts). Default codec: zstd.
 */
export function encodeParquet(
  df: pl.DataFrame,
  compression: ParquetCompression = 'zstd',
  options?: ParquetEntityOptions,
): Uint8Array {
  if (options) {
    const targets = binaryColumnTargets(options.entity, options.textStored)
    const columns = new Set(df.columns)
    for (const column of targets.keys()) if (!columns.has(column)) targets.delete(column)
    if (targets.size > 0) {
      const { entity } = options
      const subject = (column: string) =>
        `${entity.name}.${entity.fields.find((f) => f.column === column)?.name ?? column}`
      const enums = entity.fields.filter((f) => f.type.kind === 'enum').map((f) => f.column)
      return encodeParquetWithArrow(df, targets, compression, subject, enums)
    }
  }
  const scratch = join(tmpdir(), `.pf-encode-${randomUUID()}.parquet`)
  try {
    sinkParquet(df, scratch, compression)
    return readFileSync(scratch)
  } catch {
    return df.writeParquet({ compression })
  } finally {
    try {
      unlinkSync(scratch)
    } catch {
      // Not written, or already gone.
    }
  }
}
