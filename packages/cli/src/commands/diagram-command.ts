import type { PartialSettings } from '../config/project-settings.js'
import { defineCommand } from './command.js'
import { positionals, projectSettings, SCHEMA_OPTION, stringFlag } from './shared-options.js'

export interface DiagramOptions {
  readonly settings: PartialSettings
  /** File to write the diagram to; stdout when absent. A `.md` file gets a fenced ```mermaid block. */
  readonly out: string | undefined
}

/** `pf diagram`: the schema as a Mermaid ER diagram. */
export const diagramCommand = defineCommand<DiagramOptions>({
  name: 'diagram',
  summary: "Print the schema's entities and relations as a Mermaid ER diagram",
  description:
    'Entities with their field types and PK/FK/UK markers, relations with their cardinalities.\n' +
    'Writes to stdout, or to --out FILE (a .md file gets a ```mermaid fence, which GitHub renders).',
  positionals: [],
  options: [
    SCHEMA_OPTION,
    {
      name: 'out',
      short: 'o',
      type: 'string',
      valueName: 'FILE',
      description: 'Write to FILE instead of stdout',
    },
  ],
  examples: ['pf diagram', 'pf diagram --out docs/schema.md'],
  resolve(input) {
    positionals(input.argv, [], 'diagram')
    return { settings: projectSettings(input, ['schema']), out: stringFlag(input.argv, 'out') }
  },
  load: async () => (await import('../handlers/diagram-handler.js')).diagramHandler,
})
