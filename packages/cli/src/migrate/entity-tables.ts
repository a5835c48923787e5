import { stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { openTable, type Table } from '@parquetframe/runtime'
import { closestName, type EntityIR, type SchemaIR } from '@parquetframe/runtime/schema'
import { CliError } from '../cli/cli-error.js'

/** An entity of the schema and its table directory (which may not exist yet). */
export interface EntityTable {
  readonly entity: EntityIR
  /** Absolute table directory: `<storage>/<entity storage>`. */
  readonly dir: string
  /** Open table, or undefined when nothing was written yet. */
  readonly table: Table | undefined
}

/** The entities named (all when `names` is empty), in schema order; CliError naming an unknown one and a near name. */
export function selectEntities(ir: SchemaIR, names: readonly string[]): EntityIR[] {
  if (names.length === 0) return [...ir.entities]
  const known = ir.entities.map((e) => e.name)
  for (const name of names) {
    if (!known.includes(name)) {
      const best = closestName(name, known)
      const hint = best === undefined ? '' : ` Did you mean "${best}"?`
      throw new CliError(
        'PF_CLI_UNKNOWN_ENTITY',
        `Unknown entity "${name}".${hint} Entities in the schema: ${known.join(', ')}`,
      )
    }
  }
  return ir.entities.filter((e) => names.includes(e.name))
}

/** Opens each entity's table if its directory holds one. */
export async function openEntityTables(
  storage: string,
  entities: readonly EntityIR[],
): Promise<EntityTable[]> {
  const out: EntityTable[] = []
  for (const entity of entities) {
    const dir = resolve(storage, entity.storage)
    // A pre-Delta table (`_pf_log/`) is opened too, so that its typed error says why it is not read.
    const exists = await Promise.all(
      ['_delta_log', '_pf_log'].map((log) =>
        stat(join(dir, log)).then(
          (s) => s.isDirectory(),
          () => false,
        ),
      ),
    ).then((found) => found.includes(true))
    out.push({ entity, dir, table: exists ? await openTable(dir) : undefined })
  }
  return out
}
