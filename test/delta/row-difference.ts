// Which rows the Delta oracle and pf disagree on, compared by their exact normal-form keys (duplicates counted).
import { normalKey } from './spec-normal-form.js'

/** Rows only one side has, sorted, at most `most` of each; empty lists mean the two agree. Default: all of them. */
export function rowDifference(
  oracle: readonly unknown[],
  pf: readonly unknown[],
  most = Number.POSITIVE_INFINITY,
): { onlyOracle: string[]; onlyPf: string[] } {
  const count = new Map<string, number>()
  for (const row of oracle) count.set(normalKey(row), (count.get(normalKey(row)) ?? 0) + 1)
  const onlyPf: string[] = []
  for (const row of pf) {
    const key = normalKey(row)
    const n = count.get(key) ?? 0
    if (n > 0) count.set(key, n - 1)
    else onlyPf.push(key)
  }
  const onlyOracle = [...count].flatMap(([key, n]) => Array<string>(n).fill(key))
  return { onlyOracle: onlyOracle.sort().slice(0, most), onlyPf: onlyPf.sort().slice(0, most) }
}
