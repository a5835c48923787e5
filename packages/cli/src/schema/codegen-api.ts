import type { SchemaIR } from '@parquetframe/runtime/schema'
import { CliError } from '../cli/cli-error.js'

/** Codegen's emitter entry point: the generated files, relative path → contents. */
export type GenerateFunction = (
  ir: SchemaIR,
  options?: Record<string, unknown>,
) => ReadonlyMap<string, string> | Promise<ReadonlyMap<string, string>>

/** Imports codegen's `generate`; CliError when this build of @parquetframe/codegen has none yet. */
export async function loadGenerate(): Promise<GenerateFunction> {
  const mod = (await import('@parquetframe/codegen')) as { generate?: unknown }
  if (typeof mod.generate !== 'function') {
    throw new CliError('PF_CLI_UNAVAILABLE', '@parquetframe/codegen does not provide generate() yet')
  }
  return mod.generate as GenerateFunction
}
