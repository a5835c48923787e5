/**
 * The file-system seam of the table layer: the handful of operations the
 * commit protocol needs. Implementations throw Node-style errors carrying a
 * `code` (`ENOENT`, `EEXIST`, `ENOSPC`, ...), which the table layer branches on.
 */
export interface FileSystem {
  /**
   * Writes a whole file and fsyncs it before resolving (`durable: false`: written, not flushed; a later
   * `fsyncFile` makes it durable). Replaces an existing file.
   */
  writeFile(path: string, data: Uint8Array | string, options?: WriteOptions): Promise<void>
  /**
   * Creates `path` with `data` only if it does not exist (put-if-absent), atomically:
   * readers never see a partial file. Throws an error with code `EEXIST` when the path exists.
   * `after`: the file appears only once it resolves (its work overlaps the write); if it rejects, nothing is
   * created and its error is thrown. `durable: false`: the data is not flushed (a lock file, which no crash
   * needs to keep).
   */
  createExclusive(path: string, data: Uint8Array | string, options?: CreateOptions): Promise<void>
  /**
   * True when `createExclusive` honours `after`: then data files are flushed while the log entry naming them is
   * written (it waits for them). Default false: each data file is flushed before its write resolves.
   */
  readonly gatedCreate?: boolean
  /** Renames atomically, replacing the target. */
  rename(from: string, to: string): Promise<void>
  readFile(path: string): Promise<Uint8Array>
  /**
   * `length` bytes at `offset` (fewer at the end of the file). Optional: a seam without it is read whole with
   * `readFile` (a point lookup in a key index file reads a few bytes of megabytes with it).
   */
  readRange?(path: string, offset: number, length: number): Promise<Uint8Array>
  /** Entry names of a directory (not paths). */
  readdir(path: string): Promise<string[]>
  /** Entries of a directory with their kind. */
  readdirTyped(path: string): Promise<{ name: string; isDirectory: boolean }[]>
  unlink(path: string): Promise<void>
  /**
   * Creates a directory and its parents; no error when it exists. Durable: each folder it creates has its name
   * flushed into its parent before it resolves (a commit may write into it next).
   */
  mkdir(path: string): Promise<void>
  /** Removes an empty directory. */
  rmdir(path: string): Promise<void>
  /** Flushes a file's data to disk. */
  fsyncFile(path: string): Promise<void>
  /** Flushes a directory's entries (creates, renames) to disk. */
  fsyncDir(path: string): Promise<void>
  stat(path: string): Promise<FileStat>
  /** Like `stat`, but a symbolic link is described itself, never followed (vacuum must not act through links). */
  lstat(
    path: string,
  ): Promise<{ size: number; mtimeMs: number; isDirectory: boolean; isSymbolicLink: boolean }>
  /**
   * Creates the log file `path` for appending (EEXIST when it exists; its name is not flushed: flush its folder).
   * The file may hold zeros after the appends (written ahead of them, node-file-system.ts): a reader of the log stops
   * at a frame of length 0. Optional: a file system without it commits with a flush of each file (commit-wal.ts).
   */
  openLog?(path: string): Promise<AppendLog>
}

/** A file open for appending, as a write-ahead log uses it (FileSystem.openLog). */
export interface AppendLog {
  /** Writes `data` after the previous appends and flushes it (`fdatasync`) before resolving. */
  append(data: Uint8Array): Promise<void>
  close(): Promise<void>
}

/** Options of `FileSystem.writeFile`. */
export interface WriteOptions {
  /** Flush the data to disk before resolving. Default true. */
  readonly durable?: boolean
  /**
   * Also flush the folder (the new name) before resolving, as `fsyncDir` does; it may overlap the file's own write
   * and flush, or the create's cleanup. An error of that flush is thrown after the file was written. Default false.
   */
  readonly syncDir?: boolean
}

/** Options of `FileSystem.createExclusive`. */
export interface CreateOptions extends WriteOptions {
  /** Work the file's appearance waits for (e.g. other files becoming durable first). Default none. */
  readonly after?: Promise<unknown>
  /**
   * Write `path` itself, opened exclusively (O_EXCL), instead of a temporary file linked into place: one open and
   * one write, but a reader may see the file empty or partial while it is written (a lock file, whose readers
   * treat that as "being created"); a failed write removes it. Default false.
   */
  readonly inPlace?: boolean
}

/** The `code` of a Node-style error, if any. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code
    return typeof code === 'string' ? code : undefined
  }
  return undefined
}

/** True when the error says the path does not exist. */
export function isNotFound(error: unknown): boolean {
  return errorCode(error) === 'ENOENT'
}

/** What `op` gives, or `missing` when the path it works on does not exist; other errors propagate. */
export async function orWhenMissing<T, M>(op: Promise<T>, missing: M): Promise<T | M> {
  try {
    return await op
  } catch (error) {
    if (isNotFound(error)) return missing
    throw error
  }
}

/** True when the error says the path already exists. */
export function isAlreadyExists(error: unknown): boolean {
  return errorCode(error) === 'EEXIST'
}

/** What `stat` reports. */
export interface FileStat {
  readonly size: number
  readonly mtimeMs: number
  readonly isDirectory: boolean
  /**
   * Which file this is: differs for a file deleted and created again at the same path (node: device, inode,
   * birth and modification times). Absent where the file system cannot tell; tables then compare nothing.
   */
  readonly identity?: string
  /** Which file this is whatever its content (node: device, inode and birth time): `identity` without the modification time. */
  readonly origin?: string
  /** When the file was created (ms since the epoch); absent or 0 where the file system does not keep it. */
  readonly birthtimeMs?: number
}
