import type { DataType } from 'nodejs-polars'

/** Same dtype, comparing unit, time zone and list elements too; Utf8 and String (two names of one dtype) are equal. */
export function sameDtype(a: DataType, b: DataType): boolean {
  const norm = (d: DataType) => String(d).replaceAll('DataType(String)', 'DataType(Utf8)')
  return norm(a) === norm(b)
}
