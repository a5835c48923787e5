import pl from 'nodejs-polars'

/** Rows sampled to estimate a text column's distinct share. */
const SAMPLE_ROWS = 4096

/** A text column as codes into its distinct values. */
export interface TextDictionary {
  /** One code per row. */
  readonly codes: Uint32Array
  /** The distinct values, indexed by code. */
  readonly values: readonly string[]
}

/**
 * A text column without nulls as a dictionary, when it repeats: at least 16,384 rows and, in a sample spread over
 * the column, at most `maxDistinctShare` of the values distinct. Undefined otherwise (the caller reads the values
 * one by one). Handing out one JS string per distinct value plus typed-array codes is several times faster than
 * one string per row, and the rows share the strings.
 */
export function textDictionary(series: pl.Series, maxDistinctShare: number): TextDictionary | undefined {
  const n = series.length
  if (n < SAMPLE_ROWS * 4) return undefined
  const sample = series.gatherEvery(Math.floor(n / SAMPLE_ROWS))
  if (sample.nUnique() > sample.length * maxDistinctShare) return undefined
  const categorical = series.cast(pl.Categorical)
  const codes = categorical.cast(pl.UInt32).toTypedArray() as Uint32Array
  const distinct = categorical.unique()
  const distinctCodes = distinct.cast(pl.UInt32).toTypedArray() as Uint32Array
  const distinctText = distinct.cast(pl.Utf8).toArray() as string[]
  const values: string[] = []
  for (let i = 0; i < distinctCodes.length; i++)
    values[distinctCodes[i] as number] = distinctText[i] as string
  return { codes, values }
}
