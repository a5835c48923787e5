import type { SchemaLocation } from '@parquetframe/language-server'
import { CliError } from '../cli/cli-error.js'
import type { PartialSettings } from '../config/project-settings.js'
import { locateSchema } from '../schema/schema-location.js'
import { defineCommand } from './command.js'
import { positionals, projectSettings, SCHEMA_OPTION } from './shared-options.js'

export interface LspOptions {
  readonly settings: PartialSettings
}

/** `pf lsp`: the `.pfschema` language server, over stdin/stdout, for editors. */
export const lspCommand = defineCommand<LspOptions>({
  name: 'lsp',
  summary: 'Run the .pfschema language server on stdin/stdout (editors start it)',
  description:
    'Speaks the Language Server Protocol on stdin/stdout: diagnostics as "pf validate" reports them, formatting as\n' +
    '"pf format", completion, go to definition, find references and hover. Files inside the schema folder (found\n' +
    'as "pf validate" finds it from the working directory) are checked together; other .pfschema files alone.',
  positionals: [],
  options: [
    SCHEMA_OPTION,
    { name: 'stdio', type: 'boolean', description: 'Use stdin/stdout (the default; editors pass it)' },
  ],
  examples: ['pf lsp', 'pf lsp --schema db/'],
  resolve(input) {
    positionals(input.argv, [], 'lsp')
    return { settings: projectSettings(input, ['schema']) }
  },
  load: async () => {
    const { startLanguageServer } = await import('@parquetframe/language-server')
    return async (options, io) => {
      await startLanguageServer({
        input: process.stdin,
        output: process.stdout,
        cwd: io.cwd,
        schema: await projectSchemaLocation(options.settings, io.cwd),
      })
      return 0
    }
  },
})

/** The schema as `pf validate` would find it; none (each file checked alone) when the default search finds none. */
async function projectSchemaLocation(
  settings: PartialSettings,
  cwd: string,
): Promise<SchemaLocation | undefined> {
  try {
    const location = await locateSchema(settings.schema, cwd)
    return { path: location.path, kind: location.kind }
  } catch (error) {
    if (
      error instanceof CliError &&
      error.code === 'PF_CLI_SCHEMA_NOT_FOUND' &&
      settings.schema === undefined
    )
      return undefined
    throw error
  }
}
