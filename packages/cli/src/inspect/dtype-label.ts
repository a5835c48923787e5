/**
 * A polars data type as a short label (pure): `DataType(List(DataType(Int64)))` → `List(Int64)`,
 * `DataType(Datetime(us,UTC))` → `Datetime(us, UTC)`, `DataType(Datetime(ms,))` → `Datetime(ms)`.
 */
export function dtypeLabel(text: string): string {
  let out = ''
  const closers: boolean[] = [] // per open paren: true when it belongs to a `DataType(` wrapper
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('DataType(', i)) {
      closers.push(true)
      i += 'DataType('.length - 1
      continue
    }
    const ch = text[i] as string
    if (ch === '(') closers.push(false)
    if (ch === ')' && closers.pop() === true) continue
    out += ch
  }
  return out.replace(/,\)/g, ')').replace(/,(?=\S)/g, ', ')
}
