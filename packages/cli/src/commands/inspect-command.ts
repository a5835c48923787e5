import { defineCommand } from './command.js'
import { booleanFlag, positionals } from './shared-options.js'

export interface InspectOptions {
  /** A data file (.parquet, .avro, .csv …) or a table directory (with `_delta_log/`). */
  readonly path: string
  /** Print JSON instead of text. */
  readonly json: boolean
}

const INSPECT_POSITIONALS = [
  { name: 'path', required: true, description: 'A data file or a table directory' },
]

/** `pf inspect PATH`: what a data file or table holds, and how `read()` would read it. */
export const inspectCommand = defineCommand<InspectOptions>({
  name: 'inspect',
  summary: 'Describe a data file or a table directory',
  description:
    'For a data file: format, rows, columns and types, size, and which engine read() would choose and why.\n' +
    'For a table directory: format, versions, live files, rows, schema and history.',
  positionals: INSPECT_POSITIONALS,
  options: [{ name: 'json', type: 'boolean', description: 'Print JSON instead of text' }],
  examples: ['pf inspect data/events.parquet', 'pf inspect data/users --json'],
  resolve(input) {
    const { path } = positionals(input.argv, INSPECT_POSITIONALS, 'inspect')
    return { path: path as string, json: booleanFlag(input.argv, 'json') }
  },
  load: async () => (await import('../handlers/inspect-handler.js')).inspectHandler,
})
