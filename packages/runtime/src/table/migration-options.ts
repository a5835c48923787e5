import type { SchemaChange, SchemaChangeOptions } from './schema-change-plan.js'
import type { CommitResult } from './table.js'

/** How far a rewrite has come; reported before the first file and after each one. */
export interface RewriteProgress {
  readonly table: string
  readonly filesDone: number
  readonly filesTotal: number
  readonly rowsDone: number
  readonly rowsTotal: number
}

/** Row count and content checksum (see ContentChecksum) of a set of rows. */
export interface ContentDigest {
  readonly rows: number
  /** 16 hex digits. */
  readonly checksum: string
}

/** The totals a rewrite checks before it commits: the old files as read, the new ones as read back. */
export interface RewriteCheck {
  readonly table: string
  readonly before: ContentDigest
  readonly after: ContentDigest
  readonly filesBefore: number
  readonly filesAfter: number
}

/** Options of a rewrite (`rewriteFormat`, and `evolveSchema` when a change rewrites data). */
export interface RewriteOptions {
  /** Called before the first file and after each rewritten file. Default: none. */
  readonly onProgress?: (progress: RewriteProgress) => void
  /**
   * Extra check of the totals before the commit; throw to abort (nothing is committed).
   * The built-in check always runs: per file, rows and checksum read back equal those read.
   */
  readonly verify?: (check: RewriteCheck) => void | Promise<void>
  /** Stops the rewrite between files (ParquetFrameError PF_ABORTED; nothing committed). Default: none. */
  readonly signal?: AbortSignal
}

/** What a rewrite did. `check` is undefined when nothing was rewritten. */
export interface RewriteResult extends CommitResult {
  readonly check?: RewriteCheck
  /** A rewrite to Parquet of a table that declared `pfAvroDataFiles`: the DROP FEATURE that removed it. */
  readonly droppedFeature?: DroppedFeature
}

/** Options of `evolveSchema`. */
export interface EvolveSchemaOptions extends RewriteOptions, SchemaChangeOptions {}

/** What `evolveSchema` did. */
export interface EvolveSchemaResult extends RewriteResult {
  /** The changes applied (empty: the schema already matched, nothing committed). */
  readonly changes: readonly SchemaChange[]
  /** True when the data files were rewritten (a widened type). */
  readonly rewritten: boolean
}

/** What dropping `pfAvroDataFiles` did (drop-feature.ts). */
export interface DroppedFeature {
  /** The DROP FEATURE version: the oldest one left readable (its checkpoint starts every reader). */
  readonly version: number
  /** Log files (commits, checkpoints, checksums) moved out of `_delta_log/` by this call. */
  readonly movedFiles: number
  /** The folder they were moved to. */
  readonly movedTo: string
}
