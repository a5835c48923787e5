// Type-level tests of the public API: type-checked (never run) by entity-types.test.ts under the repo's strict flags.
// Each `@ts-expect-error` must be an error; everything else must compile.
import {
  type BelongsTo,
  CREATE_INPUT,
  type DateOnly,
  Entity,
  entity,
  enumOf,
  field,
  type HasMany,
  id,
  openStore,
  PRIMARY_KEY,
  type Repository,
  registerEntity,
  rel,
} from '../index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<T extends true>(_: T): void {}

@entity({ storage: 'users' })
class User extends Entity {
  @id('int') id!: number
  @field('string') name!: string
  @field('int?') age!: number | null
  @field(enumOf('Role', ['ADMIN', 'MEMBER'])) role!: 'ADMIN' | 'MEMBER'
  @field('datetime') createdAt!: Date
  @field('boolean') active!: boolean
  @field('bigint?') karma!: bigint | null
  @rel('Post', { foreignKey: 'authorId', reverse: true }) posts!: HasMany<Post>
}

@entity({ storage: 'posts' })
class Post extends Entity {
  @id('bigint') id!: bigint
  @field('int') authorId!: number
  @field('string') title!: string
  @field({ type: 'string', optional: true }) body!: string | null
  @field('date?') publishedOn!: DateOnly | null
  @rel(() => User, { foreignKey: 'authorId' }) author!: BelongsTo<User>
}

export async function statics(): Promise<void> {
  const alice = await User.create({
    id: 1,
    name: 'Alice',
    role: 'ADMIN',
    createdAt: new Date(),
    active: true,
  })
  assertType<Equal<typeof alice, User>>(true)
  // undefined means absent on an optional field (a zod `.partial()` output fits under exactOptionalPropertyTypes)
  await User.create({ id: 2, name: 'B', role: 'ADMIN', createdAt: new Date(), active: true, age: undefined })
  // @ts-expect-error: but not on a required one
  await User.create({ id: 2, name: undefined, role: 'ADMIN', createdAt: new Date(), active: true })
  // @ts-expect-error: name is required
  await User.create({ id: 2, role: 'ADMIN', createdAt: new Date(), active: true })
  // @ts-expect-error: unknown field
  await User.create({ id: 2, name: 'B', role: 'ADMIN', createdAt: new Date(), nickname: 'b', active: true })
  // @ts-expect-error: wrong value type
  await User.create({ id: '2', name: 'B', role: 'ADMIN', createdAt: new Date(), active: true })

  const found = await User.find(1)
  assertType<Equal<typeof found, User | null>>(true)
  // @ts-expect-error: the key of User is a number
  await User.find('1')
  const post = await Post.find(1n)
  assertType<Equal<typeof post, Post | null>>(true)

  const adults = await User.findMany({
    where: { age: { gte: 18 }, role: 'ADMIN', OR: [{ name: { startsWith: 'A' } }, { age: null }] },
    orderBy: { name: 'asc' },
    limit: 20,
    include: { posts: { where: { title: { contains: 'x' } }, include: { author: true } } },
  })
  type PostWithAuthor = Omit<Post, 'author'> & { author: User | null }
  assertType<Equal<typeof adults, (Omit<User, 'posts'> & { posts: PostWithAuthor[] })[]>>(true)
  const firstAdultPosts: number | undefined = adults[0]?.posts.length
  const nestedAuthor: User | null | undefined = adults[0]?.posts[0]?.author
  void [firstAdultPosts, nestedAuthor]

  const withPosts = await User.findMany({ include: { posts: true } })
  assertType<Equal<typeof withPosts, (Omit<User, 'posts'> & { posts: Post[] })[]>>(true)
  for (const u of withPosts) {
    const titles: string[] = u.posts.map((p) => p.title)
    const name: string = u.name
    void [titles, name]
    // @ts-expect-error: an included relation is the loaded list (an own property), not the accessor method
    await u.posts()
  }
  const withAuthor = await Post.findMany({ where: { id: { gt: 0n } }, include: { author: true } })
  assertType<Equal<typeof withAuthor, PostWithAuthor[]>>(true)
  const authorName: string | undefined = withAuthor[0]?.author?.name
  void authorName
  const plain = await User.findMany({ include: {} })
  assertType<Equal<typeof plain, User[]>>(true)
  const pickedWithPosts = await User.findMany({ select: { name: true }, include: { posts: true } })
  assertType<Equal<typeof pickedWithPosts, (Omit<Pick<User, 'name'>, 'posts'> & { posts: Post[] })[]>>(true)
  const viaRepo = await User.repo().findMany({ include: { posts: true } })
  assertType<Equal<typeof viaRepo, (Omit<User, 'posts'> & { posts: Post[] })[]>>(true)
  // @ts-expect-error: include of an unknown relation
  await User.findMany({ include: { comments: true } })
  // @ts-expect-error: a field is not a relation
  await User.findMany({ include: { name: true } })
  // @ts-expect-error: typo in a where field
  await User.findMany({ where: { nme: 'Alice' } })
  // @ts-expect-error: typo in an include
  await User.findMany({ include: { postz: true } })
  // @ts-expect-error: typo in orderBy
  await User.findMany({ orderBy: { nme: 'asc' } })
  // @ts-expect-error: a string operator on a number field
  await User.findBy({ age: { contains: '1' } })
  // @ts-expect-error: wrong enum value
  await User.findBy({ role: 'OWNER' })
  // @ts-expect-error: a relation is not a where field
  await User.findBy({ posts: null })

  // Operators per field type.
  await User.findBy({
    id: { gt: 1, lte: 10, in: [1, 2], notIn: [3], not: { gte: 5 } },
    age: { isNull: false, not: null, in: [1, null] },
    name: { contains: 'a', startsWith: 'A', endsWith: 'e', gte: 'A', in: ['Al'], not: { contains: 'z' } },
    role: { in: ['ADMIN'], notIn: ['MEMBER'], not: 'MEMBER' },
    active: { equals: true, not: false },
    createdAt: { gte: new Date(0), lt: new Date(), not: { equals: new Date(0) } },
    karma: { gt: 10n, isNull: false },
    AND: [{ active: true }, { age: null }],
    OR: [{ karma: null }],
    NOT: { role: 'ADMIN' },
  })
  // @ts-expect-error: gt does not apply to a boolean
  await User.findBy({ active: { gt: true } })
  // @ts-expect-error: isNull only on optional fields
  await User.findBy({ name: { isNull: true } })
  // @ts-expect-error: a required field is never null
  await User.findBy({ name: null })
  // @ts-expect-error: in holds no null on a required field
  await User.findBy({ id: { in: [1, null] } })
  // @ts-expect-error: an enum is not ordered
  await User.findBy({ role: { gt: 'ADMIN' } })
  // @ts-expect-error: nor matched as text
  await User.findBy({ role: { contains: 'ADM' } })
  // @ts-expect-error: in on a boolean
  await User.findBy({ active: { in: [true] } })
  // @ts-expect-error: text matching on a bigint
  await User.findBy({ karma: { startsWith: '1' } })
  // @ts-expect-error: a bigint operand on a bigint field, not a number
  await User.findBy({ karma: { gt: 10 } })
  // @ts-expect-error: nested not keeps the field's operators
  await User.findBy({ active: { not: { gt: false } } })

  // A date-only field: compared (as 'YYYY-MM-DD' text), never matched as text.
  await Post.findBy({
    publishedOn: {
      gte: '2024-01-01',
      lt: '2025-01-01',
      in: ['2024-05-01', null],
      not: { equals: '2024-01-02' },
    },
  })
  await Post.findBy({
    publishedOn: '2024-05-01',
    OR: [{ publishedOn: null }, { publishedOn: { isNull: true } }],
  })
  // @ts-expect-error: contains does not apply to a date (it fails at run time too)
  await Post.findBy({ publishedOn: { contains: '2024' } })
  // @ts-expect-error: nor startsWith, even inside not
  await Post.findBy({ publishedOn: { not: { startsWith: '2024' } } })
  // @ts-expect-error: nor endsWith
  await Post.findBy({ publishedOn: { endsWith: '-01' } })
  const dated = await Post.findOne({ publishedOn: { isNull: false } })
  if (dated) {
    const text: string | null = dated.publishedOn // reads as a string
    dated.publishedOn = '2024-02-03' // and any string is assignable (validated when saved)
    dated.publishedOn = text
  }

  const names = await User.findMany({ select: { name: true } })
  assertType<Equal<typeof names, Pick<User, 'name'>[]>>(true)

  const n: number = await User.count({ role: 'ADMIN' })
  const any: boolean = await User.exists({ name: 'x' })
  const removed: number = await User.deleteBy({ age: null })
  void [n, any, removed]
  const many = await User.saveAll([
    alice,
    { id: 3, name: 'C', role: 'MEMBER', createdAt: new Date(), active: true },
  ])
  assertType<Equal<typeof many, User[]>>(true)
  for await (const u of User.stream({ batchSize: 100, where: { age: { lt: 30 } } })) {
    assertType<Equal<typeof u, User>>(true)
  }
}

export async function instances(alice: User, post: Post): Promise<void> {
  const saved = await alice.save()
  assertType<Equal<typeof saved, User>>(true)
  const posts = await alice.posts({ where: { title: 'Hello' }, orderBy: { id: 'desc' }, limit: 5 })
  assertType<Equal<typeof posts, Post[]>>(true)
  const author = await post.author()
  assertType<Equal<typeof author, User | null>>(true)
  // @ts-expect-error: typo in a relation query
  await alice.posts({ where: { titel: 'x' } })
  const deleted: boolean = await alice.delete()
  void deleted
}

export function repositories(): Repository<User> {
  const repo = User.repo(openStore('./data'))
  const other: Repository<Post> = openStore('./data').repository(Post)
  void other
  return repo
}

/** What generated code looks like: no decorators, the IR registered directly, relation methods spelled out. */
interface GeneratedCreate {
  id: string
  label?: string | null
}
export class Tag extends Entity {
  declare readonly [CREATE_INPUT]?: GeneratedCreate
  declare readonly [PRIMARY_KEY]?: string
  slug!: string
  label!: string | null
  users(query?: Parameters<HasMany<User>>[0]): Promise<User[]> {
    return this.related('users', query)
  }
}
registerEntity(Tag, {
  name: 'Tag',
  storage: 'tags',
  format: 'parquet',
  primaryKey: ['slug'],
  partitionBy: [],
  fields: [],
  relations: [],
  indexes: [],
  uniques: [],
})

export async function generated(): Promise<void> {
  const tag = await Tag.create({ id: 'x' })
  assertType<Equal<typeof tag, Tag>>(true)
  const found = await Tag.find('x')
  assertType<Equal<typeof found, Tag | null>>(true)
  // @ts-expect-error: the declared key type is string
  await Tag.find(1)
  const tagged = await Tag.findMany({ include: { users: true } })
  assertType<Equal<typeof tagged, (Omit<Tag, 'users'> & { users: User[] })[]>>(true)
}
