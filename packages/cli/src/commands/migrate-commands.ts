import type { PositionalSpec } from '../args/option-spec.js'
import { UsageError } from '../cli/cli-error.js'
import type { PartialSettings } from '../config/project-settings.js'
import { defineCommand } from './command.js'
import { ENTITY_OPTION, entityNames } from './entity-option.js'
import {
  booleanFlag,
  positionals,
  projectSettings,
  SCHEMA_OPTION,
  STORAGE_OPTION,
  stringFlag,
} from './shared-options.js'

export interface MigrateFormatOptions {
  readonly settings: PartialSettings
  /** Entities to migrate by name; empty with `all`. */
  readonly entities: readonly string[]
  readonly all: boolean
  readonly to: 'parquet' | 'avro'
  readonly dryRun: boolean
}

/** `pf migrate format`: rewrite a table's data files in the other storage format, as one commit. */
export const migrateFormatCommand = defineCommand<MigrateFormatOptions>({
  name: 'migrate format',
  summary: "Rewrite entity tables' data in another storage format (parquet ⇄ avro)",
  description:
    'Reads every live data file of the table, writes it in the target format, reads it back and checks the\n' +
    'row count and a content checksum, then swaps the files in one commit. Until that commit the table reads\n' +
    'exactly as before, so an interrupted migration leaves the old format intact (the new files are orphans\n' +
    'that vacuum removes). To parquet, an Avro table then drops its Avro reader feature so that other Delta\n' +
    'engines read it: the log before the drop is moved to _pf/dropped-history/ and time travel to versions\n' +
    'before it is no longer possible; a re-run finishes an interrupted drop. Progress goes to stderr: a bar on a\n' +
    'terminal, plain lines otherwise, nothing with PARQUETFRAME_PROGRESS=0 or PARQUETFRAME_QUIET=1.\n' +
    '--dry-run only reports the plan.',
  positionals: [],
  options: [
    SCHEMA_OPTION,
    STORAGE_OPTION,
    ENTITY_OPTION,
    { name: 'all', type: 'boolean', description: 'Migrate every entity not already in the target format' },
    { name: 'to', type: 'string', valueName: 'FORMAT', description: 'Target format: parquet or avro' },
    { name: 'dry-run', type: 'boolean', description: 'Report what would be rewritten; change nothing' },
  ],
  examples: ['pf migrate format --entity User --to avro', 'pf migrate format --all --to parquet --dry-run'],
  resolve(input) {
    const command = 'migrate format'
    positionals(input.argv, [], command)
    const entities = entityNames(input.argv, command)
    const all = booleanFlag(input.argv, 'all')
    if (entities === undefined && !all)
      throw new UsageError('Name an entity with --entity NAME, or pass --all', command)
    if (entities !== undefined && all)
      throw new UsageError('Give either --entity or --all, not both', command)
    const to = stringFlag(input.argv, 'to')
    if (to === undefined) throw new UsageError('Missing --to FORMAT (parquet or avro)', command)
    if (to !== 'parquet' && to !== 'avro') {
      throw new UsageError(`Option --to must be "parquet" or "avro", got "${to}"`, command)
    }
    return {
      settings: projectSettings(input, ['schema', 'storage']),
      entities: entities ?? [],
      all,
      to,
      dryRun: booleanFlag(input.argv, 'dry-run'),
    }
  },
  load: async () => (await import('../handlers/migrate-format-handler.js')).migrateFormatHandler,
})

export interface MigrateSchemaOptions {
  readonly action: 'plan' | 'apply' | 'status'
  readonly settings: PartialSettings
  /** Only these entities; all when empty. */
  readonly entities: readonly string[]
}

function schemaMigrationCommand(
  action: MigrateSchemaOptions['action'],
  summary: string,
  description: string,
) {
  const name = `migrate ${action}`
  return defineCommand<MigrateSchemaOptions>({
    name,
    summary,
    description,
    positionals: [],
    options: [SCHEMA_OPTION, STORAGE_OPTION, ENTITY_OPTION],
    resolve(input) {
      positionals(input.argv, [], name)
      return {
        action,
        settings: projectSettings(input, ['schema', 'storage']),
        entities: entityNames(input.argv, name) ?? [],
      }
    },
    load: async () => (await import('../handlers/migrate-schema-handler.js')).migrateSchemaHandler,
  })
}

/** `pf migrate plan`: compare the schema with each table's stored schema and print the changes. */
export const migratePlanCommand = schemaMigrationCommand(
  'plan',
  "Print the changes that would bring each table's stored schema in line with the schema",
  'Compares the schema with each table and lists the planned changes; changes nothing.',
)

/** `pf migrate apply`: run the planned schema changes, non-interactively. */
export const migrateApplyCommand = schemaMigrationCommand(
  'apply',
  'Apply the planned schema changes to the tables (non-interactive, for CI)',
  'Applies every planned change, non-interactively: one SET_SCHEMA commit per table (metadata only, or a\n' +
    'verified rewrite for a widened type), then a format rewrite if the format changed. Each is recorded in\n' +
    'the table history. If any change is incompatible, nothing is applied and the exit code is 1.',
)

/** `pf migrate status`: applied and pending schema migrations per table. */
export const migrateStatusCommand = schemaMigrationCommand(
  'status',
  'List applied and pending schema migrations per table',
  'Prints, per table, the schema migrations recorded in its history and the ones still pending.',
)

export interface MigrateLegacyOptions {
  readonly settings: PartialSettings
  /** The 0.1 table folder; absent: the selected entities' table folders. */
  readonly folder: string | undefined
  /** Entities whose tables to convert (no folder given); all when empty. */
  readonly entities: readonly string[]
}

const LEGACY_FOLDER: readonly PositionalSpec[] = [
  { name: 'folder', required: false, description: "0.1 table folder (default: each entity's table folder)" },
]

/** `pf migrate legacy`: convert parquetframe 0.1 tables (`_pf_log/`) to Delta tables, each in one verified step. */
export const migrateLegacyCommand = defineCommand<MigrateLegacyOptions>({
  name: 'migrate legacy',
  summary: 'Convert parquetframe 0.1 tables (_pf_log/) to Delta tables, verified',
  description:
    'Replays the 0.1 log, writes version 0 of the Delta log (statistics recomputed from each live file, rows\n' +
    '0.1 deleted by key as deletion vectors), opens the new table and compares every row with the 0.1 replay,\n' +
    'then moves _pf_log/ to _pf/legacy-0.1/. Any failure leaves the 0.1 table unchanged (exit code 1); data files\n' +
    'stay where they are (dead ones until vacuum). A table already converted is reported and left alone.',
  positionals: LEGACY_FOLDER,
  options: [SCHEMA_OPTION, STORAGE_OPTION, ENTITY_OPTION],
  examples: ['pf migrate legacy', 'pf migrate legacy --entity User', 'pf migrate legacy ./data/users'],
  resolve(input) {
    const command = 'migrate legacy'
    const { folder } = positionals(input.argv, LEGACY_FOLDER, command)
    const entities = entityNames(input.argv, command) ?? []
    if (folder !== undefined && entities.length > 0)
      throw new UsageError('Give either a table folder or --entity, not both', command)
    return { settings: projectSettings(input, ['schema', 'storage']), folder, entities }
  },
  load: async () => (await import('../handlers/migrate-legacy-handler.js')).migrateLegacyHandler,
})
