import pl from 'nodejs-polars'
import type { EntityIR, EnumIR, FieldIR, FieldType } from '../../schema/schema-ir.js'

function field(id: number, name: string, type: FieldType, extra: Partial<FieldIR> = {}): FieldIR {
  return { id, name, column: name, type, optional: false, isId: false, unique: false, index: false, ...extra }
}

/** A User entity: id Int @id, name String, age Int?, role Role, score Float?, tags String[]?, createdAt DateTime?. */
export const userEntity: EntityIR = {
  name: 'User',
  storage: 'users',
  format: 'parquet',
  primaryKey: ['id'],
  partitionBy: [],
  fields: [
    field(1, 'id', { kind: 'scalar', name: 'Int' }, { isId: true }),
    field(2, 'name', { kind: 'scalar', name: 'String' }),
    field(3, 'age', { kind: 'scalar', name: 'Int' }, { optional: true }),
    field(4, 'role', { kind: 'enum', name: 'Role' }),
    field(5, 'score', { kind: 'scalar', name: 'Float' }, { optional: true }),
    field(6, 'tags', { kind: 'list', element: { kind: 'scalar', name: 'String' } }, { optional: true }),
    field(7, 'createdAt', { kind: 'scalar', name: 'DateTime' }, { optional: true }),
  ],
  relations: [],
  indexes: [],
  uniques: [],
}

/** The field schema-change tests add to User: nick String? (field id 8). */
export const nickField: FieldIR = field(8, 'nick', { kind: 'scalar', name: 'String' }, { optional: true })

export const userEnums: EnumIR[] = [{ name: 'Role', values: ['ADMIN', 'MEMBER'] }]

/** A frame of users with ids `ids`, name `${prefix}${id}`, age = id % 90. */
export function users(ids: readonly number[], prefix = 'u'): pl.DataFrame {
  return pl.DataFrame({
    id: pl.Series('id', ids, pl.Int64),
    name: pl.Series(
      'name',
      ids.map((i) => `${prefix}${i}`),
      pl.Utf8,
    ),
    age: pl.Series(
      'age',
      ids.map((i) => i % 90),
      pl.Int64,
    ),
    role: pl.Series(
      'role',
      ids.map((i) => (i % 2 === 0 ? 'ADMIN' : 'MEMBER')),
      pl.Utf8,
    ),
  })
}

/** Sorted ids of a frame. */
export function idsOf(df: pl.DataFrame): number[] {
  return (df.getColumn('id').toArray() as number[]).slice().sort((a, b) => a - b)
}

/** Integers lo..hi-1. */
export function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo }, (_, i) => lo + i)
}
