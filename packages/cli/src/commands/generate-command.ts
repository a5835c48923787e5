import { UsageError } from '../cli/cli-error.js'
import type { PartialSettings } from '../config/project-settings.js'
import type { ResolveInput } from './command.js'
import { defineCommand } from './command.js'
import {
  booleanFlag,
  CLASSES_OPTION,
  positionals,
  projectSettings,
  SCHEMA_OPTION,
  stringFlag,
} from './shared-options.js'

export interface GenerateOptions {
  readonly settings: PartialSettings
  /** Keep running and regenerate when a schema file changes. */
  readonly watch: boolean
  /** Extension of the imports between generated modules (flag, else pf.config.json); absent: "js". */
  readonly importExtension?: 'js' | 'ts'
  /** The project's pf.config.json, which the generated modules declare so apps apply its runtime settings. */
  readonly projectConfigFile?: string
}

/** `--import-extension` > config `importExtension`; another value is a usage error. */
function importExtension(input: ResolveInput): { importExtension?: 'js' | 'ts' } {
  const flag = stringFlag(input.argv, 'import-extension')
  if (flag === undefined) {
    const fromFile = input.fileConfig?.importExtension
    return fromFile === undefined ? {} : { importExtension: fromFile }
  }
  if (flag !== 'js' && flag !== 'ts')
    throw new UsageError(`--import-extension must be "js" or "ts", got "${flag}"`, 'generate')
  return { importExtension: flag }
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
    {
      name: 'import-extension',
      type: 'string',
      valueName: 'js|ts',
      description:
        'Extension of imports between generated modules: js (default) or ts (node --experimental-strip-types, Deno, Bun)',
    },
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
      ...importExtension(input),
      ...(input.fileConfig?.path?.endsWith('.json') ? { projectConfigFile: input.fileConfig.path } : {}),
    }
  },
  load: async () => (await import('../handlers/generate-handler.js')).generateHandler,
})
