import type { PartialSettings } from '../config/project-settings.js'
import { defineCommand } from './command.js'
import { CLASSES_OPTION, positionals, projectSettings, SCHEMA_OPTION } from './shared-options.js'

export interface ValidateOptions {
  readonly settings: PartialSettings
}

/** `pf validate`: parse and check the schema; exit 1 with its diagnostics when it has errors. */
export const validateCommand = defineCommand<ValidateOptions>({
  name: 'validate',
  summary: 'Check the schema (or decorated classes) and print its diagnostics',
  description:
    'Parses and checks every .pfschema file, or with --classes the decorated entity classes.\n' +
    'Exits 1 and prints all diagnostics when there are errors.',
  positionals: [],
  options: [SCHEMA_OPTION, CLASSES_OPTION],
  examples: [
    'pf validate',
    'pf validate --schema db/app.pfschema',
    "pf validate --classes 'src/models/*.ts'",
  ],
  resolve(input) {
    positionals(input.argv, [], 'validate')
    return { settings: projectSettings(input, ['schema', 'classes']) }
  },
  load: async () => (await import('../handlers/validate-handler.js')).validateHandler,
})
