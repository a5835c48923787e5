import type { SchemaIR } from '@parquetframe/runtime/schema'
import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { hasErrors, sortDiagnostics } from '../diagnostics/diagnostic.js'
import { lowerToIR } from './ir-lowering.js'
import type { SchemaFileNode } from './pfschema-ast.js'
import { parsePfschemaFile } from './pfschema-parser.js'
import { bindSchema } from './schema-binder.js'
import { checkSchema } from './schema-checker.js'

/** One source file of a schema. */
export interface SchemaSource {
  readonly file: string
  readonly text: string
}

/** What a front-end returns: the IR (only when there is no error) and every diagnostic, sorted. */
export interface SchemaParseResult {
  /** Undefined when any diagnostic is an error. */
  readonly ir: SchemaIR | undefined
  readonly diagnostics: readonly Diagnostic[]
  /** Source texts by file name, for `renderDiagnostics`. */
  readonly sources: ReadonlyMap<string, string>
}

/** Parses and checks one `.pfschema` text. Pure; never throws. `file` names the source in spans (default `schema.pfschema`). */
export function parseSchema(text: string, file = 'schema.pfschema'): SchemaParseResult {
  return parseSchemaSources([{ file, text }])
}

/** Parses and checks a schema split over several files (merged in the given order). Pure; never throws. */
export function parseSchemaSources(sources: readonly SchemaSource[]): SchemaParseResult {
  const diagnostics: Diagnostic[] = []
  const files: SchemaFileNode[] = []
  for (const source of sources) {
    const parsed = parsePfschemaFile(source.text, source.file)
    files.push(parsed.ast)
    diagnostics.push(...parsed.diagnostics)
  }
  const bound = bindSchema(files, diagnostics)
  checkSchema(bound, diagnostics)
  const texts = new Map(sources.map((s) => [s.file, s.text]))
  const lines = new Map(sources.map((s) => [s.file, s.text.split('\n')]))
  const finished = sortDiagnostics(diagnostics.map((d) => clampToLine(d, lines)))
  return { ir: hasErrors(finished) ? undefined : lowerToIR(bound), diagnostics: finished, sources: texts }
}

/** Keeps a diagnostic's underline on its own line (nodes spanning lines are underlined to the line end). */
function clampToLine(diagnostic: Diagnostic, lines: ReadonlyMap<string, readonly string[]>): Diagnostic {
  const fileLines = lines.get(diagnostic.span.file)
  if (fileLines === undefined) return diagnostic
  const line = fileLines[diagnostic.span.line - 1]?.replace(/\r$/, '') ?? ''
  const room = Math.max(1, line.length - diagnostic.span.column + 1)
  if (diagnostic.span.length <= room) return diagnostic
  return { ...diagnostic, span: { ...diagnostic.span, length: room } }
}
