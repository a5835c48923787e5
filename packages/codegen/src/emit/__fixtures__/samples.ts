import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SchemaIR } from '@parquetframe/runtime'
import { parseSchema } from '../../pfschema/index.js'
import { blogIR } from './blog-ir.js'
import { REPO_ROOT } from './compile-harness.js'
import { kitchenSinkIR } from './kitchen-sink-ir.js'
import { nameClashIR } from './name-clash-ir.js'

/** The repo's sample schemas (schema/samples/*.pfschema), parsed, by golden folder name `samples-<name>`. */
function repoSamples(): [string, SchemaIR][] {
  const dir = join(REPO_ROOT, 'schema/samples')
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pfschema'))
    .sort()
    .map((f) => {
      const parsed = parseSchema(readFileSync(join(dir, f), 'utf8'), `schema/samples/${f}`)
      if (!parsed.ir) throw new Error(`schema/samples/${f} does not parse: ${parsed.diagnostics[0]?.message}`)
      return [`samples-${f.replace(/\.pfschema$/, '')}`, parsed.ir]
    })
}

/** The sample schemas the golden-file, compile and format tests run over, by golden folder name. */
export const SAMPLES: ReadonlyMap<string, SchemaIR> = new Map([
  ['blog', blogIR],
  ['kitchen-sink', kitchenSinkIR],
  ['name-clash', nameClashIR],
  ...repoSamples(),
])
