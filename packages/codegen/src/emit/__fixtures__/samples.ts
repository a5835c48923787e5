import type { SchemaIR } from '@parquetframe/runtime'
import { blogIR } from './blog-ir.js'
import { kitchenSinkIR } from './kitchen-sink-ir.js'

/** The sample schemas the golden-file, compile and format tests run over, by golden folder name. */
export const SAMPLES: ReadonlyMap<string, SchemaIR> = new Map([
  ['blog', blogIR],
  ['kitchen-sink', kitchenSinkIR],
])
