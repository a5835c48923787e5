import { CliError } from '../cli/cli-error.js'
import type { CommandHandler } from '../commands/command.js'
import type { MigrateFormatOptions } from '../commands/migrate-commands.js'
import { humanBytes } from '../inspect/inspection-text.js'
import { openEntityTables, selectEntities } from '../migrate/entity-tables.js'
import { loadProjectSchema, requireValidSchema } from '../schema/project-schema.js'
import { displayPath } from '../schema/schema-location.js'

/**
 * Plans which tables move to the target format (all with --all); --dry-run prints the plan. Rewriting
 * needs a format-changing commit from the runtime's tables, which this build lacks (see the report).
 */
export const migrateFormatHandler: CommandHandler<MigrateFormatOptions> = async (options, io) => {
  const schema = await loadProjectSchema(options.settings, io.cwd)
  const ir = requireValidSchema(schema)
  const tables = await openEntityTables(schema.settings.storage.value, selectEntities(ir, options.entities))
  const todo: string[] = []
  for (const { entity, dir, table } of tables) {
    const where = displayPath(dir, io.cwd)
    if (!table) {
      if (!options.all)
        throw new CliError('PF_CLI_NO_TABLE', `${entity.name} has no table at ${where}: nothing to migrate`)
      continue
    }
    const snapshot = await table.snapshot()
    const size = snapshot.files.reduce((n, f) => n + f.add.size, 0)
    const facts = `${snapshot.numRows} rows in ${snapshot.files.length} files, ${humanBytes(size)}`
    if (snapshot.metadata.format === options.to) {
      io.stdout.write(`${entity.name} (${where}): already ${options.to} (${facts})\n`)
      continue
    }
    todo.push(entity.name)
    const verb = options.dryRun ? 'would rewrite' : 'rewrite'
    io.stdout.write(
      `${entity.name} (${where}): ${verb} ${snapshot.metadata.format} → ${options.to} (${facts})\n`,
    )
  }
  if (options.dryRun || todo.length === 0) {
    if (todo.length === 0)
      io.stdout.write(`Nothing to migrate: every selected table is already ${options.to}\n`)
    return 0
  }
  throw new CliError(
    'PF_CLI_UNAVAILABLE',
    'Rewriting a table in another format needs a format-changing commit from @parquetframe/runtime tables, ' +
      'which this build lacks; nothing was changed ("--dry-run" shows the plan)',
  )
}
