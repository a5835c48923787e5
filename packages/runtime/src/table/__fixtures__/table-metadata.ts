import type { EntityIR, EnumIR } from '../../schema/schema-ir.js'
import type { TableMetadata } from '../log-entry.js'

/**
 * The metadata of a table of `entity` as unit tests build one without a table: id 't', Parquet, keyed by `id`,
 * unpartitioned, merge-on-read, a checkpoint every 100 commits, created at 0; `extra` sets anything else.
 */
export function testTableMetadata(
  entity: EntityIR,
  enums: readonly EnumIR[],
  extra: Partial<TableMetadata> = {},
): TableMetadata {
  return {
    id: 't',
    entity,
    enums,
    format: 'parquet',
    primaryKey: ['id'],
    partitionBy: [],
    updateMode: 'merge-on-read',
    checkpointInterval: 100,
    createdTime: 0,
    ...extra,
  }
}
