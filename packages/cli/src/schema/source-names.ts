import type { Diagnostic } from '@parquetframe/codegen'
import type { SchemaIR, SourceSpan } from '@parquetframe/runtime/schema'

/** Maps a source file name to another (display name, absolute path). */
export type RenameFile = (file: string) => string

/** The IR with every source file name (in `sources` and in spans) renamed. */
export function renameIrFiles(ir: SchemaIR, rename: RenameFile): SchemaIR {
  const span = <T extends { readonly span?: SourceSpan }>(node: T): T =>
    node.span === undefined ? node : { ...node, span: { ...node.span, file: rename(node.span.file) } }
  return {
    ...ir,
    enums: ir.enums.map(span),
    entities: ir.entities.map((e) => ({
      ...span(e),
      fields: e.fields.map(span),
      relations: e.relations.map(span),
    })),
    ...(ir.sources === undefined ? {} : { sources: ir.sources.map(rename) }),
  }
}

/** The diagnostics with their span's file renamed. */
export function renameDiagnosticFiles(diagnostics: readonly Diagnostic[], rename: RenameFile): Diagnostic[] {
  return diagnostics.map((d) => ({ ...d, span: { ...d.span, file: rename(d.span.file) } }))
}
