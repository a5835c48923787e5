import { ParquetFrameError } from '../errors/pf-error.js'

/** Z85's alphabet (rfc.zeromq.org/spec/32): the digit for value `i` is the character at index `i`. */
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#'

/** Character code → digit value, -1 for a character outside the alphabet. */
const DIGITS: Int8Array = (() => {
  const map = new Int8Array(128).fill(-1)
  for (let i = 0; i < ALPHABET.length; i++) map[ALPHABET.charCodeAt(i)] = i
  return map
})()

/** Text that is not Z85, or bytes Z85 cannot encode (its length is not a multiple of 4). */
export class Z85Error extends ParquetFrameError {
  constructor(detail: string) {
    super('PF_Z85', `Invalid Z85: ${detail}`)
  }
}

/** Z85 of `bytes` (Delta's Base85 for deletion vectors and UUIDs); the length must be a multiple of 4. */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0)
    throw new Z85Error(`${bytes.length} bytes cannot be encoded: the length must be a multiple of 4`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let out = ''
  for (let i = 0; i < bytes.length; i += 4) {
    let value = view.getUint32(i, false)
    const block = new Array<string>(5)
    for (let j = 4; j >= 0; j--) {
      block[j] = ALPHABET[value % 85] as string
      value = Math.floor(value / 85)
    }
    out += block.join('')
  }
  return out
}

/** The bytes of Z85 `text`; refuses a length that is not a multiple of 5, a foreign character or a block over 2^32-1. */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0)
    throw new Z85Error(`${text.length} characters cannot be decoded: the length must be a multiple of 5`)
  const out = new Uint8Array((text.length / 5) * 4)
  const view = new DataView(out.buffer)
  for (let i = 0; i < text.length; i += 5) {
    let value = 0
    for (let j = i; j < i + 5; j++) {
      const code = text.charCodeAt(j)
      const digit = code < 128 ? (DIGITS[code] as number) : -1
      if (digit < 0)
        throw new Z85Error(`character ${JSON.stringify(text[j])} at index ${j} is not in the Z85 alphabet`)
      value = value * 85 + digit
    }
    if (value > 0xffffffff)
      throw new Z85Error(`block ${JSON.stringify(text.slice(i, i + 5))} at index ${i} exceeds 32 bits`)
    view.setUint32((i / 5) * 4, value, false)
  }
  return out
}
