// The Thrift compact reader's shaped reads (a Parquet point read decodes only the footer fields it uses): the named
// fields equal a full read's, every other wire type is skipped, i64 values are numbers only where exact.
import { describe, expect, it } from 'vitest'
import { ThriftCompactReader, ThriftLater } from './thrift-compact-reader.js'
import { ThriftCompactWriter } from './thrift-compact-writer.js'

/** A struct holding every wire type (bool, byte, i16, i32, i64, double, binary, list, set, map, struct). */
function everyType(): Uint8Array {
  const fields = [
    '11', // 1: bool true
    '12', // 2: bool false
    '137f', // 3: byte 127
    '1403', // 4: i16 -2
    '15ac02', // 5: i32 150
    '16feffffff1f', // 6: i64 2^32 - 1
    '17000000000000f03f', // 7: double 1
    '1803616263', // 8: binary "abc"
    '1931010201', // 9: list of 3 bools
    '1a250204', // 10: set of 2 i32
    '1b0285016102016204', // 11: map binary -> i32 {a: 1, b: 2}
    '1c150a1c18017a0000', // 12: struct {1: 5, 2: {1: "z"}}
    '192c150200150400', // 13: list of 2 structs {1: 1}, {1: 2}
    '1554', // 14: i32 42
    '00',
  ]
  return Uint8Array.from(Buffer.from(fields.join(''), 'hex'))
}

describe('ThriftCompactReader shaped reads', () => {
  it('decodes the named fields as a full read does and skips every other wire type', () => {
    const full = new ThriftCompactReader(everyType())
    const all = full.readStruct()
    expect(all.get(14)).toBe(42)
    expect(all.get(11)).toEqual(
      new Map([
        [Uint8Array.from([0x61]), 1],
        [Uint8Array.from([0x62]), 2],
      ]),
    )

    const shaped = new ThriftCompactReader(everyType())
    const some = shaped.readShaped({ 12: { 2: true }, 13: { 1: true }, 14: true })
    expect([...some.keys()]).toEqual([12, 13, 14])
    expect(some.get(14)).toBe(42)
    expect(some.get(12)).toEqual(new Map([[2, new Map([[1, Uint8Array.from([0x7a])]])]]))
    expect(some.get(13)).toEqual([new Map([[1, 1]]), new Map([[1, 2]])])
    // Every byte was walked, and only the named fields were built: 14 + the nested ones against 3 + 1 + 2 + 1.
    expect(shaped.offset).toBe(everyType().length)
    expect(full.fieldsDecoded).toBe(14 + 3 + 2)
    expect(shaped.fieldsDecoded).toBe(3 + 1 + 1 + 2)
  })

  it("keeps a 'later' field's bytes undecoded and decodes them by a shape on demand", () => {
    const bytes = everyType()
    const reader = new ThriftCompactReader(bytes)
    const kept = reader.readShaped({ 12: 'later', 13: 'later', 14: true })
    expect(reader.fieldsDecoded).toBe(1)
    const struct = kept.get(12)
    const list = kept.get(13)
    expect(struct).toBeInstanceOf(ThriftLater)
    expect(Buffer.from((struct as ThriftLater).bytes).toString('hex')).toBe('150a1c18017a0000')
    expect(ThriftCompactReader.decodeLater(struct, { 1: true })).toEqual(new Map([[1, 5]]))
    expect(ThriftCompactReader.decodeLater(list, { 1: true })).toEqual([new Map([[1, 1]]), new Map([[1, 2]])])
    // Not a kept value: no answer.
    expect(ThriftCompactReader.decodeLater(kept.get(14), { 1: true })).toBeUndefined()
    // Kept bytes cut short are refused.
    const cut = new ThriftLater(12, (struct as ThriftLater).bytes.subarray(0, 4))
    expect(() => ThriftCompactReader.decodeLater(cut, { 1: true })).toThrow(RangeError)
  })

  it('reads i64 values as numbers where a double holds them exactly, as bigints beyond', () => {
    const values = [0n, 1n, -1n, 2n ** 48n - 1n, -(2n ** 48n), 2n ** 53n + 1n, -(2n ** 62n), 2n ** 63n - 1n]
    const w = new ThriftCompactWriter()
    values.forEach((v, i) => {
      w.i64(i + 1, v)
    })
    const bytes = w.finish()
    const full = new ThriftCompactReader(bytes).readStruct()
    const shape = Object.fromEntries(values.map((_, i) => [i + 1, true as const]))
    const shaped = new ThriftCompactReader(bytes).readShaped(shape)
    values.forEach((v, i) => {
      expect(full.get(i + 1)).toBe(v)
      const got = shaped.get(i + 1)
      if (v >= -(2n ** 48n) && v < 2n ** 48n) expect(got).toBe(Number(v))
      else expect(got).toBe(v)
    })
  })

  it('refuses a skipped value cut short with a RangeError, wherever the cut', () => {
    const bytes = everyType()
    for (let cut = 0; cut < bytes.length; cut++)
      expect(() => new ThriftCompactReader(bytes.subarray(0, cut)).readShaped({ 14: true })).toThrow(
        RangeError,
      )
  })
})
