import { join } from 'node:path'
import { decodeLastCheckpoint } from '../delta/last-checkpoint.js'
import { PF_AVRO_FEATURE, supportedFeatures } from '../delta/protocol-features.js'
import { formatForPath } from '../format/format-registry.js'
import { WrittenFiles } from './data-file-store.js'
import { FeatureDropError } from './feature-drop-error.js'
import { isNotFound } from './file-system.js'
import { LAST_CHECKPOINT, LOG_DIR, PRIVATE_DIR } from './log-entry.js'
import type { DroppedFeature } from './migration-options.js'
import type { TableCore } from './table-core.js'
import { protocolWithout } from './table-protocol.js'

/** Where DROP FEATURE moves the log history before its version: `_pf/dropped-history/<version>/` (Delta ignores `_` folders). */
export const DROPPED_HISTORY_DIR = 'dropped-history'

/**
 * Drops `pfAvroDataFiles` from a table that no longer holds Avro files, as Delta's DROP FEATURE with history
 * truncation does: one DROP FEATURE commit with the lower protocol, a checkpoint at that version (the one
 * `_last_checkpoint` names), then every log file before it moved to `_pf/dropped-history/<version>/`, oldest
 * first. Each step leaves a valid log (nothing moves before the checkpoint is durable; the checkpoint covers
 * what is left); a call after a crash finishes the job. Undefined when the table never declared the feature.
 */
export async function dropAvroFeature(
  core: TableCore,
  settled: () => Promise<void>,
): Promise<DroppedFeature | undefined> {
  const snap = await core.freshSnapshot()
  let version: number | undefined
  const historyRoot = join(core.path, PRIVATE_DIR, DROPPED_HISTORY_DIR)
  if (declares(snap.state.protocol)) {
    // Marks the table for a re-run to find the drop version should a crash follow the commit.
    await core.fs.mkdir(historyRoot)
    const { result } = await core.commit({
      operation: 'DROP_FEATURE',
      start: snap,
      written: new WrittenFiles(core.fs),
      options: {},
      planAttempt: async (s) => {
        if (!declares(s.state.protocol)) return { add: [], remove: [], rowsAdded: 0, rowsRemoved: 0 }
        const avro = s.files.find((f) => formatForPath(f.add.path).name === 'avro')
        if (avro) throw new FeatureDropError(core.name, PF_AVRO_FEATURE, `live file ${avro.add.path} is Avro`)
        const protocol = protocolWithout(PF_AVRO_FEATURE, s.metadata, s.state.protocol)
        if (!protocol)
          throw new FeatureDropError(core.name, PF_AVRO_FEATURE, `its format is ${s.metadata.format}`)
        const details = [`reader feature ${PF_AVRO_FEATURE} dropped; history before this version removed`]
        return { add: [], remove: [], rowsAdded: 0, rowsRemoved: 0, protocol, details }
      },
    })
    version = result.version
  } else {
    version = await lastDropVersion(core, historyRoot)
  }
  if (version === undefined) return undefined
  // A checkpoint of an older version still being written in the background would land among the moved files.
  await settled()
  return truncateBefore(core, version, join(historyRoot, String(version)))
}

/** Whether a protocol declares pf's Avro reader feature. */
function declares(protocol: Parameters<typeof supportedFeatures>[0]): boolean {
  const { readers, writers } = supportedFeatures(protocol)
  return readers.has(PF_AVRO_FEATURE) || writers.has(PF_AVRO_FEATURE)
}

/**
 * The newest DROP FEATURE version in the log of a table that began a drop (its history folder exists), for a
 * re-run to finish; undefined for a table that never did.
 */
async function lastDropVersion(core: TableCore, historyRoot: string): Promise<number | undefined> {
  const begun = await core.fs.stat(historyRoot).then(
    () => true,
    (error: unknown) => {
      if (isNotFound(error)) return false
      throw error
    },
  )
  if (!begun) return undefined
  const { entries } = await core.log.list()
  for (const v of [...entries].reverse()) {
    if ((await core.log.readEntry(v))?.commitInfo.operation === 'DROP_FEATURE') return v
  }
  return undefined
}

/** Writes the checkpoint at `version` (unless there) and moves the log files before it to `dest`, oldest first. */
async function truncateBefore(core: TableCore, version: number, dest: string): Promise<DroppedFeature> {
  const logDir = join(core.path, LOG_DIR)
  const listed = await core.log.list()
  // Also when `_last_checkpoint` points before it (an older checkpoint written late): readers must start here.
  if (!listed.delta.has(version) || (await lastCheckpointVersion(logDir, core)) < version) {
    const state = await core.log.at(version)
    if (!state) throw new FeatureDropError(core.name, PF_AVRO_FEATURE, `version ${version} cannot be read`)
    // Writes the checkpoint, points `_last_checkpoint` at it and syncs the log folder before anything moves.
    await core.log.writeCheckpoint(state)
    // None is written at a version with an unpublished multi-table transaction: then nothing may move.
    if (!(await core.log.list()).delta.has(version) || (await lastCheckpointVersion(logDir, core)) < version)
      throw new FeatureDropError(
        core.name,
        PF_AVRO_FEATURE,
        `no checkpoint could be written at version ${version} (a multi-table transaction is not published yet); the log before it stays, run the migration again`,
      )
  }
  const names = (await core.fs.readdir(logDir))
    .map((name) => ({ name, v: versionPrefix(name) }))
    .filter((f): f is { name: string; v: number } => f.v !== undefined && f.v < version)
    .sort((a, b) => a.v - b.v || a.name.localeCompare(b.name))
  if (names.length > 0) {
    await core.fs.mkdir(dest)
    for (const { name } of names) {
      await core.fs.rename(join(logDir, name), join(dest, name)).catch((error: unknown) => {
        if (!isNotFound(error)) throw error
      })
    }
    await core.fs.fsyncDir(logDir)
  }
  return { version, movedFiles: names.length, movedTo: dest }
}

/** The version `_delta_log/_last_checkpoint` names; -1 when it is missing or unreadable. */
async function lastCheckpointVersion(logDir: string, core: TableCore): Promise<number> {
  try {
    const read = decodeLastCheckpoint(
      new TextDecoder().decode(await core.fs.readFile(join(logDir, LAST_CHECKPOINT))),
    )
    return read.ok ? read.value.version : -1
  } catch (error) {
    if (isNotFound(error)) return -1
    throw error
  }
}

/** The version a Delta log file name starts with (`<20 digits>.checkpoint.parquet`, `.crc`, ...). */
function versionPrefix(name: string): number | undefined {
  const m = /^(\d{20})\./.exec(name)
  return m ? Number(m[1]) : undefined
}
