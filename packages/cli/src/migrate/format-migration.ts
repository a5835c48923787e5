import type { DroppedFeature, RewriteResult, StorageFormatName, Table } from '@parquetframe/runtime'
import type { CliIo } from '../cli/cli-io.js'
import { counted } from '../cli/count-text.js'
import { displayPath } from '../schema/schema-location.js'
import { progressMode, RewriteProgressDisplay } from './rewrite-progress.js'

/** Progress and cancellation options for one table's rewrite, from the CLI's io. */
export function rewriteOptions(io: CliIo, label: string) {
  const display = new RewriteProgressDisplay(io.stderr, progressMode(io), label)
  return {
    display,
    options: {
      onProgress: (p: Parameters<RewriteProgressDisplay['update']>[0]) => display.update(p),
      ...(io.signal ? { signal: io.signal } : {}),
    },
  }
}

/** `98 rows in 4 files → 3 files, verified (checksum 0123456789abcdef)`: what a rewrite checked. */
export function describeRewrite(result: RewriteResult): string {
  const check = result.check
  if (!check) return 'no data files, metadata only'
  return (
    `${counted(check.before.rows, 'row')} in ${counted(check.filesBefore, 'file')} → ${counted(check.filesAfter, 'file')}, ` +
    `verified (rows and checksum ${check.after.checksum} match)`
  )
}

/**
 * What a DROP FEATURE of the Avro feature did (a rewrite to Parquet): other engines read the table now, and the
 * versions before it are gone from the log (`movedTo`, shown as the caller displays paths).
 */
export function describeDrop(dropped: DroppedFeature, movedTo: string): string {
  return (
    `dropped the Avro reader feature at version ${dropped.version}: other Delta engines read the table now; ` +
    `the log before version ${dropped.version} was moved to ${movedTo}, time travel to earlier versions is no longer possible`
  )
}

/** The line after a rewrite's line that reports its Avro feature drop (indented), or '' without one. */
export function dropLine(result: RewriteResult, cwd: string): string {
  const dropped = result.droppedFeature
  return dropped ? `  ${describeDrop(dropped, displayPath(dropped.movedTo, cwd))}\n` : ''
}

/** Rewrites one table in another format with progress on stderr; returns what was done. */
export async function migrateTableFormat(
  table: Table,
  entityName: string,
  to: StorageFormatName,
  io: CliIo,
): Promise<RewriteResult> {
  const from = table.metadata.format
  const { display, options } = rewriteOptions(io, `${entityName} ${from} → ${to}`)
  try {
    return await table.rewriteFormat(to, options)
  } finally {
    display.finish()
  }
}
