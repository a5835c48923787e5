// Classes the runtime's decorators can run as they are (standard decorators give no design types, so every field
// spells its storage type): the static reading of this file must equal what the decorators register.
import {
  type BelongsTo,
  Entity,
  entity,
  enumOf,
  field,
  type HasMany,
  id,
  index,
  listOf,
  rel,
  unique,
} from '@parquetframe/runtime'

export enum Tier {
  FREE = 'FREE',
  PRO = 'PRO',
}

@entity({ storage: 'mirror/accounts', uniques: [['handle', 'region']], doc: 'An account.' })
export class MirrorAccount extends Entity {
  @id('int') id!: number
  @unique('string') handle!: string
  @index('string') region!: string
  @field(enumOf('Tier', Tier), { default: 'FREE' }) tier!: Tier
  @field({ type: 'float?', column: 'score_value' }) score!: number | null
  @field(listOf('string')) tags!: string[]
  @field({ type: 'datetime', default: { kind: 'now' } }) createdAt!: Date
  @field('bigint') visits!: bigint
  @rel('MirrorOrder', { foreignKey: 'accountId', reverse: true }) orders!: HasMany<MirrorOrder>
}

@entity({ storage: 'mirror/orders', format: 'avro', partitionBy: ['day'], indexes: [['accountId', 'day']] })
export class MirrorOrder extends Entity {
  @id({ type: 'string', default: { kind: 'uuid' } }) id!: string
  @field('int') accountId!: number
  @field('date') day!: string
  @field('decimal?') total!: string | null
  @field({ type: 'boolean', default: false, doc: 'Paid in full.' }) paid!: boolean
  @rel('MirrorAccount', { foreignKey: 'accountId' }) account!: BelongsTo<MirrorAccount>
  @rel('MirrorItem', { through: 'MirrorLine', foreignKey: 'orderId', targetKey: 'itemId' })
  items!: HasMany<MirrorItem>
}

@entity({ storage: 'mirror/items', primaryKey: 'sku' })
export class MirrorItem extends Entity {
  @field('string') sku!: string
  @field('json?') attributes!: unknown
}

@entity({ storage: 'mirror/lines' })
export class MirrorLine extends Entity {
  @id('int') id!: number
  @field('string') orderId!: string
  @field('string') itemId!: string
}
