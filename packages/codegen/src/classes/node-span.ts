import { type Node, ts } from 'ts-morph'
import type { DiagnosticSpan } from '../diagnostics/diagnostic.js'

/** Maps ts-morph's absolute file paths back to the names the caller used. */
export type FileNames = ReadonlyMap<string, string>

/** The span of a node in its source file, underlining at most to the end of its first line. */
export function nodeSpan(node: Node, names: FileNames): DiagnosticSpan {
  const file = node.getSourceFile()
  const start = node.getStart()
  // The compiler's line table is computed once per file (ts-morph's own lookup scans the text each time).
  const compiled = file.compilerNode
  const { line, character } = ts.getLineAndCharacterOfPosition(compiled, start)
  const lineStarts = compiled.getLineStarts()
  const next = lineStarts[line + 1]
  const lineEnd = next === undefined ? compiled.text.length : next - 1
  const room = lineEnd - start
  const length = Math.max(1, Math.min(node.getEnd() - start, room))
  const path = file.getFilePath()
  return { file: names.get(path) ?? path, line: line + 1, column: character + 1, length }
}
