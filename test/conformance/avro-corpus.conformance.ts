import { join } from 'node:path'
import { inflateRawSync } from 'node:zlib'
import avsc from 'avsc'
import { decompress as zstdDecompress } from 'fzstd'
import { snappyDecompress } from '../../packages/runtime/src/format/snappy.js'
import { compareCorpus } from './corpus-comparison.js'
import { type ChildRead, CORPUS_ROOT, corpusFiles } from './corpus-files.js'
import { AVRO_EXPECTED } from './known-differences.js'

const FILES = corpusFiles('avro', '.avro')
const MAX = BigInt(Number.MAX_SAFE_INTEGER)

/** avsc's long, but bigints beyond 2^53 instead of an error (the reference must not lose digits either). */
const exactLong = avsc.types.LongType.__with({
  fromBuffer: (buf: Buffer) => {
    const n = buf.readBigInt64LE(0)
    return n > MAX || n < -MAX ? n : Number(n)
  },
  toBuffer: (n: number | bigint) => {
    const buf = Buffer.alloc(8)
    buf.writeBigInt64LE(BigInt(n), 0)
    return buf
  },
  fromJSON: (v: unknown) => v,
  toJSON: (n: number | bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint' || Number.isSafeInteger(n),
  compare: (a: number | bigint, b: number | bigint) => (a < b ? -1 : a > b ? 1 : 0),
})

const codecs = {
  null: (buf: Buffer, cb: (err: Error | null, out?: Buffer) => void) => cb(null, buf),
  deflate: (buf: Buffer, cb: (err: Error | null, out?: Buffer) => void) => cb(null, inflateRawSync(buf)),
  snappy: (buf: Buffer, cb: (err: Error | null, out?: Buffer) => void) =>
    cb(null, Buffer.from(snappyDecompress(buf.subarray(0, buf.length - 4)))),
  zstandard: (buf: Buffer, cb: (err: Error | null, out?: Buffer) => void) =>
    cb(null, Buffer.from(zstdDecompress(buf))),
}

/** Unions of several non-null types decoded wrapped (`{ int: 3 }`), so the reference knows every value's branch. */
const wrapSeveral = (schema: unknown, opts: unknown): avsc.Type | undefined =>
  Array.isArray(schema) && schema.filter((b) => b !== 'null').length > 1
    ? new avsc.types.WrappedUnionType(schema as never, opts as never)
    : undefined

/** The parts of avsc's types the reference reshaping reads. */
interface AvscType {
  readonly typeName: string
  readonly types?: readonly AvscType[]
  readonly itemsType?: AvscType
  readonly valuesType?: AvscType
  readonly fields?: readonly { readonly name: string; readonly type: AvscType }[]
  readonly branchName?: string
}

/**
 * avsc's value in the documented value model (docs/frames.md): maps as lists of `{ key, value }`, a union of
 * several types as an object with one key per non-null branch, null but for the value's branch.
 */
function modelled(type: AvscType | undefined, v: unknown): unknown {
  if (v === null || v === undefined || type === undefined) return v ?? null
  switch (type.typeName) {
    case 'union:wrapped': {
      const [branch, value] = Object.entries(v as Record<string, unknown>)[0] ?? []
      const branches = (type.types ?? []).filter((b) => b.typeName !== 'null')
      return Object.fromEntries(
        branches.map((b) => [b.branchName, b.branchName === branch ? modelled(b, value) : null]),
      )
    }
    case 'union:unwrapped':
      return modelled(
        (type.types ?? []).find((b) => b.typeName !== 'null'),
        v,
      )
    case 'record': {
      const record = v as Record<string, unknown>
      return Object.fromEntries((type.fields ?? []).map((f) => [f.name, modelled(f.type, record[f.name])]))
    }
    case 'array':
      return (v as unknown[]).map((x) => modelled(type.itemsType, x))
    case 'map':
      return Object.entries(v as Record<string, unknown>).map(([key, x]) => ({
        key,
        value: modelled(type.valuesType, x),
      }))
    default:
      return v
  }
}

interface Reference {
  readonly ok: boolean
  readonly schema?: unknown
  /** avsc's type of the records (absent for the plain decoding of files with records without fields). */
  readonly type?: AvscType
  readonly records?: unknown[]
  readonly message?: string
}

/**
 * avsc's records of a container file, or its error: raw records decoded one at a time with exact longs; avsc's
 * raw mode skips zero-length records (a record without fields), so a file it finds empty is decoded plainly.
 */
async function avscRead(file: string): Promise<Reference> {
  const exact = await avscReadExact(file)
  if (!exact.ok || (exact.records?.length ?? 0) > 0) return exact
  return new Promise<Reference>((done) => {
    const records: unknown[] = []
    let schema: unknown
    const decoder = avsc.createFileDecoder(join(CORPUS_ROOT, file), { codecs } as never)
    decoder.on('metadata', (_type: unknown, _codec: unknown, header: { meta: Record<string, Buffer> }) => {
      schema = JSON.parse(String(header.meta['avro.schema']))
    })
    decoder.on('data', (r: unknown) => records.push(r))
    decoder.on('error', (e: Error) => done({ ok: false, message: e.message }))
    decoder.on('end', () => done({ ok: true, schema, records }))
  })
}

/** avsc's records decoded one raw record at a time with exact longs (its file decoder cannot take a registry). */
function avscReadExact(file: string): Promise<Reference> {
  return new Promise((done) => {
    const raw: Buffer[] = []
    let schema: unknown
    const decoder = avsc.createFileDecoder(join(CORPUS_ROOT, file), { noDecode: true, codecs } as never)
    decoder.on('metadata', (_type: unknown, _codec: unknown, header: { meta: Record<string, Buffer> }) => {
      schema = JSON.parse(String(header.meta['avro.schema']))
    })
    decoder.on('data', (b: Buffer) => raw.push(b))
    decoder.on('error', (e: Error) => done({ ok: false, message: e.message }))
    decoder.on('end', () => {
      try {
        const type = avsc.Type.forSchema(
          schema as avsc.Schema,
          { registry: { long: exactLong }, typeHook: wrapSeveral } as never,
        )
        done({
          ok: true,
          schema,
          type: type as unknown as AvscType,
          records: raw.map((b) => type.fromBuffer(b)),
        })
      } catch (e) {
        done({ ok: false, message: (e as Error).message })
      }
    })
  })
}

/**
 * The reference record as the project's value model reads it: top-level logical timestamps and dates as
 * instants, other values as `modelled`.
 */
function asRecord(schema: unknown, type: AvscType | undefined, value: unknown): Record<string, unknown> {
  const s = schema as { type?: unknown; fields?: { name: string; type: unknown }[] }
  if (s?.type !== 'record' || !Array.isArray(s.fields)) return { value: logical(schema, type, value) }
  const v = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  s.fields.forEach((f, i) => {
    out[f.name] = logical(f.type, type?.fields?.[i]?.type, v[f.name])
  })
  return out
}

function logical(schema: unknown, type: AvscType | undefined, v: unknown): unknown {
  if (v === null || v === undefined) return null
  if (Array.isArray(schema)) {
    const branches = schema.filter((b) => b !== 'null')
    if (branches.length === 1 && type?.typeName === 'union:unwrapped')
      return logical(
        branches[0],
        (type.types ?? []).find((b) => b.typeName !== 'null'),
        v,
      )
    return modelled(type, v)
  }
  const t = schema as { logicalType?: string; type?: unknown }
  if (typeof t !== 'object' || t === null) return modelled(type, v)
  const n = Number(v)
  if (t.logicalType === 'timestamp-millis' || t.logicalType === 'local-timestamp-millis') return new Date(n)
  if (t.logicalType === 'timestamp-micros' || t.logicalType === 'local-timestamp-micros')
    return new Date(Math.floor(n / 1000))
  if (t.logicalType === 'date') return new Date(n * 86_400_000)
  return modelled(type, v)
}

/** The reference records as the project's value model reads them. */
function referenceRecords(ref: Reference): unknown[] {
  return (ref.records ?? []).map((r) => asRecord(ref.schema, ref.type, r))
}

/** Our rows; for a non-record schema the single column's values, named `value` like the reference's. */
function ourRecords(r: ChildRead, ref: Reference): unknown[] {
  const rows = (r.records ?? []) as Record<string, unknown>[]
  if ((ref.schema as { type?: unknown })?.type === 'record') return rows
  return rows.map((row) => ({ value: Object.values(row)[0] }))
}

compareCorpus({
  corpus: 'Avro corpus',
  referenceName: 'avsc',
  summaryName: 'avsc',
  files: FILES,
  readReference: avscRead,
  expected: AVRO_EXPECTED,
  ourRecords,
  referenceRecords,
})
