// The repository's strict compiler flags, read from tsconfig.base.json (the one place they are written), for the
// test harnesses that type-check code with the TypeScript compiler API.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** tsconfig.base.json's compiler options for a check without emit (its build-only outputs left out). */
export function strictCheckOptions(): ts.CompilerOptions {
  const path = join(REPO_ROOT, 'tsconfig.base.json')
  const read = ts.readConfigFile(path, ts.sys.readFile)
  if (read.error) throw new Error(`${path}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`)
  const converted = ts.convertCompilerOptionsFromJson(read.config.compilerOptions, REPO_ROOT, path)
  const [problem] = converted.errors
  if (problem) throw new Error(`${path}: ${ts.flattenDiagnosticMessageText(problem.messageText, '\n')}`)
  const { declaration, declarationMap, sourceMap, composite, stripInternal, ...check } = converted.options
  return { ...check, noEmit: true }
}
