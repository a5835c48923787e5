import { CliError } from '../cli/cli-error.js'
import type { CommandHandler } from '../commands/command.js'
import type { MigrateSchemaOptions } from '../commands/migrate-commands.js'
import { openEntityTables, selectEntities } from '../migrate/entity-tables.js'
import { diffEntity, type SchemaChange } from '../migrate/schema-change.js'
import { loadProjectSchema, requireValidSchema } from '../schema/project-schema.js'
import { displayPath } from '../schema/schema-location.js'

const MARK = { metadata: '~', rewrite: '!', incompatible: '✗' } as const

/**
 * `plan` prints each table's changes (exit 1 if one is incompatible); `status` lists applied schema
 * migrations (SET_SCHEMA commits) and pending changes; `apply` refuses incompatible plans and otherwise
 * needs the runtime's schema-change commit.
 */
export const migrateSchemaHandler: CommandHandler<MigrateSchemaOptions> = async (options, io) => {
  const schema = await loadProjectSchema(options.settings, io.cwd)
  const ir = requireValidSchema(schema)
  const tables = await openEntityTables(schema.settings.storage.value, selectEntities(ir, options.entities))
  let pending = 0
  let refused = 0
  for (const { entity, dir, table } of tables) {
    const where = displayPath(dir, io.cwd)
    if (!table) {
      io.stdout.write(`${entity.name} (${where}): no table yet; it is created with the current schema\n`)
      continue
    }
    const meta = table.metadata
    const changes: SchemaChange[] = diffEntity(meta.entity, meta.enums, entity, ir.enums)
    pending += changes.length
    refused += changes.filter((c) => c.cost === 'incompatible').length
    if (options.action === 'status') {
      const applied = (await table.history()).filter((h) => h.operation === 'SET_SCHEMA')
      io.stdout.write(
        `${entity.name} (${where}): version ${table.version}, ${applied.length} applied, ${changes.length} pending\n`,
      )
      for (const h of applied) io.stdout.write(`  applied  v${h.version}  ${h.timestamp.toISOString()}\n`)
    } else {
      io.stdout.write(
        `${entity.name} (${where}): ${changes.length === 0 ? 'up to date' : `${changes.length} change${changes.length === 1 ? '' : 's'}`}\n`,
      )
    }
    for (const c of changes) io.stdout.write(`  ${MARK[c.cost]} ${c.subject}: ${c.message}\n`)
  }
  if (pending > 0 && options.action === 'plan') {
    io.stdout.write(`Legend: ~ metadata only, ! rewrites data, ✗ refused\n`)
  }
  if (refused > 0 && options.action !== 'status') {
    throw new CliError(
      'PF_CLI_MIGRATION_REFUSED',
      `${refused} change${refused === 1 ? ' is' : 's are'} incompatible (✗ above); nothing was changed`,
    )
  }
  if (options.action === 'apply') {
    if (pending === 0) {
      io.stdout.write('Nothing to apply\n')
      return 0
    }
    throw new CliError(
      'PF_CLI_UNAVAILABLE',
      'Applying schema changes needs a schema-change commit (SET_SCHEMA) from @parquetframe/runtime tables, which this build lacks; "pf migrate plan" shows the plan',
    )
  }
  return 0
}
