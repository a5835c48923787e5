// apache-arrow's values for the runtime, from its CommonJS build: `import 'apache-arrow'` makes Node 20's ESM
// loader open its ~80 files at once (EMFILE under ulimit -n 64; see package-entry.ts). Types come from the package.
import { createRequire } from 'node:module'
import type * as Arrow from 'apache-arrow'

const arrow = createRequire(import.meta.url)('apache-arrow') as typeof Arrow

export const {
  Binary,
  Bool,
  DataType,
  Decimal,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  LargeUtf8,
  List,
  Map_,
  makeData,
  makeVector,
  Message,
  MessageReader,
  Precision,
  Schema,
  Struct,
  Table,
  Type,
  Utf8,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
} = arrow
/** An Arrow data type (the class `DataType` describes). */
export type DataType = Arrow.DataType
