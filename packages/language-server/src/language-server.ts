import { readFileSync } from 'node:fs'
import { collectSchemaSymbols, type SchemaSymbols } from '@parquetframe/codegen/internal'
import {
  createConnection,
  type InitializeResult,
  type Location,
  TextDocumentSyncKind,
  TextDocuments,
} from 'vscode-languageserver/node'
import { TextDocument } from 'vscode-languageserver-textdocument'
import { DiagnosticsScheduler } from './features/diagnostics-scheduler.js'
import { completionItems } from './features/schema-completion.js'
import { formattingEdits } from './features/schema-formatting.js'
import { hoverText } from './features/schema-hover.js'
import { definitionOf, referencesOf, symbolAt, targetOf } from './features/symbol-lookup.js'
import { symbolRange } from './protocol/lsp-ranges.js'
import { type SchemaGroup, type SchemaLocation, SchemaWorkspace } from './workspace/schema-workspace.js'

/** How the server is started. */
export interface LanguageServerOptions {
  /** The client's messages (Content-Length framed JSON-RPC), e.g. `process.stdin`. */
  readonly input: NodeJS.ReadableStream
  /** Where replies and notifications go, e.g. `process.stdout`. Nothing else may write there. */
  readonly output: NodeJS.WritableStream
  /** The folder `pf` would run in: file names in messages are relative to it. */
  readonly cwd: string
  /** The project's schema; documents inside a schema folder are checked with all its files. */
  readonly schema: SchemaLocation | undefined
  /** Quiet time after the last edit before a document is checked again. Default 200 ms. */
  readonly debounceMs?: number
}

/** Characters after which editors ask for completions without being told to. */
const TRIGGER_CHARACTERS = ['@', '(', '[', ',', ':', '=', ' ']

/** The server's version, from its package.json. */
function serverVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

/**
 * Starts the `.pfschema` language server on the given streams: diagnostics as `pf validate`, formatting as
 * `pf format`, completion, definition, references and hover. Resolves when the input ends; the client's `exit`
 * notification ends the process (exit code 0 after `shutdown`, 1 without).
 */
export function startLanguageServer(options: LanguageServerOptions): Promise<void> {
  const connection = createConnection(options.input, options.output)
  const documents = new TextDocuments(TextDocument)
  const workspace = new SchemaWorkspace(options.cwd, options.schema, () =>
    documents.all().map((d) => ({ uri: d.uri, text: d.getText(), version: d.version })),
  )
  const checker = new DiagnosticsScheduler(connection, workspace, options.debounceMs ?? 200)

  connection.onInitialize(
    (): InitializeResult => ({
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: TRIGGER_CHARACTERS },
        definitionProvider: true,
        referencesProvider: true,
        hoverProvider: true,
        documentFormattingProvider: true,
      },
      serverInfo: { name: 'pf lsp', version: serverVersion() },
    }),
  )

  const seen = new Set<string>()
  documents.onDidChangeContent(({ document }) => {
    // The first content of a document (didOpen) is checked at once; edits after a quiet moment.
    const first = !seen.has(document.uri)
    seen.add(document.uri)
    checker.schedule(document.uri, first ? 0 : undefined)
  })
  documents.onDidClose(({ document }) => {
    seen.delete(document.uri)
    checker.closed(document.uri)
  })
  connection.onDidChangeWatchedFiles(() => checker.recheckAll())

  /** The group of a document and the symbols of all its files. */
  const analyse = async (
    uri: string,
  ): Promise<{ group: SchemaGroup; symbols: SchemaSymbols; name: string }> => {
    const group = await workspace.groupOf(uri)
    const symbols = collectSchemaSymbols(group.files.map((f) => ({ file: f.name, text: f.text })))
    const name = group.files.find((f) => f.uri === uri)?.name ?? uri
    return { group, symbols, name }
  }
  const locate = (group: SchemaGroup, span: { file: string } & Parameters<typeof symbolRange>[0]) => {
    const file = group.files.find((f) => f.name === span.file)
    return file ? { uri: file.uri, range: symbolRange(span) } : undefined
  }

  connection.onDocumentFormatting(async ({ textDocument }) => {
    const document = documents.get(textDocument.uri)
    if (!document) return []
    return formattingEdits(document, workspace.displayName(textDocument.uri))
  })
  connection.onCompletion(async ({ textDocument, position }) => {
    const document = documents.get(textDocument.uri)
    if (!document) return []
    const { symbols } = await analyse(textDocument.uri)
    return completionItems(document.getText(), document.offsetAt(position), symbols)
  })
  connection.onDefinition(async ({ textDocument, position }) => {
    const document = documents.get(textDocument.uri)
    if (!document) return null
    const { group, symbols, name } = await analyse(textDocument.uri)
    const hit = symbolAt(symbols, name, document.offsetAt(position))
    const target = hit && targetOf(hit)
    const span = target && definitionOf(symbols, target)
    return (span && locate(group, span)) ?? null
  })
  connection.onReferences(async ({ textDocument, position, context }) => {
    const document = documents.get(textDocument.uri)
    if (!document) return []
    const { group, symbols, name } = await analyse(textDocument.uri)
    const hit = symbolAt(symbols, name, document.offsetAt(position))
    const target = hit && targetOf(hit)
    if (!target) return []
    const declaration = context.includeDeclaration ? definitionOf(symbols, target) : undefined
    const spans = [...(declaration ? [declaration] : []), ...referencesOf(symbols, target).map((r) => r.span)]
    return spans.map((s) => locate(group, s)).filter((l): l is Location => l !== undefined)
  })
  connection.onHover(async ({ textDocument, position }) => {
    const document = documents.get(textDocument.uri)
    if (!document) return null
    const { symbols, name } = await analyse(textDocument.uri)
    const hit = symbolAt(symbols, name, document.offsetAt(position))
    const contents = hit && hoverText(symbols, hit)
    return contents ? { contents } : null
  })

  documents.listen(connection)
  connection.listen()
  return new Promise((resolve) => {
    options.input.once('end', () => resolve())
    options.input.once('close', () => resolve())
  })
}
