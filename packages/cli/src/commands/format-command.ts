import type { PartialSettings } from '../config/project-settings.js'
import { defineCommand } from './command.js'
import { booleanFlag, positionals, projectSettings, SCHEMA_OPTION } from './shared-options.js'

export interface FormatOptions {
  readonly settings: PartialSettings
  /** Only report files that would change (exit 1 if any); write nothing. */
  readonly check: boolean
}

/** `pf format`: rewrite schema files in the canonical layout. */
export const formatCommand = defineCommand<FormatOptions>({
  name: 'format',
  summary: 'Format .pfschema files',
  description:
    'Rewrites each schema file in the canonical layout; files already formatted are not touched.\n' +
    'With --check, writes nothing, lists the files that would change and exits 1 if there are any.',
  positionals: [],
  options: [
    SCHEMA_OPTION,
    { name: 'check', type: 'boolean', description: 'Write nothing; exit 1 if a file is not formatted' },
  ],
  examples: ['pf format', 'pf format --check'],
  resolve(input) {
    positionals(input.argv, [], 'format')
    return { settings: projectSettings(input, ['schema']), check: booleanFlag(input.argv, 'check') }
  },
  load: async () => (await import('../handlers/format-handler.js')).formatHandler,
})
