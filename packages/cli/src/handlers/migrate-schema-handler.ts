import type { EntityIR } from '@parquetframe/runtime/schema'
import { CliError } from '../cli/cli-error.js'
import { counted } from '../cli/count-text.js'
import type { CommandHandler } from '../commands/command.js'
import type { MigrateSchemaOptions } from '../commands/migrate-commands.js'
import { type EntityTable, openEntityTables, selectEntities } from '../migrate/entity-tables.js'
import { describeRewrite, dropLine, migrateTableFormat, rewriteOptions } from '../migrate/format-migration.js'
import { diffEntity, type SchemaChange } from '../migrate/schema-change.js'
import { loadProjectSchema, requireValidSchema } from '../schema/project-schema.js'
import { displayPath } from '../schema/schema-location.js'

const MARK = { metadata: '~', rewrite: '!', incompatible: '✗' } as const
/** History operations that are migrations (DROP_FEATURE: the end of a move back to Parquet, where history starts). */
const MIGRATIONS = new Set(['SET_SCHEMA', 'SET_FORMAT', 'DROP_FEATURE'])

function changeLine(c: SchemaChange, prefix = '  '): string {
  return `${prefix}${MARK[c.cost]} ${c.subject}: ${c.message}\n`
}

/** The entity as stored in table metadata: no source spans (they name files of one checkout). */
function withoutSpans(entity: EntityIR): EntityIR {
  const { span: _span, ...rest } = entity
  return {
    ...rest,
    fields: entity.fields.map(({ span: _s, ...f }) => f),
    relations: entity.relations.map(({ span: _s, ...r }) => r),
  }
}

/**
 * `plan` prints each table's changes (exit 1 if one is incompatible); `status` lists the migrations in each
 * table's history (SET_SCHEMA, SET_FORMAT) and the pending changes; `apply` refuses the whole run if any
 * change is incompatible, else applies each table's changes: one SET_SCHEMA commit (metadata only, or a
 * verified rewrite for a widened type), then a SET_FORMAT rewrite if the format changed.
 */
export const migrateSchemaHandler: CommandHandler<MigrateSchemaOptions> = async (options, io) => {
  const schema = await loadProjectSchema(options.settings, io.cwd)
  const ir = requireValidSchema(schema)
  const tables = await openEntityTables(schema.settings.storage.value, selectEntities(ir, options.entities))
  const plans: { table: EntityTable; changes: SchemaChange[] }[] = []
  let pending = 0
  let refused = 0
  for (const entry of tables) {
    const { entity, dir, table } = entry
    const where = displayPath(dir, io.cwd)
    if (!table) {
      io.stdout.write(`${entity.name} (${where}): no table yet; it is created with the current schema\n`)
      continue
    }
    const meta = table.metadata
    const changes = diffEntity(meta.entity, meta.enums, entity, ir.enums, meta.format)
    plans.push({ table: entry, changes })
    pending += changes.length
    refused += changes.filter((c) => c.cost === 'incompatible').length
    if (options.action === 'status') {
      const applied = (await table.history()).filter((h) => MIGRATIONS.has(h.operation))
      io.stdout.write(
        `${entity.name} (${where}): version ${table.version}, ${applied.length} applied, ${changes.length} pending\n`,
      )
      for (const h of applied) {
        io.stdout.write(`  applied  v${h.version}  ${h.timestamp.toISOString()}  ${h.operation}\n`)
        for (const d of h.details ?? []) io.stdout.write(`    ${d}\n`)
      }
      for (const c of changes) io.stdout.write(changeLine(c, '  pending  '))
      continue
    }
    const summary = changes.length === 0 ? 'up to date' : counted(changes.length, 'change')
    io.stdout.write(`${entity.name} (${where}): ${summary}\n`)
    for (const c of changes) io.stdout.write(changeLine(c))
  }
  if (pending > 0 && options.action === 'plan') {
    io.stdout.write(`Legend: ~ metadata only, ! rewrites data, ✗ refused\n`)
  }
  if (refused > 0 && options.action !== 'status') {
    throw new CliError(
      'PF_CLI_MIGRATION_REFUSED',
      `${counted(refused, 'change is', 'changes are')} incompatible (✗ above); nothing was changed`,
    )
  }
  if (options.action !== 'apply') return 0
  if (pending === 0) {
    io.stdout.write('Nothing to apply\n')
    return 0
  }
  for (const { table: entry, changes } of plans) {
    const { entity, dir, table } = entry
    if (!table || changes.length === 0) continue
    const where = displayPath(dir, io.cwd)
    if (changes.some((c) => c.kind !== 'change-format')) {
      const { display, options: rewrite } = rewriteOptions(io, `${entity.name} schema`)
      const stored = { ...withoutSpans(entity), format: table.metadata.format }
      const result = await table.evolveSchema(stored, ir.enums, rewrite).finally(() => display.finish())
      const how = result.rewritten ? `data rewritten, ${describeRewrite(result)}` : 'metadata only'
      io.stdout.write(
        `${entity.name} (${where}): applied ${counted(result.changes.length, 'schema change')} (${how}); version ${result.version}\n`,
      )
    }
    if (table.metadata.format !== entity.format) {
      const from = table.metadata.format
      const result = await migrateTableFormat(table, entity.name, entity.format, io)
      io.stdout.write(
        `${entity.name} (${where}): ${from} → ${entity.format}, ${describeRewrite(result)}; version ${result.version}\n`,
      )
      io.stdout.write(dropLine(result, io.cwd))
    }
  }
  return 0
}
