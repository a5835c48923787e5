import type { PartialSettings } from '../config/project-settings.js'
import { defineCommand } from './command.js'
import { booleanFlag, CLASSES_OPTION, positionals, projectSettings, SCHEMA_OPTION } from './shared-options.js'

export interface GenerateOptions {
  readonly settings: PartialSettings
  /** Keep running and regenerate when a schema file changes. */
  readonly watch: boolean
}

/** `pf generate`: typed entity classes, repositories and storage schemas from the schema. */
export const generateCommand = defineCommand<GenerateOptions>({
  name: 'generate',
  summary: 'Generate typed code from the schema or decorated classes',
  description:
    'Reads the .pfschema schema, or with --classes the decorated entity classes, and writes typed code.\n' +
    'Writes only files whose content changed and deletes files it generated earlier that are no longer\n' +
    'produced. Refuses to write into a non-empty folder it did not generate. With --watch, regenerates\n' +
    'whenever a schema (or class) file changes (Ctrl-C to stop); errors are printed and it keeps watching.',
  positionals: [],
  options: [
    SCHEMA_OPTION,
    CLASSES_OPTION,
    {
      name: 'out',
      short: 'o',
      type: 'string',
      valueName: 'DIR',
      description: "Output folder (default: the schema's config output, else ./src/generated)",
    },
    { name: 'watch', short: 'w', type: 'boolean', description: 'Regenerate on every schema change' },
  ],
  examples: [
    'pf generate',
    'pf generate --schema app.pfschema --out src/db --watch',
    "pf generate --classes 'src/models/*.ts' --out src/generated",
  ],
  resolve(input) {
    positionals(input.argv, [], 'generate')
    return {
      settings: projectSettings(input, ['schema', 'classes', 'out']),
      watch: booleanFlag(input.argv, 'watch'),
    }
  },
  load: async () => (await import('../handlers/generate-handler.js')).generateHandler,
})
