import type { PositionalSpec } from '../args/option-spec.js'
import type { PartialSettings } from '../config/project-settings.js'
import { defineCommand } from './command.js'
import { ENTITY_OPTION, oneEntityName } from './entity-option.js'
import { positionals, projectSettings, SCHEMA_OPTION, STORAGE_OPTION } from './shared-options.js'

export interface AdoptOptions {
  readonly settings: PartialSettings
  /** The entity that adopts the table. */
  readonly entity: string
  /** The table folder; absent: the entity's own (`<storage>/<entity storage>`). */
  readonly folder: string | undefined
}

const FOLDER: readonly PositionalSpec[] = [
  { name: 'folder', required: false, description: "Table folder (default: the entity's table folder)" },
]

/** `pf adopt`: make a Delta table another writer created (Spark, delta-rs) an entity's table, in one commit. */
export const adoptCommand = defineCommand<AdoptOptions>({
  name: 'adopt',
  summary: 'Adopt a Delta table another writer created (Spark, delta-rs) as an entity table',
  description:
    "Checks the entity against the table's Delta schema (types, nullability, partition columns, column\n" +
    'metadata), its protocol (only features pf writes), its configuration and stored rows (keys, uniques,\n' +
    "enum values), then writes ONE commit adding pf's metadata that keeps the table's id, schema, partition\n" +
    'columns and every configuration key. From then on entities read and write it. Refused with the reasons\n' +
    '(exit code 1) when anything does not fit; nothing is written then.',
  positionals: FOLDER,
  options: [SCHEMA_OPTION, STORAGE_OPTION, ENTITY_OPTION],
  examples: ['pf adopt --entity Ticket', 'pf adopt ./lake/tickets --entity Ticket'],
  resolve(input) {
    const { folder } = positionals(input.argv, FOLDER, 'adopt')
    const entity = oneEntityName(input.argv, 'adopt')
    return { settings: projectSettings(input, ['schema', 'storage']), entity, folder }
  },
  load: async () => (await import('../handlers/adopt-handler.js')).adoptHandler,
})
