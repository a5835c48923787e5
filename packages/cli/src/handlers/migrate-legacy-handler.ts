import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { convertLegacyTable, type LegacyConversionResult } from '@parquetframe/runtime'
import { counted } from '../cli/count-text.js'
import type { CommandHandler } from '../commands/command.js'
import type { MigrateLegacyOptions } from '../commands/migrate-commands.js'
import { selectEntities } from '../migrate/entity-tables.js'
import { loadProjectSchema, requireValidSchema } from '../schema/project-schema.js'
import { displayPath } from '../schema/schema-location.js'

/**
 * Converts the 0.1 table in the folder given, else each selected entity's table folder that holds one (folders
 * without a table are listed and skipped). The first failure stops the run (exit 1): its table is unchanged,
 * tables converted before it stay converted.
 */
export const migrateLegacyHandler: CommandHandler<MigrateLegacyOptions> = async (options, io) => {
  /** Table folders in schema order; `present: false`: no table there yet (listed, skipped). */
  const tables: { label: string; dir: string; present: boolean }[] = []
  if (options.folder !== undefined) {
    const dir = resolve(io.cwd, options.folder)
    tables.push({ label: displayPath(dir, io.cwd), dir, present: true })
  } else {
    const schema = await loadProjectSchema(options.settings, io.cwd)
    const ir = requireValidSchema(schema)
    for (const entity of selectEntities(ir, options.entities)) {
      const dir = resolve(schema.settings.storage.value, entity.storage)
      const label = `${entity.name} (${displayPath(dir, io.cwd)})`
      const present = existsSync(join(dir, '_pf_log')) || existsSync(join(dir, '_delta_log'))
      tables.push({ label, dir, present })
    }
  }
  for (const { label, dir, present } of tables) {
    const text = present ? describe(await convertLegacyTable(dir)) : 'no table yet, nothing to convert'
    io.stdout.write(`${label}: ${text}\n`)
  }
  return 0
}

function describe(result: LegacyConversionResult): string {
  const contents = `${counted(result.rows, 'row')} in ${counted(result.files, 'file')}`
  const vectors =
    result.deletionVectors > 0
      ? `, ${counted(result.deletionVectors, 'deletion vector')} for rows 0.1 deleted`
      : ''
  switch (result.outcome) {
    case 'already':
      return `already a Delta table (${contents}), nothing to convert`
    case 'finished':
      return `finished an interrupted conversion of 0.1 version ${result.legacyVersion}: ${contents} verified${vectors}; the 0.1 log is in _pf/legacy-0.1/`
    case 'converted':
      return `converted 0.1 version ${result.legacyVersion} to a Delta table: ${contents} verified${vectors}; the 0.1 log is in _pf/legacy-0.1/`
  }
}
