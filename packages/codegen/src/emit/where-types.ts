import type { FieldIR, FieldType } from '@parquetframe/runtime'
import { tsTypeOf } from './ts-types.js'

/** The filter type of each kind of field, as named in `filters.ts`. */
export type FilterTypeName =
  | 'EqualityFilter'
  | 'ComparableFilter'
  | 'StringFilter'
  | 'ListFilter'
  | 'NullFilter'

/**
 * The type a field accepts in `where`: a value (equality), `null` on optional fields, or an operator object
 * with the operators its type supports. Undefined for fields that cannot be filtered (required Json and Bytes).
 */
export function whereFieldType(field: FieldIR): { type: string; uses: FilterTypeName[] } | undefined {
  const value = tsTypeOf(field.type)
  const filter = filterOf(field.type, field.optional ? `${value} | null` : value)
  if (filter === undefined) {
    return field.optional ? { type: 'null | NullFilter', uses: ['NullFilter'] } : undefined
  }
  const equality = field.type.kind === 'list' ? '' : `${value} | `
  if (!field.optional) return { type: `${equality}${filter.type}`, uses: [filter.name] }
  return { type: `${equality}null | (${filter.type} & NullFilter)`, uses: [filter.name, 'NullFilter'] }
}

function filterOf(type: FieldType, value: string): { name: FilterTypeName; type: string } | undefined {
  switch (type.kind) {
    case 'enum':
      return { name: 'EqualityFilter', type: `EqualityFilter<${value}>` }
    case 'list':
      return { name: 'ListFilter', type: `ListFilter<${tsTypeOf(type.element)}>` }
    case 'scalar':
      switch (type.name) {
        case 'Int':
        case 'Float':
        case 'BigInt':
        case 'DateTime':
        case 'Date':
          return { name: 'ComparableFilter', type: `ComparableFilter<${value}>` }
        case 'String':
          return {
            name: 'StringFilter',
            type: value === 'string' ? 'StringFilter' : `StringFilter<${value}>`,
          }
        case 'Decimal':
        case 'Boolean':
          return { name: 'EqualityFilter', type: `EqualityFilter<${value}>` }
        case 'Json':
        case 'Bytes':
          return undefined
      }
  }
}

/** Whether a field can be sorted on: scalars and enums, not lists, Json or Bytes. */
export function isSortable(field: FieldIR): boolean {
  const t = field.type
  return t.kind === 'enum' || (t.kind === 'scalar' && t.name !== 'Json' && t.name !== 'Bytes')
}
