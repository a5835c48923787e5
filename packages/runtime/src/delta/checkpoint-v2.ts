// V2 checkpoints (PROTOCOL.md "V2 Checkpoint Table Feature", "V2 Spec", "UUID-named checkpoint", "Sidecar Files"):
// a top-level checkpoint in JSON or Parquet, UUID-named or classic-named, holding `checkpointMetadata`, the
// non-file actions and `sidecar` actions that name Parquet files in `_delta_log/_sidecars/` with the adds and
// removes. Decoding resolves the sidecars, so a reader sees the same actions a V1 checkpoint would hold.

import { CheckpointFormatError } from './checkpoint-format-error.js'
import { type DeltaCheckpointReadAction, decodeCheckpoint } from './checkpoint-parquet.js'
import { parseDeltaCommit } from './delta-log-codec.js'

/** A UUID-named checkpoint: `<version>.checkpoint.<uuid>.json` or `.parquet`. */
const UUID_CHECKPOINT =
  /^(\d{20})\.checkpoint\.([0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})\.(json|parquet)$/

/** The version of a UUID-named checkpoint file, or undefined for any other name. */
export function uuidCheckpointVersion(name: string): number | undefined {
  const match = UUID_CHECKPOINT.exec(name)
  return match ? Number(match[1]) : undefined
}

/** The folder under `_delta_log/` that holds sidecar files. */
export const SIDECAR_DIR = '_sidecars'

/** How a checkpoint is decoded: its file (name or path: `.json` is the JSON form), version and I/O for sidecars. */
export interface CheckpointFileOptions {
  /** The checkpoint's path (errors name it; a `.json` ending means the JSON form). */
  readonly file: string
  /** The version the checkpoint holds (its name's version; `checkpointMetadata.version` must agree). */
  readonly version: number
  /** The table, for errors. */
  readonly table: string
  /** The action kinds to return (e.g. all but `remove`). Default: every one. */
  readonly actions?: readonly string[]
  /** The bytes of a sidecar file, by its name in `_delta_log/_sidecars/` (a missing one rejects as the FS does). */
  readonly readSidecar: (name: string) => Promise<Uint8Array>
}

/** The kind of a checkpoint action (its one key). */
function kindOf(action: DeltaCheckpointReadAction): string {
  return Object.keys(action)[0] as string
}

/** The actions of a JSON checkpoint (newline-delimited actions, validated as a commit's are). */
function decodeJsonCheckpoint(
  bytes: Uint8Array,
  options: CheckpointFileOptions,
): DeltaCheckpointReadAction[] {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (cause) {
    throw new CheckpointFormatError(options.file, undefined, 'not UTF-8 text', { cause })
  }
  const source = { table: options.table, file: options.file, version: options.version }
  const commit = parseDeltaCommit(text, source)
  const actions: DeltaCheckpointReadAction[] = []
  if (commit.protocol) actions.push({ protocol: commit.protocol })
  if (commit.metaData) actions.push({ metaData: commit.metaData })
  for (const txn of commit.txn) actions.push({ txn })
  for (const add of commit.add) actions.push({ add })
  for (const remove of commit.remove) actions.push({ remove })
  // The V2-only actions, which commits never hold (parseDeltaCommit ignores them).
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const raw = JSON.parse(line) as Record<string, unknown>
    if ('checkpointMetadata' in raw) actions.push({ checkpointMetadata: checkpointMetadataOf(raw, options) })
    if ('sidecar' in raw) actions.push({ sidecar: sidecarOf(raw, options) })
  }
  return actions
}

/** A JSON `checkpointMetadata` action, checked: `version` is a count. */
function checkpointMetadataOf(raw: Record<string, unknown>, options: CheckpointFileOptions) {
  const value = raw.checkpointMetadata as { version?: unknown } | null
  if (typeof value?.version !== 'number' || !Number.isSafeInteger(value.version))
    throw new CheckpointFormatError(options.file, 'checkpointMetadata.version', 'expected a version')
  return { version: value.version }
}

/** A JSON `sidecar` action, checked: `path` is text, sizes and times are numbers. */
function sidecarOf(raw: Record<string, unknown>, options: CheckpointFileOptions) {
  const value = raw.sidecar as { path?: unknown; sizeInBytes?: unknown; modificationTime?: unknown } | null
  if (typeof value?.path !== 'string')
    throw new CheckpointFormatError(options.file, 'sidecar.path', 'expected a path')
  if (typeof value.sizeInBytes !== 'number' || typeof value.modificationTime !== 'number')
    throw new CheckpointFormatError(options.file, 'sidecar', 'expected sizeInBytes and modificationTime')
  return { path: value.path, sizeInBytes: value.sizeInBytes, modificationTime: value.modificationTime }
}

/** A sidecar's file name in `_delta_log/_sidecars/`: a URI-encoded plain name (no folder, which the spec forbids). */
function sidecarName(path: string, options: CheckpointFileOptions): string {
  let name: string
  try {
    name = decodeURIComponent(path)
  } catch (cause) {
    throw new CheckpointFormatError(options.file, 'sidecar.path', `${path} is not URI-encoded`, { cause })
  }
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\'))
    throw new CheckpointFormatError(
      options.file,
      'sidecar.path',
      `${path} is not a file name in _delta_log/${SIDECAR_DIR}/ (where sidecar files must be)`,
    )
  return name
}

/**
 * The actions of a Delta checkpoint file of any spec or name (classic, multi-part part, UUID-named JSON or
 * Parquet), with its sidecars' adds and removes in place of its `sidecar` actions and `checkpointMetadata` checked
 * against the version and left out: what a V1 checkpoint of the version holds. CheckpointFormatError (or the
 * TableCorruptError of a damaged JSON line) for a file that does not decode; a missing sidecar rejects as the read.
 */
export async function decodeCheckpointFile(
  bytes: Uint8Array,
  options: CheckpointFileOptions,
): Promise<DeltaCheckpointReadAction[]> {
  const wanted = options.actions
  const top = options.file.endsWith('.json')
    ? decodeJsonCheckpoint(bytes, options)
    : decodeCheckpoint(bytes, {
        file: options.file,
        ...(wanted ? { actions: [...wanted, 'checkpointMetadata', 'sidecar'] } : {}),
      })
  const actions: DeltaCheckpointReadAction[] = []
  for (const action of top) {
    if ('checkpointMetadata' in action) {
      if (action.checkpointMetadata.version !== options.version)
        throw new CheckpointFormatError(
          options.file,
          'checkpointMetadata.version',
          `${action.checkpointMetadata.version}, but the checkpoint is of version ${options.version}`,
        )
      continue
    }
    if ('sidecar' in action) {
      const name = sidecarName(action.sidecar.path, options)
      const sidecarActions = wanted?.filter((kind) => kind === 'add' || kind === 'remove') ?? [
        'add',
        'remove',
      ]
      if (sidecarActions.length === 0) continue
      const sidecar = decodeCheckpoint(await options.readSidecar(name), {
        file: `${SIDECAR_DIR}/${name}`,
        actions: sidecarActions,
      })
      actions.push(...sidecar)
      continue
    }
    if (!wanted || wanted.includes(kindOf(action))) actions.push(action)
  }
  return actions
}
