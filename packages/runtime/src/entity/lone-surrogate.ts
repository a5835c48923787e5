/*
 * Stored text is UTF-8 (Parquet and Avro strings must be), which cannot hold a lone UTF-16 surrogate: encoding
 * would silently turn it into U+FFFD. Such strings are refused instead, on the way in and in queries.
 */

const LONE_SURROGATE = /\p{Cs}/u

/** `String.prototype.isWellFormed` (ES2024, native since Node 20): 20x faster than the pattern on text without one. */
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed()

/** The index of the first lone surrogate of `s`, or -1 when `s` is well-formed Unicode. */
export function loneSurrogateIndex(s: string): number {
  // Every stored string passes here (a bulk insert of 1M rows with two text fields spent 230 ms in the pattern).
  if (isWellFormed(s)) return -1
  const match = LONE_SURROGATE.exec(s)
  return match ? match.index : -1
}

/** Why a string with a lone surrogate cannot be stored or compared with stored text. */
export function loneSurrogateMessage(s: string): string {
  const at = loneSurrogateIndex(s)
  const unit = s.charCodeAt(at).toString(16).toUpperCase()
  return `contains a lone surrogate (U+${unit} at index ${at}); stored text is UTF-8, which cannot hold it`
}
