import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'

/** Decoded schema text, or the diagnostic at the first byte that is not UTF-8. */
export type DecodedSchemaText =
  | { readonly ok: true; readonly text: string }
  | {
      readonly ok: false
      readonly diagnostic: Diagnostic
      /** The text with bad bytes shown as U+FFFD: only for printing the line under the diagnostic. */
      readonly lossy: string
    }

// fatal: bytes that are not UTF-8 are refused rather than turned into U+FFFD (a default value would change).
// ignoreBOM: a byte-order mark stays in the text (the lexer skips it), so columns match what editors show.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Decodes a schema file's bytes as strict UTF-8. Pure. `file` names the source in the diagnostic. */
export function decodeSchemaText(bytes: Uint8Array, file: string): DecodedSchemaText {
  try {
    return { ok: true, text: decoder.decode(bytes) }
  } catch {
    const bad = firstInvalidUtf8(bytes)
    const before = decoder.decode(bytes.subarray(0, bad))
    const lineStart = before.lastIndexOf('\n') + 1
    let line = 1
    for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line++
    const span = { file, line, column: before.length - lineStart + 1, length: 1 }
    const lossy = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
    return { ok: false, diagnostic: messages.invalidUtf8(span, file), lossy }
  }
}

/**
 * Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (overlong forms,
 * surrogates and code points past U+10FFFF included); `bytes.length` when all are well formed.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i] as number
    if (b < 0x80) {
      i++
      continue
    }
    // Allowed ranges of the second byte per lead byte (Unicode Table 3-7); later bytes are 0x80..0xBF.
    let need: number
    let low = 0x80
    let high = 0xbf
    if (b >= 0xc2 && b <= 0xdf) need = 1
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2
      if (b === 0xe0) low = 0xa0
      if (b === 0xed) high = 0x9f
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3
      if (b === 0xf0) low = 0x90
      if (b === 0xf4) high = 0x8f
    } else return i
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]
      if (c === undefined) return i
      if (k === 1 ? c < low || c > high : c < 0x80 || c > 0xbf) return i
    }
    i += need + 1
  }
  return bytes.length
}
