import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { SpecOracleError } from './spec-oracle-error.js'
import { tablePath } from './spec-table-path.js'

/** PROTOCOL.md "Deletion Vector Descriptor Schema". */
export interface DeletionVectorDescriptor {
  readonly storageType: string
  readonly pathOrInlineDv: string
  readonly offset?: number | null
  readonly sizeInBytes: number
  readonly cardinality: number
}

/** PROTOCOL.md "Derived Fields": `<storageType><pathOrInlineDv>[@<offset>]`. */
export function dvUniqueId(dv: DeletionVectorDescriptor): string {
  const base = `${dv.storageType}${dv.pathOrInlineDv}`
  return dv.offset === undefined || dv.offset === null ? base : `${base}@${dv.offset}`
}

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#'
const Z85_VALUE = new Map([...Z85].map((c, i) => [c, i]))

/** Z85 (ZeroMQ RFC 32), the Base85 variant PROTOCOL.md names for DVs: 5 characters → 4 bytes, big-endian. */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0)
    throw new SpecOracleError('bad-deletion-vector', `Z85 text of length ${text.length}`)
  const out = new Uint8Array((text.length / 5) * 4)
  for (let i = 0; i < text.length / 5; i++) {
    let value = 0
    for (let j = 0; j < 5; j++) {
      const digit = Z85_VALUE.get(text.charAt(i * 5 + j))
      if (digit === undefined)
        throw new SpecOracleError('bad-deletion-vector', `not a Z85 character in "${text}"`)
      value = value * 85 + digit
    }
    new DataView(out.buffer).setUint32(i * 4, value, false)
  }
  return out
}

/** A 16-byte UUID in its canonical text form. */
function uuidText(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** One serialized 32-bit RoaringBitmap (RoaringFormatSpec), read from `at`: its values and where it ends. */
function readRoaring32(view: DataView, start: number, out: (low: number) => void): number {
  let at = start
  const cookie = view.getUint32(at, true)
  at += 4
  let size: number
  let runFlags: Uint8Array | undefined
  if ((cookie & 0xffff) === 12347) {
    size = (cookie >>> 16) + 1
    runFlags = new Uint8Array(view.buffer, view.byteOffset + at, Math.ceil(size / 8))
    at += Math.ceil(size / 8)
  } else if (cookie === 12346) {
    size = view.getUint32(at, true)
    at += 4
  } else {
    throw new SpecOracleError('bad-deletion-vector', `not a RoaringBitmap (cookie ${cookie})`)
  }
  const keys: number[] = []
  const cards: number[] = []
  for (let i = 0; i < size; i++) {
    keys.push(view.getUint16(at, true))
    cards.push(view.getUint16(at + 2, true) + 1)
    at += 4
  }
  // Offsets are present without run containers, or with at least 4 containers (NO_OFFSET_THRESHOLD).
  if (runFlags === undefined || size >= 4) at += 4 * size
  for (let i = 0; i < size; i++) {
    const high = (keys[i] as number) * 65536
    const card = cards[i] as number
    const isRun = runFlags !== undefined && ((runFlags[i >> 3] as number) & (1 << (i & 7))) !== 0
    if (isRun) {
      const runs = view.getUint16(at, true)
      at += 2
      for (let r = 0; r < runs; r++) {
        const from = view.getUint16(at, true)
        const length = view.getUint16(at + 2, true)
        at += 4
        for (let v = from; v <= from + length; v++) out(high + v)
      }
    } else if (card <= 4096) {
      for (let k = 0; k < card; k++) out(high + view.getUint16(at + 2 * k, true))
      at += 2 * card
    } else {
      for (let w = 0; w < 2048; w++) {
        const word = view.getUint32(at + 4 * w, true)
        for (let b = 0; b < 32; b++) if ((word >>> b) & 1) out(high + w * 32 + b)
      }
      at += 8192
    }
  }
  return at
}

/** PROTOCOL.md "Deletion Vector Format": magic 1681511377 then a portable 64-bit RoaringBitmap, little endian. */
export function decodeRoaringBitmapArray(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // PROTOCOL.md's own inline example ("JSON Example 3") is in Delta's older native layout: magic 1681511376, then
  // big-endian bitmap count and, per bitmap i (key i), its size and a 32-bit RoaringBitmap.
  if (view.getUint32(0, false) === 1681511376) {
    const count = view.getUint32(4, false)
    let at = 8
    const rows: number[] = []
    for (let key = 0; key < count; key++) {
      const size = view.getUint32(at, false)
      readRoaring32(view, at + 4, (low) => rows.push(key * 2 ** 32 + low))
      at += 4 + size
    }
    return rows
  }
  const magic = view.getUint32(0, true)
  if (magic !== 1681511377) throw new SpecOracleError('bad-deletion-vector', `DV magic number ${magic}`)
  const buckets = Number(view.getBigUint64(4, true))
  let at = 12
  const rows: number[] = []
  for (let b = 0; b < buckets; b++) {
    const key = view.getUint32(at, true)
    if (key >= 0x80000000)
      throw new SpecOracleError('bad-deletion-vector', `DV bucket key ${key} has its top bit set`)
    at = readRoaring32(view, at + 4, (low) => rows.push(key * 2 ** 32 + low))
  }
  return rows
}

/** PROTOCOL.md "Derived Fields" absolutePath: `<root>/<random prefix>/deletion_vector_<uuid>.bin` for 'u', the URI for 'p'. */
export function dvFilePath(root: string, dv: DeletionVectorDescriptor): string {
  if (dv.storageType === 'u') {
    // "<random prefix - optional><base85 encoded uuid>": the uuid is the last 20 characters.
    const prefix = dv.pathOrInlineDv.slice(0, -20)
    const uuid = uuidText(z85Decode(dv.pathOrInlineDv.slice(-20)))
    return join(root, prefix, `deletion_vector_${uuid}.bin`)
  }
  if (dv.storageType === 'p') return tablePath(root, dv.pathOrInlineDv)
  throw new SpecOracleError('bad-deletion-vector', `a DV of storageType "${dv.storageType}" has no file`)
}

/** The deleted row positions of one DV (inline, or in a file as "Deletion Vector File Storage Format" says). */
export function readDeletionVector(root: string, dv: DeletionVectorDescriptor): number[] {
  let rows: number[]
  if (dv.storageType === 'i') {
    rows = decodeRoaringBitmapArray(z85Decode(dv.pathOrInlineDv).subarray(0, dv.sizeInBytes))
  } else {
    const file = dvFilePath(root, dv)
    const bytes = readFileSync(file)
    const offset = dv.offset ?? 0
    if (offset === 0 || bytes[0] !== 1)
      throw new SpecOracleError(
        'bad-deletion-vector',
        `${file}: DV file version ${bytes[0]} or offset ${offset}`,
      )
    // Big endian: dataSize, bitmapData (dataSize bytes), CRC-32 of bitmapData.
    const size = bytes.readUInt32BE(offset)
    if (size !== dv.sizeInBytes)
      throw new SpecOracleError(
        'bad-deletion-vector',
        `${file}@${offset}: ${size} bytes, descriptor says ${dv.sizeInBytes}`,
      )
    const data = bytes.subarray(offset + 4, offset + 4 + size)
    const checksum = bytes.readUInt32BE(offset + 4 + size)
    if (crc32(data) !== checksum)
      throw new SpecOracleError('bad-deletion-vector', `${file}@${offset}: CRC-32 mismatch`)
    rows = decodeRoaringBitmapArray(data)
  }
  if (rows.length !== dv.cardinality)
    throw new SpecOracleError(
      'bad-deletion-vector',
      `DV ${dvUniqueId(dv)} holds ${rows.length} rows, cardinality says ${dv.cardinality}`,
    )
  return rows
}
