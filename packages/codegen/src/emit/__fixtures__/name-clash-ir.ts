import type { SchemaIR } from '@parquetframe/runtime'
import { entity, enumOf, fields, scalar } from './blog-ir.js'

/** Entity and enum names that are also runtime exports the generated code imports (imported as `Pf<name>`). */
export const nameClashIR: SchemaIR = {
  config: {},
  sources: ['schema/name-clash.pfschema'],
  enums: [{ name: 'EnumIR', values: ['A', 'B'] }],
  entities: [
    entity({
      name: 'Entity',
      fields: fields({
        id: { type: scalar('Int'), isId: true },
        kind: { type: enumOf('EnumIR') },
      }),
      relations: [
        { name: 'wheres', target: 'WhereInput', kind: 'many', foreignKey: 'entityId', references: 'id' },
      ],
    }),
    entity({
      name: 'WhereInput',
      fields: fields({
        key: { type: scalar('String'), isId: true },
        entityId: { type: scalar('Int') },
      }),
      relations: [
        { name: 'entity', target: 'Entity', kind: 'one', foreignKey: 'entityId', references: 'id' },
      ],
    }),
  ],
}
