import type { SchemaIR } from '@parquetframe/runtime'
import { entity, enumOf, fields, listOf, scalar } from './blog-ir.js'

/** Every scalar, optional and list forms, @map, partitioning, a self-relation and a multi-word entity name. */
export const kitchenSinkIR: SchemaIR = {
  config: {},
  sources: ['schema/kitchen-sink.pfschema'],
  enums: [
    { name: 'Status', values: ['DRAFT', 'LIVE', 'ARCHIVED'] },
    { name: 'Color', values: ['red', 'green'], doc: 'A colour.\nUsed by tags.' },
  ],
  entities: [
    entity({
      name: 'Sample',
      storage: 'samples/all',
      partitionBy: ['status'],
      fields: fields({
        id: { type: scalar('String'), isId: true, default: { kind: 'uuid' } },
        count: { type: scalar('Int'), default: { kind: 'autoincrement' } },
        big: { type: scalar('BigInt') },
        ratio: { type: scalar('Float'), optional: true },
        price: { type: scalar('Decimal') },
        label: { type: scalar('String'), column: 'label_text' },
        flag: { type: scalar('Boolean'), optional: true },
        at: { type: scalar('DateTime') },
        day: { type: scalar('Date'), optional: true },
        meta: { type: scalar('Json'), optional: true },
        blob: { type: scalar('Bytes'), optional: true },
        status: { type: enumOf('Status'), default: { kind: 'literal', value: 'DRAFT' } },
        colors: { type: listOf(enumOf('Color')) },
        scores: { type: listOf(scalar('Float')), optional: true },
        ownerId: { type: scalar('Int'), optional: true },
      }),
      relations: [
        { name: 'owner', target: 'TeamMember', kind: 'one', foreignKey: 'ownerId', references: 'id' },
      ],
    }),
    entity({
      name: 'TeamMember',
      storage: 'team_members',
      doc: 'Someone on a team.\n\nManagers are members too.',
      fields: fields({
        id: { type: scalar('Int'), isId: true, default: { kind: 'autoincrement' } },
        name: { type: scalar('String') },
        managerId: { type: scalar('Int'), optional: true },
      }),
      relations: [
        { name: 'manager', target: 'TeamMember', kind: 'one', foreignKey: 'managerId', references: 'id' },
        { name: 'reports', target: 'TeamMember', kind: 'many', foreignKey: 'managerId', references: 'id' },
        { name: 'samples', target: 'Sample', kind: 'many', foreignKey: 'ownerId', references: 'id' },
      ],
    }),
  ],
}
