import { formatSchema } from '@parquetframe/codegen'
import type { TextEdit } from 'vscode-languageserver'
import type { TextDocument } from 'vscode-languageserver-textdocument'

/**
 * The edits `pf format` would make: one replacement of the whole text, none when it is already formatted, and
 * none when it has syntax errors (the formatter never guesses; the diagnostics say what to fix).
 */
export function formattingEdits(document: TextDocument, name: string): TextEdit[] {
  const text = document.getText()
  const formatted = formatSchema(text, name)
  if (!formatted.ok || formatted.text === text) return []
  return [
    {
      range: { start: { line: 0, character: 0 }, end: document.positionAt(text.length) },
      newText: formatted.text,
    },
  ]
}
