// Entities of the ported Python scenarios (sections A and B, hardening H1-H8), declared with decorators.
// Only types are imported: the runtime comes in as `pf`, so the classes register where the test looks.
import type * as PF from '../index.js'

type Pf = typeof PF
type Format = 'parquet' | 'avro' | undefined

function formatOption(format: Format): { format?: 'parquet' | 'avro' } {
  return format ? { format } : {}
}

/** Section A: a user with a few optional fields. */
export function crudModels(pf: Pf, format?: Format) {
  const { Entity, entity, field, id } = pf
  @entity({ storage: 'users', ...formatOption(format) })
  class User extends Entity {
    @id('int') id!: number
    @field('string') name!: string
    @field('string?') email!: string | null
    @field('string?') city!: string | null
    @field('float?') score!: number | null
  }
  return { User }
}

/** Section B: posts with an author and a category; the user names Post before it is declared (forward reference). */
export function blogModels(pf: Pf, format?: Format) {
  const { Entity, entity, field, id, rel } = pf
  @entity({ storage: 'users', ...formatOption(format) })
  class User extends Entity {
    @id('int') id!: number
    @field('string') name!: string
    @rel('Post', { foreignKey: 'userId', reverse: true }) posts!: PF.HasMany<Post>
  }
  @entity({ storage: 'categories', ...formatOption(format) })
  class Category extends Entity {
    @id('int') id!: number
    @field('string') name!: string
  }
  @entity({ storage: 'posts', ...formatOption(format) })
  class Post extends Entity {
    @id('int') id!: number
    @field('int?') userId!: number | null
    @field('int?') categoryId!: number | null
    @field('string') title!: string
    @rel('User', { foreignKey: 'userId' }) author!: PF.BelongsTo<User>
    @rel(() => Category, { foreignKey: 'categoryId' }) category!: PF.BelongsTo<Category>
  }
  return { User, Post, Category }
}

/** Section B, multi-hop: customers → orders → products. */
export function shopModels(pf: Pf, format?: Format) {
  const { Entity, entity, field, id, rel } = pf
  @entity({ storage: 'products', ...formatOption(format) })
  class Product extends Entity {
    @id('int') id!: number
    @field('string') name!: string
  }
  @entity({ storage: 'customers', ...formatOption(format) })
  class Customer extends Entity {
    @id('int') id!: number
    @field('string') name!: string
    @rel('Order', { foreignKey: 'customerId', reverse: true }) orders!: PF.HasMany<Order>
  }
  @entity({ storage: 'orders', ...formatOption(format) })
  class Order extends Entity {
    @id('int') id!: number
    @field('int') customerId!: number
    @field('int') productId!: number
    @field('int') quantity!: number
    @rel(() => Product, { foreignKey: 'productId' }) product!: PF.BelongsTo<Product>
    @rel(() => Customer, { foreignKey: 'customerId' }) customer!: PF.BelongsTo<Customer>
  }
  return { Product, Customer, Order }
}

/** Many-to-many through an explicit join entity. */
export function tagModels(pf: Pf, format?: Format) {
  const { Entity, entity, field, id, rel } = pf
  @entity({ storage: 'articles', ...formatOption(format) })
  class Article extends Entity {
    @id('int') id!: number
    @field('string') title!: string
    @rel('Tag', { through: 'ArticleTag', foreignKey: 'articleId', targetKey: 'tagId' }) tags!: PF.HasMany<Tag>
  }
  @entity({ storage: 'tags', ...formatOption(format) })
  class Tag extends Entity {
    @id('string') id!: string
    @field('string') label!: string
  }
  @entity({ storage: 'article_tags', ...formatOption(format) })
  class ArticleTag extends Entity {
    @id('string') id!: string
    @field('int') articleId!: number
    @field('string') tagId!: string
  }
  return { Article, Tag, ArticleTag }
}

/** A relation to an entity that is never declared. */
export function ghostModels(pf: Pf) {
  const { Entity, entity, field, id, rel } = pf
  @entity({ storage: 'haunted' })
  class Haunted extends Entity {
    @id('int') id!: number
    @field('int?') ghostId!: number | null
    @rel('Ghost', { foreignKey: 'ghostId' }) ghost!: PF.BelongsTo<object>
  }
  return { Haunted }
}

/** A reverse relation whose foreign key does not exist on the target (H1). */
export function brokenReverseModels(pf: Pf) {
  const { Entity, entity, field, id, rel } = pf
  @entity({ storage: 'owners' })
  class Owner extends Entity {
    @id('int') id!: number
    @rel('Pet', { foreignKey: 'ownerIdTypo', reverse: true }) pets!: PF.HasMany<Pet>
  }
  @entity({ storage: 'pets' })
  class Pet extends Entity {
    @id('int') id!: number
    @field('int') ownerId!: number
  }
  return { Owner, Pet }
}

/** Every type, for exact round trips (H4-H6). */
export function typedModels(pf: Pf, format?: Format) {
  const { Entity, entity, field, id, unique, listOf, enumOf } = pf
  @entity({ storage: 'typed', ...formatOption(format) })
  class Typed extends Entity {
    @id('int') id!: number
    @field('bigint') big!: bigint
    @field('float') value!: number
    @field('boolean') flag!: boolean
    @field('string') text!: string
    @field('datetime') at!: Date
    @field('date') day!: string
    @field(enumOf('Role', ['ADMIN', 'MEMBER'])) role!: 'ADMIN' | 'MEMBER'
    @field(listOf('string')) tags!: string[]
    @field('int?') maybeInt!: number | null
    @field('string?') maybeText!: string | null
    @field('datetime?') maybeAt!: Date | null
    @field('json?') meta!: unknown
    @field('bytes?') blob!: Uint8Array | null
    @unique('string?') code!: string | null
  }
  @entity({ storage: 'events', ...formatOption(format) })
  class Event extends Entity {
    @id('bigint') id!: bigint
    @field('string') name!: string
  }
  return { Typed, Event }
}

/** A user with a unique email, for constraint tests. */
export function uniqueModels(pf: Pf, format?: Format) {
  const { Entity, entity, field, id, unique } = pf
  @entity({ storage: 'members', ...formatOption(format) })
  class Member extends Entity {
    @id('int') id!: number
    @unique('string') email!: string
    @field('string?') name!: string | null
  }
  return { Member }
}

/** A class whose constructor has a side effect: loading must not run it. */
export function sideEffectModels(pf: Pf, counter: { constructed: number }) {
  const { Entity, entity, field, id } = pf
  @entity({ storage: 'counted' })
  class Counted extends Entity {
    /** `role` has a default, so create may leave it out. */
    declare readonly [pf.CREATE_INPUT]?: { id: number; name: string; role?: string }
    @id('int') id!: number
    @field('string') name!: string
    @field({ type: 'string', default: 'MEMBER' }) role!: string
    constructor() {
      super()
      counter.constructed++
    }
  }
  return { Counted }
}
