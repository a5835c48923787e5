import type { EntityIR } from '../schema/schema-ir.js'
import type { FileSystem } from '../table/file-system.js'
import { foreignTableProblems } from '../table/foreign-table-check.js'
import { foreignSchemaOf } from '../table/foreign-table-metadata.js'
import { nodeFileSystem } from '../table/node-file-system.js'
import { TableLog } from '../table/table-log.js'
import { EntitySchemaError } from './entity-errors.js'

/**
 * The error for an entity whose table folder holds another writer's Delta table that pf has not adopted (pf's
 * Table API refuses to open it): the fields that do not fit (table/foreign-table-check.ts) and how to adopt it.
 * Undefined for any other table.
 */
export async function foreignTableError(
  entity: EntityIR,
  path: string,
  fs: FileSystem = nodeFileSystem,
): Promise<EntitySchemaError | undefined> {
  const state = await new TableLog(path, fs, path).latest().catch(() => undefined)
  const schema = state && foreignSchemaOf(state.metadata)
  if (!state || !schema) return undefined
  return new EntitySchemaError(path, [
    ...foreignTableProblems(entity, schema, state.metadata.partitionBy),
    `${entity.name}: ${path} is a Delta table another writer created (no pf.* configuration); read() reads it, entities write it once adopted: store.adopt(${entity.name}) or \`pf adopt ${path} --entity ${entity.name}\``,
  ])
}
