import type { ExtensionContext } from 'vscode'
import { commands, workspace } from 'vscode'
import { LanguageClient, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node'
import { pfCommand } from './pf-command.js'

let client: LanguageClient | undefined

/** Starts `pf lsp` for the first workspace folder (its working directory decides where the schema is). */
export async function activate(context: ExtensionContext): Promise<void> {
  context.subscriptions.push(
    workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('pf.path')) await restart()
    }),
    // The server decides where the schema is when it starts: after editing pf.config.json, restart it.
    commands.registerCommand('pf.restartServer', restart),
  )
  await restart()
}

/** Stops the server when VS Code unloads the extension. */
export async function deactivate(): Promise<void> {
  await client?.stop()
  client = undefined
}

async function restart(): Promise<void> {
  await deactivate()
  const folder = workspace.workspaceFolders?.[0]?.uri.fsPath
  const command = pfCommand(
    workspace.getConfiguration('pf').get<string>('path', ''),
    folder,
    process.platform,
  )
  const serverOptions: ServerOptions = {
    command: command.command,
    args: ['lsp'],
    options: { ...(folder === undefined ? {} : { cwd: folder }), shell: command.shell },
  }
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'pfschema' },
      { scheme: 'untitled', language: 'pfschema' },
    ],
    // Closed files of a schema folder take part in its diagnostics: tell the server when they change on disk.
    synchronize: { fileEvents: workspace.createFileSystemWatcher('**/*.pfschema') },
  }
  // The id `pf` makes the `pf.trace.server` setting apply.
  client = new LanguageClient('pf', 'pfschema (pf lsp)', serverOptions, clientOptions)
  await client.start()
}
