import type { EntityIR, FieldIR } from '@parquetframe/runtime/schema'

function field(name: string, id: number, type: 'Int' | 'String' | 'Float', isId = false): FieldIR {
  return {
    name,
    id,
    column: name,
    type: { kind: 'scalar', name: type },
    optional: false,
    isId,
    unique: false,
    index: false,
  }
}

/** `entity Person { id Int @id  name String  score Float }` as IR, matching `PEOPLE_CSV`. */
export const PERSON_ENTITY: EntityIR = {
  name: 'Person',
  storage: 'people',
  format: 'parquet',
  primaryKey: ['id'],
  partitionBy: [],
  fields: [field('id', 1, 'Int', true), field('name', 2, 'String'), field('score', 3, 'Float')],
  relations: [],
  indexes: [],
  uniques: [],
}

/** Three people as CSV text. */
export const PEOPLE_CSV = 'id,name,score\n1,Alice,1.5\n2,Bob,2.5\n3,Carol,3.5\n'
