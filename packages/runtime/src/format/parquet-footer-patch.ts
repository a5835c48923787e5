import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import {
  binaryOf,
  encodeThriftStruct,
  fieldOf,
  intNode,
  intOf,
  parseThriftStruct,
  structFields,
  type TField,
} from './thrift-compact-tree.js'

/** A Parquet footer rewritten so that polars reads the file, with what was changed and why. */
export interface ParquetFooterPatch {
  /** The new FileMetaData (Thrift compact). */
  readonly footer: Uint8Array
  /** One line per change, naming the column. */
  readonly changes: readonly string[]
}

/** LogicalType union members polars 0.24 decodes (1-8, 10-15); others (geometry, geography...) fail its footer parse. */
const KNOWN_LOGICAL_TYPES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15])
const CONVERTED_MAP = 1
const CONVERTED_MAP_KEY_VALUE = 2
const CONVERTED_LIST = 3
const LOGICAL_MAP = 2
const LOGICAL_LIST = 3

/**
 * The footer edits polars needs (pure): MAP columns re-annotated as LIST — polars 0.24 panics on maps with required
 * keys, the form Spark, Impala and DuckDB write, but reads the same layout as a list of `{key, value}` structs, its
 * own representation of a map —; logical types it does not know dropped (the column reads as its physical type,
 * e.g. geometry as WKB binary); column orders other than TypeDefinedOrder dropped (only statistics use them).
 * Undefined when the footer needs none.
 */
export function patchFileMetaData(bytes: Uint8Array): ParquetFooterPatch | undefined {
  const root = parseThriftStruct(bytes)
  const changes: string[] = []
  const schema = fieldOf(root, 2)
  for (const element of schema?.kind === 'list' ? schema.items : []) {
    const fields = structFields(element)
    const name = Buffer.from(binaryOf(fieldOf(element, 4)) ?? []).toString('utf8')
    const converted = fields.find((f) => f.id === 6)
    if (converted && intOf(converted.value) === CONVERTED_MAP) {
      converted.value = intNode(CONVERTED_LIST)
      changes.push(`column ${name}: MAP read as a list of {key, value} structs`)
    } else if (converted && intOf(converted.value) === CONVERTED_MAP_KEY_VALUE) {
      fields.splice(fields.indexOf(converted), 1)
    }
    const logical = fields.find((f) => f.id === 10)
    const member = structFields(logical?.value)[0]
    if (logical && member) {
      if (member.id === LOGICAL_MAP) {
        member.id = LOGICAL_LIST
        if (!converted) changes.push(`column ${name}: MAP read as a list of {key, value} structs`)
      } else if (!KNOWN_LOGICAL_TYPES.has(member.id)) {
        fields.splice(fields.indexOf(logical as TField), 1)
        changes.push(`column ${name}: logical type ${logicalTypeName(member.id)} read as its physical type`)
      }
    }
  }
  const rootFields = structFields(root)
  const metadata = rootFields.find((f) => f.id === 5)?.value
  if (changes.some((c) => c.includes('logical type')) && metadata?.kind === 'list') {
    // The Arrow schema stored by Arrow writers would bring the dropped type back (e.g. as a geoarrow extension).
    const before = metadata.items.length
    metadata.items = metadata.items.filter(
      (kv) => Buffer.from(binaryOf(fieldOf(kv, 1)) ?? []).toString('latin1') !== 'ARROW:schema',
    )
    if (metadata.items.length < before) changes.push('the stored Arrow schema ignored')
  }
  const orders = rootFields.find((f) => f.id === 7)
  if (orders?.value.kind === 'list' && orders.value.items.some((o) => structFields(o)[0]?.id !== 1)) {
    rootFields.splice(rootFields.indexOf(orders), 1)
    changes.push('column orders other than TypeDefinedOrder ignored')
  }
  return changes.length > 0 ? { footer: encodeThriftStruct(root), changes } : undefined
}

/** The Parquet names of the LogicalType union members polars does not know. */
export function logicalTypeName(id: number): string {
  return (
    ({ 9: 'reserved(9)', 16: 'VARIANT', 17: 'GEOMETRY', 18: 'GEOGRAPHY' } as Record<number, string>)[id] ??
    `#${id}`
  )
}

interface CachedPatch {
  readonly key: string
  readonly patch: ParquetFooterPatch | undefined
}

const cache = new Map<string, CachedPatch>()

/**
 * The footer patch of a Parquet file, if it needs one (cached by path, size and mtime: data files do not change
 * in place). Undefined too when the footer cannot be read: polars then reports the file as it is.
 */
export function parquetFooterPatch(path: string): ParquetFooterPatch | undefined {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return undefined
  }
  try {
    const { size, mtimeMs } = fstatSync(fd)
    const key = `${size}:${mtimeMs}`
    const hit = cache.get(path)
    if (hit?.key === key) return hit.patch
    let patch: ParquetFooterPatch | undefined
    try {
      const footer = readFooter(fd, size)
      patch = footer ? patchFileMetaData(footer) : undefined
    } catch {
      patch = undefined
    }
    cache.set(path, { key, patch })
    return patch
  } finally {
    closeSync(fd)
  }
}

function readFooter(fd: number, size: number): Uint8Array | undefined {
  if (size < 12) return undefined
  const tail = Buffer.alloc(8)
  readSync(fd, tail, 0, 8, size - 8)
  if (tail.toString('latin1', 4, 8) !== 'PAR1') return undefined
  const length = tail.readUInt32LE(0)
  if (length + 12 > size) return undefined
  const footer = Buffer.alloc(length)
  readSync(fd, footer, 0, length, size - 8 - length)
  return footer
}

/** The file's bytes with its footer replaced (the data pages are addressed by absolute offsets, so they stay). */
export function patchedParquetBytes(path: string, patch: ParquetFooterPatch): Buffer {
  const fd = openSync(path, 'r')
  try {
    const { size } = fstatSync(fd)
    const tail = Buffer.alloc(8)
    readSync(fd, tail, 0, 8, size - 8)
    const dataEnd = size - 8 - tail.readUInt32LE(0)
    const out = Buffer.alloc(dataEnd + patch.footer.length + 8)
    readSync(fd, out, 0, dataEnd, 0)
    out.set(patch.footer, dataEnd)
    out.writeUInt32LE(patch.footer.length, dataEnd + patch.footer.length)
    out.write('PAR1', dataEnd + patch.footer.length + 4, 'latin1')
    return out
  } finally {
    closeSync(fd)
  }
}
