import { planSchemaChanges, type SchemaChange } from '@parquetframe/runtime'
import type { EntityIR, EnumIR } from '@parquetframe/runtime/schema'

export type { ChangeCost, SchemaChange } from '@parquetframe/runtime'

/**
 * Compares a table's stored entity with the schema's (pure): the runtime's plan (fields matched by storage
 * column, so `@map("old")` renames keep their data; see `planSchemaChanges`) plus a storage format change,
 * which `pf migrate apply` carries out like `pf migrate format`.
 */
export function diffEntity(
  stored: EntityIR,
  storedEnums: readonly EnumIR[],
  wanted: EntityIR,
  wantedEnums: readonly EnumIR[],
  storedFormat: EntityIR['format'] = stored.format,
): SchemaChange[] {
  const changes = planSchemaChanges(stored, storedEnums, wanted, wantedEnums)
  if (storedFormat !== wanted.format) {
    changes.push({
      kind: 'change-format',
      cost: 'rewrite',
      subject: wanted.name,
      message: `storage format changes from ${storedFormat} to ${wanted.format} (rewrites the data, as "pf migrate format --entity ${wanted.name} --to ${wanted.format}")`,
    })
  }
  return changes
}
