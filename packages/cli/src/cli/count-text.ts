/** `1,000,000`: digits grouped, as every count the CLI prints. */
export function groupDigits(n: number | bigint): string {
  return n.toLocaleString('en-US')
}

/** The plural of a noun: `files`, `entities`, `indexes`; irregular ones are passed to `counted`. */
function pluralOf(noun: string): string {
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`
  if (/(s|x|z|ch|sh)$/.test(noun)) return `${noun}es`
  return `${noun}s`
}

/**
 * `1 file`, `2 files`, `1,000,000 rows`, `3 entities`: a count with its digits grouped and its noun in the right
 * number. The one way the CLI prints a count with a noun (`count-text.test.ts` keeps it so).
 */
export function counted(n: number | bigint, noun: string, plural: string = pluralOf(noun)): string {
  return `${groupDigits(n)} ${n === 1 || n === 1n ? noun : plural}`
}
