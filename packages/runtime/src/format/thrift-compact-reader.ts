/** A decoded Thrift value: structs are maps from field id to value. */
export type ThriftValue =
  | boolean
  | number
  | bigint
  | Uint8Array
  | ThriftStruct
  | ThriftValue[]
  | Map<ThriftValue, ThriftValue>

/** A decoded Thrift struct: field id → value (unknown fields kept). */
export type ThriftStruct = Map<number, ThriftValue>

/**
 * A minimal Thrift compact-protocol reader, enough to walk a Parquet footer
 * (FileMetaData). i64 fields stay bigints; binary fields are views of the input.
 * Throws RangeError on truncated or malformed input.
 */
export class ThriftCompactReader {
  private pos = 0
  constructor(private readonly bytes: Uint8Array) {}

  /** Bytes read so far (where the struct just read ends: a Parquet page's body follows its header). */
  get offset(): number {
    return this.pos
  }

  private byte(): number {
    const b = this.bytes[this.pos++]
    if (b === undefined) throw new RangeError('unexpected end of Thrift data')
    return b
  }

  private varint(): bigint {
    let result = 0n
    let shift = 0n
    for (;;) {
      const b = this.byte()
      result |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) return result
      shift += 7n
    }
  }

  /** A varint known to fit a JS number (lengths, sizes, i16/i32). */
  private smallVarint(): number {
    let result = 0
    let factor = 1
    for (let i = 0; i < 5; i++) {
      const b = this.byte()
      result += (b & 0x7f) * factor
      if ((b & 0x80) === 0) return result
      factor *= 128
    }
    throw new RangeError('Thrift varint too long for a 32-bit value')
  }

  private zigzag32(): number {
    const v = this.smallVarint()
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2
  }

  private zigzag64(): bigint {
    const v = this.varint()
    return (v >> 1n) ^ -(v & 1n)
  }

  /** Reads one struct (up to its stop byte). */
  readStruct(): ThriftStruct {
    const fields: ThriftStruct = new Map()
    let lastId = 0
    for (;;) {
      const header = this.byte()
      const type = header & 0x0f
      if (type === 0) return fields
      const delta = header >> 4
      const id = delta === 0 ? this.zigzag32() : lastId + delta
      lastId = id
      fields.set(id, this.value(type))
    }
  }

  private value(type: number): ThriftValue {
    switch (type) {
      case 1:
        return true
      case 2:
        return false
      case 3:
        return this.byte()
      case 4:
      case 5:
        return this.zigzag32()
      case 6:
        return this.zigzag64()
      case 7: {
        if (this.pos + 8 > this.bytes.length) throw new RangeError('unexpected end of Thrift data')
        const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8)
        this.pos += 8
        return view.getFloat64(0, true)
      }
      case 8: {
        const length = this.smallVarint()
        if (this.pos + length > this.bytes.length) throw new RangeError('unexpected end of Thrift data')
        const out = this.bytes.subarray(this.pos, this.pos + length)
        this.pos += length
        return out
      }
      case 9:
      case 10: {
        const header = this.byte()
        const size = header >> 4 === 15 ? this.smallVarint() : header >> 4
        const elementType = header & 0x0f
        const out: ThriftValue[] = []
        for (let i = 0; i < size; i++)
          out.push(elementType === 1 || elementType === 2 ? this.byte() === 1 : this.value(elementType))
        return out
      }
      case 11: {
        const size = this.smallVarint()
        const out = new Map<ThriftValue, ThriftValue>()
        if (size === 0) return out
        const types = this.byte()
        for (let i = 0; i < size; i++) out.set(this.value(types >> 4), this.value(types & 0x0f))
        return out
      }
      case 12:
        return this.readStruct()
      default:
        throw new RangeError(`unknown Thrift compact type ${type}`)
    }
  }
}
