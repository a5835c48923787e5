/**
 * The corpus files where `read()` + `toRecords()` does not give the reference reader's values, each with the
 * reason (docs/frames.md lists the same). A file not listed must give the same rows as the reference whenever
 * the reference reads it. Fixing one makes its test fail until it is removed from here.
 */
export interface KnownDifference {
  readonly outcome: 'differs' | 'format-error'
  readonly reason: string
}

const INT96 =
  'one INT96 value lies beyond the range of a microsecond timestamp (Julian day -105862232; DuckDB returns a wrapped-around year -226413): a FormatError naming the column; the other rows, 9999-12-31 included, are exact'
const TRUNCATED =
  'the file ends inside its last block: avsc returns the records before the cut, read() refuses the file'

/** Paths relative to the corpus root. */
export const PARQUET_EXPECTED: Readonly<Record<string, KnownDifference>> = {
  'parquet-testing/data/int96_from_spark.parquet': { outcome: 'format-error', reason: INT96 },
}

/** Paths relative to the corpus root. */
export const AVRO_EXPECTED: Readonly<Record<string, KnownDifference>> = {
  'avro/apache-avro/lang/c/tests/avro-1238-truncated.avro': { outcome: 'format-error', reason: TRUNCATED },
  'avro/apache-avro/lang/js/test/dat/person-10.no-codec.avro': { outcome: 'format-error', reason: TRUNCATED },
}
