/** A decoded Thrift value: structs are maps from field id to value (a shaped read's `'later'` fields: ThriftLater). */
export type ThriftValue =
  | boolean
  | number
  | bigint
  | Uint8Array
  | ThriftStruct
  | ThriftValue[]
  | Map<ThriftValue, ThriftValue>
  | ThriftLater

/** A field a shaped read kept undecoded (`'later'`): its wire type and encoded bytes, for `decodeLater`. */
export class ThriftLater {
  constructor(
    readonly type: number,
    readonly bytes: Uint8Array,
  ) {}
}

/** A decoded Thrift struct: field id → value (unknown fields kept). */
export type ThriftStruct = Map<number, ThriftValue>

/**
 * The fields of a struct a shaped read decodes, by field id: `true` decodes the field's whole value, a shape decodes
 * that struct (or each struct of that list) by its own shape, `'later'` keeps its bytes undecoded (a ThriftLater:
 * a Parquet footer's row groups' columns, of which a point read needs one group's). Fields not named are skipped,
 * nothing built for them.
 */
export interface ThriftShape {
  readonly [id: number]: true | 'later' | ThriftShape
}

/**
 * A minimal Thrift compact-protocol reader, enough to walk a Parquet footer
 * (FileMetaData). i64 fields stay bigints (numbers in a shaped read, where exact); binary fields are views of the input.
 * Throws RangeError on truncated or malformed input.
 */
export class ThriftCompactReader {
  private pos = 0
  /** The type of the field header `nextField` read last (0: the struct's end). */
  private fieldType = 0
  private decoded = 0
  /** Whether i64 values that fit a double exactly are read as numbers (a shaped read: no BigInt per offset). */
  private numbers = false
  constructor(private readonly bytes: Uint8Array) {}

  /** Bytes read so far (where the struct just read ends: a Parquet page's body follows its header). */
  get offset(): number {
    return this.pos
  }

  /** Struct fields decoded so far, at any depth (a skipped field is not one): the work a read did. */
  get fieldsDecoded(): number {
    return this.decoded
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

  private zigzag64(): bigint | number {
    if (this.numbers) {
      // Up to 7 bytes (49 bits) is exact in a double; longer ones are read again as a bigint.
      const start = this.pos
      let v = 0
      let factor = 1
      for (let i = 0; i < 7; i++) {
        const b = this.byte()
        v += (b & 0x7f) * factor
        if ((b & 0x80) === 0) return v % 2 === 0 ? v / 2 : -(v + 1) / 2
        factor *= 128
      }
      this.pos = start
    }
    const v = this.varint()
    return (v >> 1n) ^ -(v & 1n)
  }

  /** Moves past `n` bytes, which must be there. */
  private advance(n: number): void {
    if (this.pos + n > this.bytes.length) throw new RangeError('unexpected end of Thrift data')
    this.pos += n
  }

  /** A list's or set's header: its size and element type. */
  private listHeader(): [size: number, elementType: number] {
    const header = this.byte()
    return [header >> 4 === 15 ? this.smallVarint() : header >> 4, header & 0x0f]
  }

  /**
   * Reads one struct decoding only the fields `shape` names (see ThriftShape), the others skipped; i64 values read
   * as numbers where a double holds them exactly (bigints past 2^48).
   */
  readShaped(shape: ThriftShape): ThriftStruct {
    const was = this.numbers
    this.numbers = true
    try {
      return this.shapedStruct(shape)
    } finally {
      this.numbers = was
    }
  }

  /**
   * A `'later'` field's value decoded by a shape as `readShaped` does; undefined when `value` is no ThriftLater.
   * RangeError on malformed bytes.
   */
  static decodeLater(value: ThriftValue | undefined, shape: ThriftShape): ThriftValue | undefined {
    if (!(value instanceof ThriftLater)) return undefined
    const reader = new ThriftCompactReader(value.bytes)
    reader.numbers = true
    const decoded = reader.shapedValue(value.type, shape)
    if (reader.pos !== value.bytes.length) throw new RangeError('bytes after a kept Thrift value')
    return decoded
  }

  private shapedStruct(shape: ThriftShape): ThriftStruct {
    const fields: ThriftStruct = new Map()
    for (let id = this.nextField(0); this.fieldType !== 0; id = this.nextField(id)) {
      const type = this.fieldType
      const wanted = shape[id]
      if (wanted === undefined) this.skip(type)
      else if (wanted === 'later') {
        const start = this.pos
        this.skip(type)
        fields.set(id, new ThriftLater(type, this.bytes.subarray(start, this.pos)))
      } else {
        this.decoded++
        fields.set(id, wanted === true ? this.value(type) : this.shapedValue(type, wanted))
      }
    }
    return fields
  }

  /** A field's value with a shape: a struct or a list of structs decoded by it, any other value whole. */
  private shapedValue(type: number, shape: ThriftShape): ThriftValue {
    if (type === 12) return this.shapedStruct(shape)
    if (type !== 9 && type !== 10) return this.value(type)
    const [size, elementType] = this.listHeader()
    const out: ThriftValue[] = []
    for (let i = 0; i < size; i++)
      out.push(elementType === 12 ? this.shapedStruct(shape) : this.element(elementType))
    return out
  }

  /** Moves past one value of a wire type without building it. */
  private skip(type: number): void {
    switch (type) {
      case 1:
      case 2:
        return
      case 3:
        this.byte()
        return
      case 4:
      case 5:
      case 6:
        for (let i = 0; i < 10; i++) if ((this.byte() & 0x80) === 0) return
        throw new RangeError('Thrift varint too long')
      case 7:
        this.advance(8)
        return
      case 8:
        this.advance(this.smallVarint())
        return
      case 9:
      case 10: {
        const [size, elementType] = this.listHeader()
        for (let i = 0; i < size; i++) {
          if (elementType === 1 || elementType === 2) this.byte()
          else this.skip(elementType)
        }
        return
      }
      case 11: {
        const size = this.smallVarint()
        if (size === 0) return
        const types = this.byte()
        for (let i = 0; i < size; i++) {
          this.skip(types >> 4)
          this.skip(types & 0x0f)
        }
        return
      }
      case 12:
        for (let id = this.nextField(0); this.fieldType !== 0; id = this.nextField(id))
          this.skip(this.fieldType)
        return
      default:
        throw new RangeError(`unknown Thrift compact type ${type}`)
    }
  }

  /** One element of a list or set (a bool is a byte there). */
  private element(elementType: number): ThriftValue {
    return elementType === 1 || elementType === 2 ? this.byte() === 1 : this.value(elementType)
  }

  /** Reads one struct (up to its stop byte). */
  readStruct(): ThriftStruct {
    const fields: ThriftStruct = new Map()
    for (let id = this.nextField(0); this.fieldType !== 0; id = this.nextField(id)) {
      this.decoded++
      fields.set(id, this.value(this.fieldType))
    }
    return fields
  }

  /** Reads a struct field's header: its type into `fieldType` (0 at the struct's stop byte), its id returned. */
  private nextField(lastId: number): number {
    const header = this.byte()
    this.fieldType = header & 0x0f
    if (this.fieldType === 0) return lastId
    const delta = header >> 4
    return delta === 0 ? this.zigzag32() : lastId + delta
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
        const [size, elementType] = this.listHeader()
        const out: ThriftValue[] = []
        for (let i = 0; i < size; i++) out.push(this.element(elementType))
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
