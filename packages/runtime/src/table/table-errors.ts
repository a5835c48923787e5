import { ParquetFrameError } from '../errors/pf-error.js'

/** Why a commit could not be rebased onto a concurrent one. */
export type ConflictReason =
  | 'metadata-changed'
  | 'keys-touched'
  | 'too-many-retries'
  | 'version-taken'
  | 'transaction-aborted'
  | 'publish-conflict'

/** Another writer's commit makes this one invalid (or retries ran out). Nothing of this commit is visible. */
export class ConflictError extends ParquetFrameError {
  constructor(
    readonly table: string,
    /** The version this commit tried to create. */
    readonly version: number,
    readonly reason: ConflictReason,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      'PF_TABLE_CONFLICT',
      `Commit to table ${table} conflicts at version ${version} (${reason}): ${detail}`,
      options,
    )
  }
}

/** A log entry, checkpoint or data file that is truncated, corrupt or missing. */
export class TableCorruptError extends ParquetFrameError {
  constructor(
    readonly table: string,
    readonly file: string,
    /** The version whose log entry (or whose added file) is broken. */
    readonly version: number,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('PF_TABLE_CORRUPT', `Table ${table}: ${file} (version ${version}) is corrupt: ${detail}`, options)
  }
}

/** A version older than the log still holds: log cleanup deleted its commits and no checkpoint holds it. */
export class TableVersionExpiredError extends ParquetFrameError {
  constructor(
    readonly table: string,
    readonly version: number,
    /** The oldest version that can still be read. */
    readonly oldest: number,
  ) {
    super(
      'PF_TABLE_VERSION_EXPIRED',
      `Table ${table}: version ${version} can no longer be read: the log was cleaned up, the oldest readable version is ${oldest}`,
    )
  }
}

/** A frame or schema that does not fit the table's schema. Nothing was written. */
export class TableSchemaError extends ParquetFrameError {
  constructor(
    readonly table: string,
    readonly column: string | undefined,
    detail: string,
  ) {
    super('PF_TABLE_SCHEMA', `Table ${table}${column === undefined ? '' : `, column ${column}`}: ${detail}`)
  }
}

/** No table at the path. */
export class TableNotFoundError extends ParquetFrameError {
  constructor(readonly path: string) {
    super('PF_TABLE_NOT_FOUND', `No table at ${path} (no _delta_log/00000000000000000000.json)`)
  }
}

/** A Delta table pf cannot read or write: a protocol version or table feature it lacks, or a log it cannot use. */
export class TableProtocolError extends ParquetFrameError {
  constructor(
    readonly table: string,
    detail: string,
  ) {
    super('PF_TABLE_PROTOCOL', `Table ${table}: ${detail}`)
  }
}

/** A table property (`delta.*` configuration) whose value pf cannot use, named with the table. */
export class TablePropertyError extends ParquetFrameError {
  constructor(
    readonly table: string,
    readonly property: string,
    detail: string,
  ) {
    super('PF_TABLE_PROPERTY', `Table ${table}: property ${property}: ${detail}`)
  }
}

/** A table written before pf's log became the Delta log (`_pf_log/`, 0.1): never read as an empty table. */
export class LegacyTableLogError extends ParquetFrameError {
  constructor(
    readonly path: string,
    /** The legacy log folder found. */
    readonly folder: string,
  ) {
    super(
      'PF_TABLE_LEGACY_LOG',
      `The table at ${path} uses the pre-Delta log ${folder} (parquetframe 0.1), which this version does not read (it is not opened as an empty table); convert it with \`pf migrate legacy ${path}\``,
    )
  }
}

/** `createTable` on a path that already holds a table. */
export class TableExistsError extends ParquetFrameError {
  constructor(readonly path: string) {
    super('PF_TABLE_EXISTS', `A table already exists at ${path}`)
  }
}

/** An I/O failure during a write; `cause` holds the original error. The table is unchanged. */
export class TableWriteError extends ParquetFrameError {
  constructor(
    readonly table: string,
    detail: string,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause)
    super(
      'PF_TABLE_WRITE',
      `Write to table ${table} failed, nothing committed: ${detail}: ${reason}`,
      options,
    )
  }
}

/**
 * A multi-table transaction is committed (its decision file says so) but its changes could not be published to a
 * table; `cause` holds the original error. pf readers and writers of the table publish them before they answer.
 */
export class TxnUnpublishedError extends ParquetFrameError {
  constructor(
    readonly table: string,
    readonly txnId: string,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause)
    super(
      'PF_TXN_UNPUBLISHED',
      `Transaction ${txnId} is committed, but publishing its changes to table ${table} failed (pf's next read or write of ${table} publishes them): ${reason}`,
      options,
    )
  }
}

/**
 * An I/O failure reading a data file that is there (EMFILE: too many open files, EACCES, EIO); `cause` holds the
 * original error. Says nothing about the table's integrity, unlike TableCorruptError.
 */
export class TableReadError extends ParquetFrameError {
  constructor(
    readonly table: string,
    readonly file: string,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause)
    super('PF_TABLE_READ', `Read of table ${table} failed at ${file}: ${reason}`, options)
  }
}

/** `insert` of a key that already exists. */
export class DuplicateKeyError extends ParquetFrameError {
  constructor(
    readonly table: string,
    readonly keys: readonly string[],
  ) {
    const shown = keys.slice(0, 5).join(', ') + (keys.length > 5 ? `, ... (${keys.length} keys)` : '')
    super('PF_DUPLICATE_KEY', `Table ${table}: primary key already exists: ${shown}`)
  }
}

/** A schema change `evolveSchema` refuses (each refused change says why); nothing was changed. */
export class SchemaChangeRefusedError extends ParquetFrameError {
  constructor(
    readonly table: string,
    /** The refused changes' descriptions (`User.email: add required ...`). */
    readonly reasons: readonly string[],
  ) {
    super(
      'PF_TABLE_SCHEMA_CHANGE',
      `Table ${table}: schema change refused, nothing was changed:\n  ${reasons.join('\n  ')}`,
    )
  }
}

/** Rewritten data files that do not read back as the originals (row count or checksum). Nothing was committed. */
export class RewriteVerificationError extends ParquetFrameError {
  constructor(
    readonly table: string,
    /** The original data file (or `table` for the totals). */
    readonly file: string,
    detail: string,
  ) {
    super(
      'PF_TABLE_VERIFY',
      `Table ${table}: rewrite of ${file} failed verification, nothing committed: ${detail}`,
    )
  }
}

/**
 * A table's write lock could not be taken or released: an I/O error (`errno`: `ENOSPC`, `EROFS`, ...) or a
 * holder that kept it past the timeout (`errno` undefined, code `PF_LOCK_TIMEOUT`). No lock file is left behind.
 */
export class LockError extends ParquetFrameError {
  constructor(
    readonly table: string,
    /** The lock file. */
    readonly lockPath: string,
    /** The errno code of the failed file operation; undefined for a timeout. */
    readonly errno: string | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      errno === undefined ? 'PF_LOCK_TIMEOUT' : 'PF_LOCK',
      `Table ${table}: write lock ${lockPath}: ${detail}${errno === undefined ? '' : ` (${errno})`}`,
      options,
    )
  }
}
