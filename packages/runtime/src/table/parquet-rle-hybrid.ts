/**
 * Random access into Parquet's RLE/bit-packed hybrid encoding (definition levels, dictionary indices, RLE booleans):
 * one value by index without decoding the runs before it value by value.
 */

/** The unsigned LEB128 varint at `pos` and where it ends. */
function uleb(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0
  let factor = 1
  for (let i = 0; i < 5; i++) {
    const b = bytes[pos + i]
    if (b === undefined) throw new RangeError('RLE/bit-packed run header past the end')
    value += (b & 0x7f) * factor
    if ((b & 0x80) === 0) return [value, pos + i + 1]
    factor *= 128
  }
  throw new RangeError('RLE/bit-packed run header too long')
}

/** The `j`th value of a bit-packed run starting at `start` (values LSB first). */
function unpacked(bytes: Uint8Array, start: number, bitWidth: number, j: number): number {
  let bit = j * bitWidth
  let value = 0
  for (let got = 0; got < bitWidth; ) {
    const b = bytes[start + (bit >>> 3)]
    if (b === undefined) throw new RangeError('bit-packed run past the end')
    const shift = bit & 7
    const take = Math.min(8 - shift, bitWidth - got)
    value += ((b >>> shift) & ((1 << take) - 1)) * 2 ** got
    got += take
    bit += take
  }
  return value
}

/** Set bits among the first `values` bits (LSB first) of the bytes from `start`. */
function onesIn(bytes: Uint8Array, start: number, values: number): number {
  let ones = 0
  const whole = values >>> 3
  for (let i = 0; i < whole; i++) {
    let b = bytes[start + i]
    if (b === undefined) throw new RangeError('bit-packed run past the end')
    for (; b !== 0; b &= b - 1) ones++
  }
  const rest = values & 7
  if (rest > 0) {
    let b = (bytes[start + whole] ?? 0) & ((1 << rest) - 1)
    for (; b !== 0; b &= b - 1) ones++
  }
  return ones
}

/** How many of the first `n` values of a bit-packed run equal `counted` (bit width 1 counts bits bytewise). */
function countIn(bytes: Uint8Array, start: number, bitWidth: number, n: number, counted: number): number {
  if (bitWidth === 1 && (counted === 0 || counted === 1)) {
    const ones = onesIn(bytes, start, n)
    return counted === 1 ? ones : n - ones
  }
  let found = 0
  for (let j = 0; j < n; j++) if (unpacked(bytes, start, bitWidth, j) === counted) found++
  return found
}

/** The value at `index` of a hybrid-encoded sequence, and how many values before it equal `counted`. */
export function hybridAt(
  bytes: Uint8Array,
  bitWidth: number,
  index: number,
  counted = -1,
): { value: number; before: number } {
  if (bitWidth < 0 || bitWidth > 32) throw new RangeError(`bit width ${bitWidth}`)
  let pos = 0
  let seen = 0
  let before = 0
  while (pos < bytes.length) {
    const [header, at] = uleb(bytes, pos)
    if (header % 2 === 1) {
      const n = Math.floor(header / 2) * 8
      const end = at + (n / 8) * bitWidth
      if (index < seen + n) {
        if (counted >= 0) before += countIn(bytes, at, bitWidth, index - seen, counted)
        return { value: unpacked(bytes, at, bitWidth, index - seen), before }
      }
      if (counted >= 0) before += countIn(bytes, at, bitWidth, n, counted)
      seen += n
      pos = end
    } else {
      const n = Math.floor(header / 2)
      const width = Math.ceil(bitWidth / 8)
      let value = 0
      for (let i = 0; i < width; i++) {
        const b = bytes[at + i]
        if (b === undefined) throw new RangeError('RLE run value past the end')
        value += b * 2 ** (8 * i)
      }
      if (index < seen + n) return { value, before: before + (value === counted ? index - seen : 0) }
      if (value === counted) before += n
      seen += n
      pos = at + width
    }
  }
  throw new RangeError(`RLE/bit-packed data holds ${seen} values, index ${index} asked`)
}
