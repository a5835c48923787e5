import { CliError } from '../cli/cli-error.js'
import { counted } from '../cli/count-text.js'
import type { CommandHandler } from '../commands/command.js'
import type { MigrateFormatOptions } from '../commands/migrate-commands.js'
import { humanBytes } from '../inspect/inspection-text.js'
import { openEntityTables, selectEntities } from '../migrate/entity-tables.js'
import { describeRewrite, dropLine, migrateTableFormat } from '../migrate/format-migration.js'
import { loadProjectSchema, requireValidSchema } from '../schema/project-schema.js'
import { displayPath } from '../schema/schema-location.js'

/**
 * Moves the selected tables (all with --all) to the target format: each table's data files are rewritten,
 * read back and checked (rows and content checksum), then swapped in one commit. --dry-run prints the plan.
 * A table interrupted before its commit is unchanged (its new files are orphans that vacuum removes).
 * To Parquet, the Avro reader feature is dropped and the history before the drop removed (printed); a table
 * already Parquet finishes a drop a crash stopped.
 */
export const migrateFormatHandler: CommandHandler<MigrateFormatOptions> = async (options, io) => {
  const schema = await loadProjectSchema(options.settings, io.cwd)
  const ir = requireValidSchema(schema)
  const tables = await openEntityTables(schema.settings.storage.value, selectEntities(ir, options.entities))
  let todo = 0
  for (const { entity, dir, table } of tables) {
    const where = displayPath(dir, io.cwd)
    if (!table) {
      if (!options.all)
        throw new CliError('PF_CLI_NO_TABLE', `${entity.name} has no table at ${where}: nothing to migrate`)
      continue
    }
    const snapshot = await table.snapshot()
    const size = snapshot.files.reduce((n, f) => n + f.add.size, 0)
    const facts = `${counted(snapshot.numRows, 'row')} in ${counted(snapshot.files.length, 'file')}, ${humanBytes(size)}`
    const from = snapshot.metadata.format
    if (from === options.to) {
      io.stdout.write(`${entity.name} (${where}): already ${options.to} (${facts})\n`)
      // A Parquet table may still declare the Avro feature (a drop stopped by a crash, or from an older pf).
      if (options.to === 'parquet' && !options.dryRun) {
        const finished = await table.rewriteFormat('parquet')
        const dropped = finished.droppedFeature
        if (dropped && (dropped.movedFiles > 0 || dropped.version > snapshot.version))
          io.stdout.write(dropLine(finished, io.cwd))
      }
      continue
    }
    todo++
    if (options.dryRun) {
      io.stdout.write(`${entity.name} (${where}): would rewrite ${from} → ${options.to} (${facts})\n`)
      continue
    }
    const result = await migrateTableFormat(table, entity.name, options.to, io)
    io.stdout.write(
      `${entity.name} (${where}): ${from} → ${options.to}, ${describeRewrite(result)}; version ${result.version}\n`,
    )
    io.stdout.write(dropLine(result, io.cwd))
  }
  if (todo === 0) io.stdout.write(`Nothing to migrate: every selected table is already ${options.to}\n`)
  return 0
}
