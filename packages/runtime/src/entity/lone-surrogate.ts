/*
 * Stored text is UTF-8 (Parquet and Avro strings must be), which cannot hold a lone UTF-16 surrogate: encoding
 * would silently turn it into U+FFFD. Such strings are refused instead, on the way in and in queries.
 */

const LONE_SURROGATE = /\p{Cs}/u

/** The index of the first lone surrogate of `s`, or -1 when `s` is well-formed Unicode. */
export function loneSurrogateIndex(s: string): number {
  const match = LONE_SURROGATE.exec(s)
  return match ? match.index : -1
}

/** Why a string with a lone surrogate cannot be stored or compared with stored text. */
export function loneSurrogateMessage(s: string): string {
  const at = loneSurrogateIndex(s)
  const unit = s.charCodeAt(at).toString(16).toUpperCase()
  return `contains a lone surrogate (U+${unit} at index ${at}); stored text is UTF-8, which cannot hold it`
}
