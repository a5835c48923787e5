// `_delta_log/_last_checkpoint` (PROTOCOL.md "Last Checkpoint File Schema", "JSON checksum"): a hint pointing near
// the end of the log. Decoding never throws: a reader that meets a damaged pointer lists the log instead, as the
// spec says, so a problem is returned as data.
import { createHash } from 'node:crypto'
import { CheckpointFormatError } from './checkpoint-format-error.js'
import { uuidCheckpointVersion } from './checkpoint-v2.js'

const LAST_CHECKPOINT = '_last_checkpoint'

/** The fields of `_last_checkpoint` pf reads and writes; unknown fields are ignored. */
export interface LastCheckpoint {
  /** The table version the checkpoint holds. */
  readonly version: number
  /** The number of actions in the checkpoint. */
  readonly size: number
  /** The number of part files of a multi-part checkpoint. */
  readonly parts?: number
  /** The checkpoint's size in bytes (all parts). */
  readonly sizeInBytes?: number
  /** The number of `add` actions in the checkpoint. */
  readonly numOfAddFiles?: number
  /** The checkpoint's schema in Delta's JSON serialization (a struct type). */
  readonly checkpointSchema?: Readonly<Record<string, unknown>>
  readonly tags?: Readonly<Record<string, string>>
  /** A V2 checkpoint's top-level file (read only: pf writes classic checkpoints). */
  readonly v2Checkpoint?: { readonly path: string }
}

/** A `_last_checkpoint` text read: its fields, or why it cannot be trusted (then list `_delta_log/`). */
export type LastCheckpointRead = { ok: true; value: LastCheckpoint } | { ok: false; problem: string }

const COUNTS = ['version', 'size', 'parts', 'sizeInBytes', 'numOfAddFiles'] as const

/** Reads `_last_checkpoint`: JSON, the spec's field types, and the MD5 `checksum` when the writer gave one. */
export function decodeLastCheckpoint(text: string): LastCheckpointRead {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return { ok: false, problem: text.trim() === '' ? 'empty' : 'not valid JSON (truncated or damaged)' }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, problem: 'not a JSON object' }
  const fields = raw as Record<string, unknown>
  const value: Record<string, unknown> = {}
  for (const name of COUNTS) {
    const field = fields[name]
    if (field === undefined && (name === 'version' || name === 'size'))
      return { ok: false, problem: `${name} is missing` }
    if (field === undefined) continue
    if (typeof field !== 'number' || !Number.isSafeInteger(field) || field < 0)
      return { ok: false, problem: `${name} is ${JSON.stringify(field)}, not a count` }
    value[name] = field
  }
  if (value.parts !== undefined && (value.parts as number) < 1) return { ok: false, problem: 'parts is 0' }
  const schema = fields.checkpointSchema
  if (schema !== undefined) {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
      return { ok: false, problem: 'checkpointSchema is not an object' }
    value.checkpointSchema = schema
  }
  const tags = fields.tags
  if (tags !== undefined) {
    if (
      typeof tags !== 'object' ||
      tags === null ||
      Array.isArray(tags) ||
      !Object.values(tags).every((tag) => typeof tag === 'string')
    )
      return { ok: false, problem: 'tags is not a string map' }
    value.tags = tags
  }
  // A V2 checkpoint's file in _delta_log/ (PROTOCOL.md "Last Checkpoint File Schema"): kept only when it names a
  // UUID-named checkpoint of `version`; anything else is ignored (the reader lists the log for the checkpoint).
  const v2 = fields.v2Checkpoint
  const v2Path = typeof v2 === 'object' && v2 !== null ? (v2 as { path?: unknown }).path : undefined
  if (typeof v2Path === 'string' && uuidCheckpointVersion(v2Path) === value.version)
    value.v2Checkpoint = { path: v2Path }
  const checksum = fields.checksum
  if (checksum !== undefined) {
    const expected = lastCheckpointChecksum(fields)
    if (expected === undefined) return { ok: false, problem: 'a string is not valid Unicode, no checksum' }
    if (checksum !== expected)
      return {
        ok: false,
        problem: `checksum ${JSON.stringify(checksum)} does not match the content (${expected})`,
      }
  }
  return { ok: true, value: value as unknown as LastCheckpoint }
}

/** The `_last_checkpoint` text for `info`, with the spec's MD5 `checksum` so that readers can check it. */
export function encodeLastCheckpoint(info: LastCheckpoint): string {
  const fields: Record<string, unknown> = { ...info }
  for (const name of COUNTS)
    if (fields[name] !== undefined && (!Number.isSafeInteger(fields[name]) || (fields[name] as number) < 0))
      throw new CheckpointFormatError(LAST_CHECKPOINT, name, `expected a count, got ${String(fields[name])}`)
  const checksum = lastCheckpointChecksum(fields)
  if (checksum === undefined)
    throw new CheckpointFormatError(
      LAST_CHECKPOINT,
      undefined,
      'a string holds a lone surrogate (no UTF-8 form)',
    )
  return JSON.stringify({ ...fields, checksum })
}

/**
 * The spec's checksum of a `_last_checkpoint` object: MD5 of its canonical form (leaf paths and values, strings
 * percent-encoded, sorted by path bytes, the top-level `checksum` left out; empty objects and arrays have no leaf).
 * Undefined when a string holds a lone surrogate, which has no UTF-8 form.
 */
export function lastCheckpointChecksum(fields: Readonly<Record<string, unknown>>): string | undefined {
  const pairs: [path: string, value: string][] = []
  const visit = (value: unknown, path: string): boolean => {
    if (value === undefined) return true
    if (value === null || typeof value !== 'object') {
      const canonical = typeof value === 'string' ? quoted(value) : JSON.stringify(value)
      if (canonical === undefined) return false
      pairs.push([path, canonical])
      return true
    }
    const entries: [segment: string | undefined, item: unknown][] = Array.isArray(value)
      ? value.map((item, index) => [String(index), item])
      : Object.entries(value)
          .filter(([key]) => path !== '' || key !== 'checksum')
          .map(([key, item]) => [quoted(key), item])
    for (const [segment, item] of entries)
      if (segment === undefined || !visit(item, path === '' ? segment : `${path}+${segment}`)) return false
    return true
  }
  if (!visit(fields, '')) return undefined
  // Paths are ASCII after percent-encoding, so comparing code units compares their UTF-8 bytes.
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return createHash('md5')
    .update(pairs.map(([path, value]) => `${path}=${value}`).join(','))
    .digest('hex')
}

/** A string's canonical form: quoted, every UTF-8 byte but A-Z a-z 0-9 - . _ ~ percent-encoded in upper case. */
function quoted(text: string): string | undefined {
  try {
    return `"${encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}"`
  } catch {
    return undefined // a lone surrogate: no UTF-8 form
  }
}
