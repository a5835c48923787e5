/**
 * Thrift compact protocol as an editable tree that keeps every wire type, so a decoded struct encodes back
 * byte for byte (used to rewrite Parquet footers). Scalars keep their encoded bytes; structs, lists and maps
 * are re-encoded from their parts.
 */

/** Compact-protocol type ids (bool true/false share one id in lists and maps: 1). */
export const TType = {
  True: 1,
  False: 2,
  Byte: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  Double: 7,
  Binary: 8,
  List: 9,
  Set: 10,
  Map: 11,
  Struct: 12,
} as const

/** One field of a struct: id, wire type and value. */
export interface TField {
  id: number
  type: number
  value: TNode
}

/** A decoded node: a struct, a list/set, a map, or a scalar kept as its encoded bytes. */
export type TNode =
  | { kind: 'struct'; fields: TField[] }
  | { kind: 'list'; elementType: number; items: TNode[] }
  | { kind: 'map'; keyType: number; valueType: number; entries: [TNode, TNode][] }
  | { kind: 'scalar'; bytes: Uint8Array }

/** The struct node's fields (an empty list for any other node). */
export function structFields(node: TNode | undefined): TField[] {
  return node?.kind === 'struct' ? node.fields : []
}

/** A field's value, by id. */
export function fieldOf(node: TNode | undefined, id: number): TNode | undefined {
  return structFields(node).find((f) => f.id === id)?.value
}

/** An i16/i32 scalar's value (zigzag varint), or undefined. */
export function intOf(node: TNode | undefined): number | undefined {
  if (node?.kind !== 'scalar') return undefined
  let v = 0
  let factor = 1
  for (const b of node.bytes) {
    v += (b & 0x7f) * factor
    factor *= 128
  }
  return v % 2 === 0 ? v / 2 : -(v + 1) / 2
}

/** A binary scalar's content (its length prefix skipped), or undefined. */
export function binaryOf(node: TNode | undefined): Uint8Array | undefined {
  if (node?.kind !== 'scalar') return undefined
  let i = 0
  while (i < node.bytes.length && ((node.bytes[i] as number) & 0x80) !== 0) i++
  return node.bytes.subarray(i + 1)
}

/** An i32 scalar node holding `n` (zigzag varint). */
export function intNode(n: number): TNode {
  let z = n >= 0 ? n * 2 : -n * 2 - 1
  const bytes: number[] = []
  while (z >= 0x80) {
    bytes.push((z % 0x80) | 0x80)
    z = Math.floor(z / 0x80)
  }
  bytes.push(z)
  return { kind: 'scalar', bytes: Uint8Array.from(bytes) }
}

/** Parses one struct (up to its stop byte). Throws RangeError on truncated or malformed input. */
export function parseThriftStruct(bytes: Uint8Array): TNode {
  let pos = 0
  const byte = (): number => {
    const b = bytes[pos++]
    if (b === undefined) throw new RangeError('unexpected end of Thrift data')
    return b
  }
  const varint = (): number => {
    let v = 0
    let factor = 1
    for (let i = 0; i < 10; i++) {
      const b = byte()
      v += (b & 0x7f) * factor
      if ((b & 0x80) === 0) return v
      factor *= 128
    }
    throw new RangeError('Thrift varint too long')
  }
  const skipVarint = (): void => {
    for (let i = 0; i < 10; i++) if ((byte() & 0x80) === 0) return
    throw new RangeError('Thrift varint too long')
  }
  const scalarFrom = (start: number): TNode => ({ kind: 'scalar', bytes: bytes.subarray(start, pos) })
  const value = (type: number, inCollection: boolean): TNode => {
    const start = pos
    switch (type) {
      case TType.True:
      case TType.False:
        if (inCollection) byte()
        return scalarFrom(start)
      case TType.Byte:
        byte()
        return scalarFrom(start)
      case TType.I16:
      case TType.I32:
      case TType.I64:
        skipVarint()
        return scalarFrom(start)
      case TType.Double:
        if (pos + 8 > bytes.length) throw new RangeError('unexpected end of Thrift data')
        pos += 8
        return scalarFrom(start)
      case TType.Binary: {
        const length = varint()
        if (pos + length > bytes.length) throw new RangeError('unexpected end of Thrift data')
        pos += length
        return { kind: 'scalar', bytes: bytes.subarray(start, pos) }
      }
      case TType.List:
      case TType.Set: {
        const header = byte()
        const size = header >> 4 === 15 ? varint() : header >> 4
        const elementType = header & 0x0f
        const items: TNode[] = []
        for (let i = 0; i < size; i++) items.push(value(elementType, true))
        return { kind: 'list', elementType, items }
      }
      case TType.Map: {
        const size = varint()
        if (size === 0) return { kind: 'map', keyType: 0, valueType: 0, entries: [] }
        const types = byte()
        const entries: [TNode, TNode][] = []
        for (let i = 0; i < size; i++) entries.push([value(types >> 4, true), value(types & 0x0f, true)])
        return { kind: 'map', keyType: types >> 4, valueType: types & 0x0f, entries }
      }
      case TType.Struct:
        return struct()
      default:
        throw new RangeError(`unknown Thrift compact type ${type}`)
    }
  }
  const struct = (): TNode => {
    const fields: TField[] = []
    let lastId = 0
    for (;;) {
      const header = byte()
      const type = header & 0x0f
      if (type === 0) return { kind: 'struct', fields }
      const delta = header >> 4
      let id: number
      if (delta === 0) {
        const z = varint()
        id = z % 2 === 0 ? z / 2 : -(z + 1) / 2
      } else id = lastId + delta
      lastId = id
      fields.push({ id, type, value: value(type, false) })
    }
  }
  return struct()
}

/** Encodes a struct node (field headers re-computed, so fields may be removed or reordered by id). */
export function encodeThriftStruct(node: TNode): Uint8Array {
  const out: number[] = []
  const varint = (n: number): void => {
    let z = n
    while (z >= 0x80) {
      out.push((z % 0x80) | 0x80)
      z = Math.floor(z / 0x80)
    }
    out.push(z)
  }
  const write = (n: TNode): void => {
    switch (n.kind) {
      case 'scalar':
        for (const b of n.bytes) out.push(b)
        return
      case 'list':
        if (n.items.length < 15) out.push((n.items.length << 4) | n.elementType)
        else {
          out.push(0xf0 | n.elementType)
          varint(n.items.length)
        }
        for (const item of n.items) write(item)
        return
      case 'map':
        varint(n.entries.length)
        if (n.entries.length === 0) return
        out.push((n.keyType << 4) | n.valueType)
        for (const [k, v] of n.entries) {
          write(k)
          write(v)
        }
        return
      case 'struct': {
        let lastId = 0
        for (const f of [...n.fields].sort((a, b) => a.id - b.id)) {
          const delta = f.id - lastId
          if (delta > 0 && delta <= 15) out.push((delta << 4) | f.type)
          else {
            out.push(f.type)
            varint(f.id >= 0 ? f.id * 2 : -f.id * 2 - 1)
          }
          lastId = f.id
          write(f.value)
        }
        out.push(0)
      }
    }
  }
  write(node)
  return Uint8Array.from(out)
}
