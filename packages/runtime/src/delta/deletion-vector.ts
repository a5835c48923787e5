import { randomUUID } from 'node:crypto'
import { isAbsolute, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { crc32 } from 'node:zlib'
import { ParquetFrameError } from '../errors/pf-error.js'
import type { FileSystem } from '../table/file-system.js'
import { pathProblem } from '../table/table-path.js'
import { type DeltaDeletionVector, deletionVectorId } from './delta-actions.js'
import { RoaringBitmapArray, RoaringBitmapFormatError } from './roaring-bitmap-array.js'
import { z85Decode, z85Encode } from './z85.js'

/** The format version byte that starts a deletion vector file (PROTOCOL.md "Deletion Vector File Storage Format"). */
const FILE_FORMAT_VERSION = 1
/** A 'u' descriptor ends with the Z85 of a 16-byte UUID: always 20 characters. */
const ENCODED_UUID_LENGTH = 20
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** A deletion vector whose bytes are wrong: size, checksum, version, bitmap or cardinality disagree. */
export class DeletionVectorCorruptError extends ParquetFrameError {
  constructor(
    /** The DV file (absolute path), or `inline` for a DV stored in the log. */
    readonly file: string,
    /** Where the DV starts in the file; undefined for an inline DV. */
    readonly offset: number | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    const where = offset === undefined ? file : `${file} at offset ${offset}`
    super('PF_DV_CORRUPT', `Deletion vector ${where} is corrupt: ${detail}`, options)
  }
}

/** A deletion vector descriptor that cannot be used: unknown storage type, bad UUID, or a path outside the table. */
export class DeletionVectorDescriptorError extends ParquetFrameError {
  constructor(
    /** The descriptor's unique id (PROTOCOL.md "Derived Fields"). */
    readonly id: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('PF_DV_DESCRIPTOR', `Deletion vector descriptor ${JSON.stringify(id)}: ${detail}`, options)
  }
}

/** A deletion vector file ready to be written, and the descriptors of the DVs it holds. */
export interface DeletionVectorFile {
  /** The file's path inside the table, `/`-separated: `[<prefix>/]deletion_vector_<uuid>.bin`. */
  readonly path: string
  readonly bytes: Uint8Array
  /** One per bitmap given, in order: storageType 'u', the file's offset of each DV. */
  readonly descriptors: readonly DeltaDeletionVector[]
}

/** Options of {@link encodeDeletionVectorFile}. */
export interface DeletionVectorFileOptions {
  /** The random prefix (a folder spreading files across storage partitions), letters and digits. Default none. */
  readonly prefix?: string
  /** The file's UUID in canonical form. Default a random v4 UUID. */
  readonly uuid?: string
}

/**
 * A deletion vector file holding `bitmaps` (usually one): the version byte, then for each its big-endian size,
 * its RoaringBitmapArray bytes and their big-endian CRC-32.
 */
export function encodeDeletionVectorFile(
  bitmaps: readonly RoaringBitmapArray[],
  options: DeletionVectorFileOptions = {},
): DeletionVectorFile {
  const prefix = options.prefix ?? ''
  if (!/^[A-Za-z0-9]*$/.test(prefix))
    throw new DeletionVectorDescriptorError(prefix, 'a random prefix holds only letters and digits')
  const uuid = options.uuid ?? randomUUID()
  if (!UUID.test(uuid)) throw new DeletionVectorDescriptorError(uuid, 'not a lowercase canonical UUID')
  const pathOrInlineDv = prefix + z85Encode(uuidBytes(uuid))
  const serialized = bitmaps.map((b) => b.serialize())
  const out = new Uint8Array(1 + serialized.reduce((sum, s) => sum + 8 + s.length, 0))
  const view = new DataView(out.buffer)
  out[0] = FILE_FORMAT_VERSION
  let pos = 1
  const descriptors: DeltaDeletionVector[] = []
  for (const [i, bytes] of serialized.entries()) {
    const bitmap = bitmaps[i] as RoaringBitmapArray
    descriptors.push({
      storageType: 'u',
      pathOrInlineDv,
      offset: pos,
      sizeInBytes: bytes.length,
      cardinality: bitmap.size,
    })
    view.setUint32(pos, bytes.length, false)
    out.set(bytes, pos + 4)
    view.setUint32(pos + 4 + bytes.length, crc32(bytes) >>> 0, false)
    pos += 8 + bytes.length
  }
  return { path: uuidFilePath(prefix, uuid), bytes: out, descriptors }
}

/** The descriptor of `bitmap` stored inline in the log: Z85 of its bytes, zero-padded to a multiple of 4. */
export function encodeInlineDeletionVector(bitmap: RoaringBitmapArray): DeltaDeletionVector {
  const bytes = bitmap.serialize()
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4)
  padded.set(bytes)
  return {
    storageType: 'i',
    pathOrInlineDv: z85Encode(padded),
    sizeInBytes: bytes.length,
    cardinality: bitmap.size,
  }
}

/** The row indexes of an inline ('i') descriptor. */
export function decodeInlineDeletionVector(descriptor: DeltaDeletionVector): RoaringBitmapArray {
  if (descriptor.storageType !== 'i')
    throw new DeletionVectorDescriptorError(
      deletionVectorId(descriptor) ?? '',
      'is not an inline deletion vector',
    )
  let decoded: Uint8Array
  try {
    decoded = z85Decode(descriptor.pathOrInlineDv)
  } catch (cause) {
    throw new DeletionVectorCorruptError('inline', undefined, (cause as Error).message, { cause })
  }
  const size = descriptor.sizeInBytes
  if (!Number.isSafeInteger(size) || decoded.length !== Math.ceil(size / 4) * 4)
    throw new DeletionVectorCorruptError(
      'inline',
      undefined,
      `${decoded.length} bytes decoded, sizeInBytes ${size} needs ${Math.ceil(size / 4) * 4}`,
    )
  return checkedBitmap(decoded.subarray(0, size), descriptor, 'inline', undefined)
}

/**
 * The row indexes of the DV at `descriptor.offset` in the bytes of its file (named `file` in errors). Checks the
 * version byte, the size against `sizeInBytes`, the CRC-32, the bitmap and its cardinality. An absent offset means
 * the first DV (offset 1), as delta-kernel reads it (the spec says 0, which is the version byte).
 */
export function decodeDeletionVectorFile(
  bytes: Uint8Array,
  descriptor: DeltaDeletionVector,
  file: string,
): RoaringBitmapArray {
  const offset = descriptor.offset ?? 1
  const corrupt = (detail: string, cause?: unknown) =>
    new DeletionVectorCorruptError(file, offset, detail, cause === undefined ? undefined : { cause })
  if (bytes.length === 0) throw corrupt('the file is empty')
  if (bytes[0] !== FILE_FORMAT_VERSION) throw corrupt(`format version ${bytes[0]}, only 1 is known`)
  const size = descriptor.sizeInBytes
  if (!Number.isSafeInteger(offset) || offset < 1)
    throw corrupt('the offset is not a position after the version byte')
  if (!Number.isSafeInteger(size) || size < 0) throw corrupt(`sizeInBytes ${size} is not a size`)
  if (offset + 8 + size > bytes.length)
    throw corrupt(`the DV needs bytes ${offset}..${offset + 8 + size - 1}, the file has ${bytes.length}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const stored = view.getUint32(offset, false)
  if (stored !== size) throw corrupt(`the file says ${stored} bytes, the descriptor's sizeInBytes ${size}`)
  const data = bytes.subarray(offset + 4, offset + 4 + size)
  const checksum = view.getUint32(offset + 4 + size, false)
  const actual = crc32(data) >>> 0
  if (checksum !== actual)
    throw corrupt(`CRC-32 ${hex32(actual)} of the bitmap differs from the stored ${hex32(checksum)}`)
  return checkedBitmap(data, descriptor, file, offset)
}

/**
 * The path inside the table of a 'u' DV's file (PROTOCOL.md "Derived Fields"): `<prefix>/deletion_vector_<uuid>.bin`,
 * or `deletion_vector_<uuid>.bin` without a prefix.
 */
export function deletionVectorRelativePath(descriptor: DeltaDeletionVector): string {
  const id = deletionVectorId(descriptor) ?? ''
  if (descriptor.storageType !== 'u')
    throw new DeletionVectorDescriptorError(
      id,
      `storage type '${descriptor.storageType}' has no relative path`,
    )
  const text = descriptor.pathOrInlineDv
  if (text.length < ENCODED_UUID_LENGTH)
    throw new DeletionVectorDescriptorError(id, `${text.length} characters, a UUID alone takes 20`)
  const prefix = text.slice(0, text.length - ENCODED_UUID_LENGTH)
  let bytes: Uint8Array
  try {
    bytes = z85Decode(text.slice(text.length - ENCODED_UUID_LENGTH))
  } catch (cause) {
    throw new DeletionVectorDescriptorError(id, `its UUID is not Z85: ${(cause as Error).message}`, { cause })
  }
  return uuidFilePath(prefix, canonicalUuid(bytes))
}

/**
 * The absolute local path of a DV's file: the derived path below `tableRoot` for 'u', the absolute `file:` URI for
 * 'p'. Refuses inline DVs, other URI schemes and any path that leaves the table.
 */
export function deletionVectorAbsolutePath(descriptor: DeltaDeletionVector, tableRoot: string): string {
  const id = deletionVectorId(descriptor) ?? ''
  let inside: string
  if (descriptor.storageType === 'u') {
    inside = deletionVectorRelativePath(descriptor)
  } else if (descriptor.storageType === 'p') {
    inside = pathInsideTable(descriptor.pathOrInlineDv, tableRoot, id)
  } else if (descriptor.storageType === 'i') {
    throw new DeletionVectorDescriptorError(id, 'an inline deletion vector has no file')
  } else {
    throw new DeletionVectorDescriptorError(
      id,
      `unknown storage type ${JSON.stringify(descriptor.storageType)}`,
    )
  }
  const problem = pathProblem(inside)
  if (problem !== undefined) throw new DeletionVectorDescriptorError(id, problem)
  return join(tableRoot, ...inside.split('/'))
}

/** Reads the row indexes of any descriptor; `readFile` is called for on-disk DVs and its errors propagate as they are. */
export async function readDeletionVector(
  descriptor: DeltaDeletionVector,
  tableRoot: string,
  readFile: (path: string) => Promise<Uint8Array>,
): Promise<RoaringBitmapArray> {
  if (descriptor.storageType === 'i') return decodeInlineDeletionVector(descriptor)
  const file = deletionVectorAbsolutePath(descriptor, tableRoot)
  return decodeDeletionVectorFile(await readFile(file), descriptor, file)
}

/** Writes a DV file below `tableRoot` put-if-absent (its UUID is fresh, so an existing file is an error). */
export async function writeDeletionVectorFile(
  fs: Pick<FileSystem, 'createExclusive' | 'mkdir'>,
  tableRoot: string,
  file: DeletionVectorFile,
): Promise<void> {
  const segments = file.path.split('/')
  if (segments.length > 1) await fs.mkdir(join(tableRoot, ...segments.slice(0, -1)))
  await fs.createExclusive(join(tableRoot, ...segments), file.bytes)
}

/** Deserializes and checks the cardinality against the descriptor's. */
function checkedBitmap(
  bytes: Uint8Array,
  descriptor: DeltaDeletionVector,
  file: string,
  offset: number | undefined,
): RoaringBitmapArray {
  let bitmap: RoaringBitmapArray
  try {
    bitmap = RoaringBitmapArray.deserialize(bytes)
  } catch (cause) {
    if (!(cause instanceof RoaringBitmapFormatError)) throw cause
    throw new DeletionVectorCorruptError(file, offset, cause.message, { cause })
  }
  if (bitmap.size !== descriptor.cardinality)
    throw new DeletionVectorCorruptError(
      file,
      offset,
      `it holds ${bitmap.size} row indexes, the descriptor's cardinality is ${descriptor.cardinality}`,
    )
  return bitmap
}

/** The `/`-separated path inside `tableRoot` of a 'p' descriptor's absolute URI (or absolute local path). */
function pathInsideTable(uri: string, tableRoot: string, id: string): string {
  let absolute: string
  if (uri.startsWith('file:')) {
    try {
      absolute = fileURLToPath(uri)
    } catch (cause) {
      throw new DeletionVectorDescriptorError(id, `${JSON.stringify(uri)} is not a file URI`, { cause })
    }
  } else if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri) && !/^[A-Za-z]:[\\/]/.test(uri)) {
    throw new DeletionVectorDescriptorError(
      id,
      `${JSON.stringify(uri)}: pf reads only local files inside the table`,
    )
  } else if (isAbsolute(uri)) {
    absolute = uri
  } else {
    throw new DeletionVectorDescriptorError(id, `${JSON.stringify(uri)} is not an absolute path`)
  }
  const inside = relative(tableRoot, absolute)
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
    throw new DeletionVectorDescriptorError(id, `${JSON.stringify(uri)} is outside the table ${tableRoot}`)
  return inside.split(sep).join('/')
}

function uuidFilePath(prefix: string, uuid: string): string {
  const name = `deletion_vector_${uuid}.bin`
  return prefix === '' ? name : `${prefix}/${name}`
}

/** The UUID's 16 bytes, most significant first (Java's getMostSignificantBits, then the least). */
function uuidBytes(uuid: string): Uint8Array {
  return new Uint8Array(Buffer.from(uuid.replaceAll('-', ''), 'hex'))
}

function canonicalUuid(bytes: Uint8Array): string {
  const h = Buffer.from(bytes).toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`
}
