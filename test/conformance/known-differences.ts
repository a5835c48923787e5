/**
 * The corpus files where `read()` + `toRecords()` does not give the reference reader's values, each with the
 * reason (docs/frames.md lists the same). A file not listed must give the same rows as the reference whenever
 * the reference reads it. Fixing one makes its test fail until it is removed from here.
 */
export interface KnownDifference {
  readonly outcome: 'differs' | 'format-error'
  readonly reason: string
}

/** Paths relative to the corpus root. */
export const PARQUET_EXPECTED: Readonly<Record<string, KnownDifference>> = {}

/** Paths relative to the corpus root. */
export const AVRO_EXPECTED: Readonly<Record<string, KnownDifference>> = {}
