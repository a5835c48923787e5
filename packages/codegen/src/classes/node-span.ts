import type { Node } from 'ts-morph'
import type { DiagnosticSpan } from '../diagnostics/diagnostic.js'

/** Maps ts-morph's absolute file paths back to the names the caller used. */
export type FileNames = ReadonlyMap<string, string>

/** The span of a node in its source file, underlining at most to the end of its first line. */
export function nodeSpan(node: Node, names: FileNames): DiagnosticSpan {
  const file = node.getSourceFile()
  const start = node.getStart()
  const { line, column } = file.getLineAndColumnAtPos(start)
  const text = file.getFullText()
  const lineEnd = text.indexOf('\n', start)
  const room = (lineEnd === -1 ? text.length : lineEnd) - start
  const length = Math.max(1, Math.min(node.getEnd() - start, room))
  const path = file.getFilePath()
  return { file: names.get(path) ?? path, line, column, length }
}
