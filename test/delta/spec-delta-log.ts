import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DuckDBConnection } from '@duckdb/node-api'
import { type DeletionVectorDescriptor, dvUniqueId } from './spec-deletion-vector.js'
import { SpecOracleError } from './spec-oracle-error.js'

/** PROTOCOL.md "Protocol Evolution". */
export interface ProtocolAction {
  readonly minReaderVersion: number
  readonly minWriterVersion: number
  readonly readerFeatures?: readonly string[] | null
  readonly writerFeatures?: readonly string[] | null
}

/** PROTOCOL.md "Change Metadata". */
export interface MetadataAction {
  readonly id: string
  readonly format: { readonly provider: string; readonly options?: Record<string, string> | null }
  readonly schemaString: string
  readonly partitionColumns: readonly string[]
  readonly configuration?: Record<string, string | null> | null
  readonly createdTime?: number | null
}

/** PROTOCOL.md "Add File and Remove File" (the fields a reader needs). */
export interface FileAction {
  readonly path: string
  readonly partitionValues?: Record<string, string | null> | null
  readonly size?: number | null
  readonly dataChange?: boolean | null
  readonly stats?: string | null
  readonly deletionVector?: DeletionVectorDescriptor | null
}

/** PROTOCOL.md "Transaction Identifiers". */
export interface TxnAction {
  readonly appId: string
  readonly version: number
  readonly lastUpdated?: number | null
}

/** One line of a commit or one row of a checkpoint: at most one action set. */
interface Action {
  protocol?: ProtocolAction | null
  metaData?: MetadataAction | null
  add?: FileAction | null
  remove?: FileAction | null
  txn?: TxnAction | null
  domainMetadata?: { domain: string; configuration: string; removed: boolean } | null
  sidecar?: { path: string } | null
  commitInfo?: Record<string, unknown> | null
}

/** A snapshot after "Action Reconciliation". */
export interface DeltaSnapshot {
  readonly version: number
  readonly protocol: ProtocolAction
  readonly metaData: MetadataAction
  /** Live logical files (`add` actions), in replay order. */
  readonly files: readonly FileAction[]
  /** Tombstones (`remove` actions not re-added). */
  readonly tombstones: readonly FileAction[]
  readonly txns: ReadonlyMap<string, TxnAction>
  readonly domains: ReadonlyMap<string, string>
  /** The checkpoint the replay started from, if any (file names). */
  readonly checkpoint: readonly string[]
  /** `commitInfo` of the commit at this version (PROTOCOL.md: not kept in checkpoints). */
  readonly commitInfo: Record<string, unknown> | undefined
}

const COMMIT = /^(\d{20})\.json$/
const CLASSIC = /^(\d{20})\.checkpoint\.parquet$/
const MULTI_PART = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/
const UUID_NAMED = /^(\d{20})\.checkpoint\.[0-9a-fA-F-]{36}\.(json|parquet)$/

/** A complete checkpoint found in `_delta_log/`: its version and files (PROTOCOL.md "Checkpoints"). */
interface CheckpointFiles {
  readonly version: number
  readonly files: readonly string[]
}

/** Every complete checkpoint; multi-part checkpoints with missing parts are ignored, as the spec requires. */
function listCheckpoints(names: readonly string[]): CheckpointFiles[] {
  const out: CheckpointFiles[] = []
  const parts = new Map<string, string[]>()
  for (const name of names) {
    const classic = CLASSIC.exec(name) ?? UUID_NAMED.exec(name)
    if (classic) out.push({ version: Number(classic[1]), files: [name] })
    const multi = MULTI_PART.exec(name)
    if (multi) {
      const key = `${multi[1]}/${Number(multi[3])}`
      parts.set(key, [...(parts.get(key) ?? []), name])
    }
  }
  for (const [key, files] of parts) {
    const [version, total] = key.split('/').map(Number) as [number, number]
    if (new Set(files).size === total) out.push({ version, files: files.sort() })
  }
  return out.sort((a, b) => a.version - b.version)
}

/** The checkpoint to start from: `_last_checkpoint` when it is usable, else the newest complete one (listing). */
function chooseCheckpoint(
  log: string,
  names: readonly string[],
  target: number,
): CheckpointFiles | undefined {
  const all = listCheckpoints(names).filter((c) => c.version <= target)
  // PROTOCOL.md "Last Checkpoint File": a pointer near the end of the log; a corrupt or stale one is only a hint.
  try {
    const last = JSON.parse(readFileSync(join(log, '_last_checkpoint'), 'utf8')) as { version?: unknown }
    const pointed = all.filter((c) => c.version === last.version)
    const newest = all.at(-1)
    if (pointed.length > 0 && newest !== undefined && newest.version === last.version) return pointed.at(-1)
  } catch {
    // missing or unreadable: list instead
  }
  return all.at(-1)
}

/** The version a file name carries, if it is a commit or checkpoint. */
function versionOf(name: string): number | undefined {
  const m = COMMIT.exec(name) ?? CLASSIC.exec(name) ?? MULTI_PART.exec(name) ?? UUID_NAMED.exec(name)
  return m ? Number(m[1]) : undefined
}

/** The newline-delimited JSON actions of one file. */
function jsonActions(file: string): Action[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Action)
}

/** Parquet checkpoint (or sidecar) rows as actions: DuckDB turns each row (structs, maps) into JSON. */
async function parquetActions(duck: DuckDBConnection, files: readonly string[]): Promise<Action[]> {
  const list = files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ')
  const reader = await duck.runAndReadAll(
    `select to_json(t)::varchar as j from read_parquet([${list}], union_by_name=true) t`,
  )
  return reader.getRows().map((row) => JSON.parse(String(row[0])) as Action)
}

/** The actions of a checkpoint, sidecars included (PROTOCOL.md "V2 Spec", "Sidecar Files"). */
async function checkpointActions(
  duck: DuckDBConnection,
  log: string,
  checkpoint: CheckpointFiles,
): Promise<Action[]> {
  const files = checkpoint.files.map((f) => join(log, f))
  const actions =
    files.length === 1 && (files[0] as string).endsWith('.json')
      ? jsonActions(files[0] as string)
      : await parquetActions(duck, files)
  const sidecars = actions.flatMap((a) =>
    a.sidecar ? [join(log, '_sidecars', decodeURIComponent(a.sidecar.path))] : [],
  )
  return sidecars.length > 0 ? [...actions, ...(await parquetActions(duck, sidecars))] : actions
}

/** The logical-file key of "Action Reconciliation": (path, deletionVector.uniqueId). */
function fileKey(action: FileAction): string {
  const dv = action.deletionVector
  return `${decodeURIComponent(action.path)}\u0000${dv?.storageType ? dvUniqueId(dv) : ''}`
}

/** Replays `_delta_log/` of the table at `root` up to `version` (default: the latest). */
export async function replayLog(
  duck: DuckDBConnection,
  root: string,
  version?: number,
): Promise<DeltaSnapshot> {
  const log = join(root, '_delta_log')
  if (!existsSync(log)) throw new SpecOracleError('no-log', `${root}: no _delta_log folder`)
  const names = readdirSync(log)
  const versions = names.map(versionOf).filter((v): v is number => v !== undefined)
  if (versions.length === 0) throw new SpecOracleError('no-log', `${root}: _delta_log holds no commit`)
  const latest = Math.max(...versions)
  const target = version ?? latest
  if (target > latest || target < 0)
    throw new SpecOracleError(
      'version-missing',
      `${root}: version ${target} does not exist (latest ${latest})`,
    )

  let protocol: ProtocolAction | undefined
  let metaData: MetadataAction | undefined
  const files = new Map<string, FileAction>()
  const tombstones = new Map<string, FileAction>()
  const txns = new Map<string, TxnAction>()
  const domains = new Map<string, string>()
  let commitInfo: Record<string, unknown> | undefined

  // "Action Reconciliation": the latest protocol/metaData win; the newest reference to a logical file wins.
  const apply = (action: Action): void => {
    if (action.protocol) protocol = action.protocol
    if (action.metaData) metaData = action.metaData
    if (action.txn) txns.set(action.txn.appId, action.txn)
    if (action.domainMetadata) {
      if (action.domainMetadata.removed) domains.delete(action.domainMetadata.domain)
      else domains.set(action.domainMetadata.domain, action.domainMetadata.configuration)
    }
    if (action.add) {
      const key = fileKey(action.add)
      tombstones.delete(key)
      files.delete(key)
      files.set(key, action.add)
    }
    if (action.remove) {
      const key = fileKey(action.remove)
      files.delete(key)
      tombstones.set(key, action.remove)
    }
  }

  const checkpoint = chooseCheckpoint(log, names, target)
  let from = 0
  if (checkpoint) {
    for (const action of await checkpointActions(duck, log, checkpoint)) apply(action)
    const where = `${root}: checkpoint ${checkpoint.files.join(', ')}`
    if (!protocol) throw new SpecOracleError('missing-protocol', `${where} holds no protocol action`)
    if (!metaData) throw new SpecOracleError('missing-metadata', `${where} holds no metaData action`)
    from = checkpoint.version + 1
  }
  // "Delta Log Entries": every version after the checkpoint must be there, contiguous.
  for (let v = from; v <= target; v++) {
    const name = `${String(v).padStart(20, '0')}.json`
    if (!names.includes(name))
      throw new SpecOracleError(
        'version-gap',
        `${root}: commit ${name} is missing (replaying to version ${target})`,
      )
    const actions = jsonActions(join(log, name))
    for (const action of actions) apply(action)
    if (v === target) commitInfo = actions.find((a) => a.commitInfo)?.commitInfo ?? undefined
  }
  if (!protocol)
    throw new SpecOracleError('missing-protocol', `${root}: no protocol action up to version ${target}`)
  if (!metaData)
    throw new SpecOracleError('missing-metadata', `${root}: no metaData action up to version ${target}`)
  return {
    version: target,
    protocol,
    metaData,
    files: [...files.values()],
    tombstones: [...tombstones.values()],
    txns,
    domains,
    checkpoint: checkpoint?.files ?? [],
    commitInfo,
  }
}
