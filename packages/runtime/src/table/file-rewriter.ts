import { ContentChecksum } from './content-checksum.js'
import type { DataFileStore, WrittenFiles } from './data-file-store.js'
import type { AddAction } from './log-entry.js'
import { RewriteVerificationError } from './table-errors.js'
import type { LiveFile } from './table-state.js'

/** One data file rewritten: the new files and the digests of the rows read and read back. */
export interface RewrittenFile {
  readonly adds: readonly AddAction[]
  readonly before: ContentChecksum
  readonly after: ContentChecksum
}

/**
 * Rewrites data files one at a time (memory holds one file's rows): reads a live
 * file through the target schema, writes it with the target store, reads the new
 * files back and checks row count and content checksum against what was read.
 */
export class FileRewriter {
  constructor(
    private readonly table: string,
    /** Reads the old files: the old format, the target schema (renames, fills, widened types). */
    private readonly source: DataFileStore,
    /** Writes (and reads back) the new files. */
    private readonly target: DataFileStore,
  ) {}

  /** Rewrites one live file (its deleted rows left out); new paths go into `written`. */
  async rewrite(file: LiveFile, written: WrittenFiles): Promise<RewrittenFile> {
    const df = await this.source.read(file)
    const before = new ContentChecksum().add(df)
    const adds = await this.target.write(df, written)
    const after = new ContentChecksum()
    for (const add of adds) {
      const fresh: LiveFile = { add, version: file.version, deleted: new Set(), deletedRows: 0 }
      after.add(await this.target.read(fresh))
    }
    const expected = file.add.stats.numRows - file.deletedRows
    if (before.rows !== expected || !before.equals(after)) {
      throw new RewriteVerificationError(
        this.table,
        file.add.path,
        `expected ${expected} rows; read ${before.rows} (checksum ${before.value}), ` +
          `read back ${after.rows} (checksum ${after.value})`,
      )
    }
    return { adds, before, after }
  }
}
