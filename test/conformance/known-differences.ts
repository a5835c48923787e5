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
const AVRO_BYTES = 'Avro bytes and fixed are read as List(UInt8) (arrays of numbers), not Binary (Uint8Array)'
const TRUNCATED =
  'the file ends inside its last block: avsc returns the records before the cut, read() refuses the file'

/** Paths relative to the corpus root. */
export const PARQUET_EXPECTED: Readonly<Record<string, KnownDifference>> = {
  'parquet-testing/data/concatenated_gzip_members.parquet': {
    outcome: 'format-error',
    reason:
      "pages compressed as several concatenated gzip members: polars' gzip decoder stops after the first",
  },
  'parquet-testing/data/dict-page-offset-zero.parquet': {
    outcome: 'format-error',
    reason:
      'the footer gives dictionary_page_offset 0; polars reads a page header there instead of ignoring it',
  },
  'parquet-testing/data/nation.dict-malformed.parquet': {
    outcome: 'format-error',
    reason: 'a malformed dictionary page that DuckDB tolerates and polars rejects',
  },
  'parquet-testing/data/floating_orders_nan_count.parquet': {
    outcome: 'differs',
    reason: 'its FLOAT16 columns are read by polars 0.24 as 2-byte binary values instead of numbers',
  },
  'parquet-testing/data/int96_from_spark.parquet': { outcome: 'format-error', reason: INT96 },
  'parquet-testing/data/old_list_structure.parquet': {
    outcome: 'differs',
    reason:
      'a legacy 2-level list (repeated group `array` holding a repeated field): polars reads empty structs',
  },
  'parquet-testing/data/repeated_no_annotation.parquet': {
    outcome: 'differs',
    reason: 'unannotated repeated groups: polars returns 0 rows instead of 6',
  },
  'parquet-testing/data/repeated_primitive_no_list.parquet': {
    outcome: 'differs',
    reason: 'unannotated repeated primitive fields: polars returns empty lists',
  },
}

/** Paths relative to the corpus root. */
export const AVRO_EXPECTED: Readonly<Record<string, KnownDifference>> = {
  'avro/apache-avro/lang/c/tests/avro-1238-truncated.avro': { outcome: 'format-error', reason: TRUNCATED },
  'avro/apache-avro/lang/js/test/dat/person-10.no-codec.avro': { outcome: 'format-error', reason: TRUNCATED },
  'avro/apache-avro/lang/c/tests/avro-1279-codec.avro': { outcome: 'differs', reason: AVRO_BYTES },
  'avro/apache-avro/lang/c/tests/avro-1279-no-codec.avro': { outcome: 'differs', reason: AVRO_BYTES },
  'avro/apache-avro/share/test/interop/rpc/echo/foo/request.avro': { outcome: 'differs', reason: AVRO_BYTES },
  'avro/fastavro/tests/avro-files/deflate.avro': { outcome: 'differs', reason: AVRO_BYTES },
  'avro/fastavro/tests/avro-files/null.avro': { outcome: 'differs', reason: AVRO_BYTES },
  'avro/fastavro/tests/avro-files/snappy.avro': { outcome: 'differs', reason: AVRO_BYTES },
  'avro/fastavro/tests/avro-files/no-fields.avro': {
    outcome: 'differs',
    reason:
      'a record with no fields: a polars frame without columns has no rows, so 1 record reads as 0 rows',
  },
  'avro/apache-avro/share/test/data/schemas/withUnion/data.avro': {
    outcome: 'differs',
    reason: 'a union of several types (["string", "int"]) is read as text, a record inside one as JSON text',
  },
}
