/**
 * A minimal Thrift compact-protocol writer, enough to write a Parquet page header and footer (the counterpart of
 * thrift-compact-reader.ts). Fields are written in the order called; each `struct` call writes a nested struct
 * and its stop byte.
 */
const utf8 = new TextEncoder()

export class ThriftCompactWriter {
  /**
   * A buffer a finished writer handed back, for the next one: a small Parquet file's page headers and footer are
   * six writers, and a typed array's allocation costs more than most of their writing.
   */
  private static spare: Uint8Array | undefined
  private buffer: Uint8Array
  private length = 0
  private finished = false
  /** The last field id of each open struct (compact field headers hold the delta). */
  private readonly lastIds: number[] = [0]

  constructor() {
    this.buffer = ThriftCompactWriter.spare ?? new Uint8Array(4096)
    ThriftCompactWriter.spare = undefined
  }

  private ensure(extra: number): void {
    if (this.finished) throw new Error('ThriftCompactWriter: written to after finish()')
    if (this.length + extra <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < this.length + extra) size *= 2
    const grown = new Uint8Array(size)
    grown.set(this.buffer.subarray(0, this.length))
    this.buffer = grown
  }

  private byte(b: number): void {
    this.ensure(1)
    this.buffer[this.length++] = b
  }

  private varint(value: bigint): void {
    let v = value
    this.ensure(10)
    while (v >= 0x80n) {
      this.buffer[this.length++] = Number(v & 0x7fn) | 0x80
      v >>= 7n
    }
    this.buffer[this.length++] = Number(v)
  }

  private smallVarint(value: number): void {
    let v = value
    this.ensure(5)
    while (v >= 0x80) {
      this.buffer[this.length++] = (v & 0x7f) | 0x80
      v = Math.floor(v / 128)
    }
    this.buffer[this.length++] = v
  }

  private header(id: number, type: number): void {
    const last = this.lastIds[this.lastIds.length - 1] as number
    const delta = id - last
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type)
    else {
      this.byte(type)
      this.smallVarint(id >= 0 ? id * 2 : -id * 2 - 1)
    }
    this.lastIds[this.lastIds.length - 1] = id
  }

  bool(id: number, value: boolean): this {
    this.header(id, value ? 1 : 2)
    return this
  }

  i32(id: number, value: number): this {
    this.header(id, 5)
    this.smallVarint(value >= 0 ? value * 2 : -value * 2 - 1)
    return this
  }

  i64(id: number, value: number | bigint): this {
    this.header(id, 6)
    // Zigzag in doubles while exact (|value| < 2^52, so 2 * |value| + 1 < 2^53); beyond, in bigints.
    if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 52) {
      this.smallVarint(value >= 0 ? value * 2 : -value * 2 - 1)
      return this
    }
    const v = BigInt(value)
    this.varint(v >= 0n ? v << 1n : (-v << 1n) - 1n)
    return this
  }

  binary(id: number, value: Uint8Array | string): this {
    this.header(id, 8)
    this.rawBinary(value)
    return this
  }

  private rawBinary(value: Uint8Array | string): void {
    if (typeof value === 'string') {
      // Encoded in place, not into a buffer of its own first.
      const size = Buffer.byteLength(value, 'utf8')
      this.smallVarint(size)
      this.ensure(size)
      utf8.encodeInto(value, this.buffer.subarray(this.length, this.length + size))
      this.length += size
      return
    }
    this.smallVarint(value.length)
    this.ensure(value.length)
    this.buffer.set(value, this.length)
    this.length += value.length
  }

  /** A nested struct whose fields `body` writes. */
  struct(id: number, body: (w: this) => void): this {
    this.header(id, 12)
    this.lastIds.push(0)
    body(this)
    this.byte(0)
    this.lastIds.pop()
    return this
  }

  private listHeader(size: number, type: number): void {
    if (size < 15) this.byte((size << 4) | type)
    else {
      this.byte(0xf0 | type)
      this.smallVarint(size)
    }
  }

  /** A list of i32 values. */
  i32List(id: number, values: readonly number[]): this {
    this.header(id, 9)
    this.listHeader(values.length, 5)
    for (const v of values) this.smallVarint(v >= 0 ? v * 2 : -v * 2 - 1)
    return this
  }

  /** A list of binary (string) values. */
  binaryList(id: number, values: readonly (Uint8Array | string)[]): this {
    this.header(id, 9)
    this.listHeader(values.length, 8)
    for (const v of values) this.rawBinary(v)
    return this
  }

  /** A list of structs, each written by `body`. */
  structList<T>(id: number, items: readonly T[], body: (w: this, item: T) => void): this {
    this.header(id, 9)
    this.listHeader(items.length, 12)
    for (const item of items) {
      this.lastIds.push(0)
      body(this, item)
      this.byte(0)
      this.lastIds.pop()
    }
    return this
  }

  /** The bytes of a top-level struct written so far, with its stop byte. */
  finish(): Uint8Array {
    this.byte(0)
    const bytes = this.buffer.slice(0, this.length)
    this.finished = true
    // Handed to the next writer, unless it grew large (a big footer's buffer is not kept alive).
    if (this.buffer.length <= 64 * 1024) ThriftCompactWriter.spare = this.buffer
    return bytes
  }
}
