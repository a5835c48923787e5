import { resolve } from 'node:path'
import { adoptTable } from '@parquetframe/runtime'
import { counted } from '../cli/count-text.js'
import type { AdoptOptions } from '../commands/adopt-command.js'
import type { CommandHandler } from '../commands/command.js'
import { selectEntities } from '../migrate/entity-tables.js'
import { loadProjectSchema, requireValidSchema } from '../schema/project-schema.js'
import { displayPath } from '../schema/schema-location.js'

/**
 * Adopts the table in the folder given (else the entity's own) for the entity: one commit adding pf's metadata.
 * A table that does not fit is refused by the runtime with every reason (TableAdoptionError, TableProtocolError).
 */
export const adoptHandler: CommandHandler<AdoptOptions> = async (options, io) => {
  const schema = await loadProjectSchema(options.settings, io.cwd)
  const ir = requireValidSchema(schema)
  const [entity] = selectEntities(ir, [options.entity])
  if (!entity) return 1
  const dir =
    options.folder === undefined
      ? resolve(schema.settings.storage.value, entity.storage)
      : resolve(io.cwd, options.folder)
  const table = await adoptTable(dir, { entity, enums: ir.enums })
  const snapshot = await table.snapshot()
  io.stdout.write(
    `${entity.name} (${displayPath(dir, io.cwd)}): adopted at version ${table.version}, ${table.metadata.updateMode}, ${counted(snapshot.numRows, 'row')} in ${counted(snapshot.files.length, 'file')}\n`,
  )
  return 0
}
