// Section B of the Python scenarios (relationships), both formats, plus include batching and many-to-many.
import { describe, expect, it } from 'vitest'
import type { blogModels, ghostModels, shopModels, tagModels } from './__fixtures__/scenario-models.js'
import { useScenario } from './__fixtures__/scenario-setup.js'
import * as pf from './index.js'

type Blog = ReturnType<typeof blogModels>
type Shop = ReturnType<typeof shopModels>
type Tags = ReturnType<typeof tagModels>

describe.each(['parquet', 'avro'] as const)('relations in %s', (format) => {
  const scenario = useScenario()
  const blog = () => scenario.define<Blog>('blogModels', format)

  it('B14: relation metadata (forward: one, reverse: many)', () => {
    const { Post, User } = blog()
    expect(pf.entityIR(Post).relations).toEqual([
      { name: 'author', target: 'User', kind: 'one', foreignKey: 'userId', references: '' },
      { name: 'category', target: 'Category', kind: 'one', foreignKey: 'categoryId', references: '' },
    ])
    expect(pf.entityIR(User).relations).toEqual([
      { name: 'posts', target: 'Post', kind: 'many', foreignKey: 'userId', references: '' },
    ])
  })

  it('B15: forward resolution: post.author() is the user', async () => {
    const { Post, User } = blog()
    await User.create({ id: 1, name: 'Alice' })
    const post = await Post.create({ id: 1, userId: 1, title: 'First Post' })
    const author = await post.author()
    expect(author).toBeInstanceOf(User)
    expect([author?.id, author?.name]).toEqual([1, 'Alice'])
  })

  it("B16: reverse resolution: user.posts() lists only that user's posts", async () => {
    const { Post, User } = blog()
    await User.saveAll([
      { id: 1, name: 'Alice' },
      { id: 2, name: 'Bob' },
    ])
    await Post.saveAll([
      { id: 1, userId: 1, title: 'First Post' },
      { id: 2, userId: 1, title: 'Second Post' },
      { id: 3, userId: 2, title: 'Other' },
    ])
    const alice = (await User.find(1)) as InstanceType<Blog['User']>
    const posts = await alice.posts()
    expect(posts.map((p) => p.title).sort()).toEqual(['First Post', 'Second Post'])
    expect(posts.every((p) => p instanceof Post)).toBe(true)
  })

  it('B17: an orphan foreign key gives null; a null one too', async () => {
    const { Post } = blog()
    const orphan = await Post.create({ id: 1, userId: 999, title: 'Orphan' })
    expect(await orphan.author()).toBeNull()
    const anonymous = await Post.create({ id: 2, title: 'Anonymous' })
    expect(await anonymous.author()).toBeNull()
  })

  it('B18: a reverse relation without matches gives []', async () => {
    const { User } = blog()
    const alice = await User.create({ id: 1, name: 'Alice' })
    expect(await alice.posts()).toEqual([])
  })

  it('B19: several relations on one entity resolve independently', async () => {
    const { Category, Post, User } = blog()
    await User.create({ id: 1, name: 'Alice' })
    await Category.create({ id: 1, name: 'Tech' })
    const post = await Post.create({ id: 1, userId: 1, categoryId: 1, title: 'Hello' })
    expect((await post.author())?.name).toBe('Alice')
    expect((await post.category())?.name).toBe('Tech')
  })

  it('B20: bidirectional, the target named before it is declared', async () => {
    const { Post, User } = blog()
    await User.create({ id: 1, name: 'Alice' })
    await Post.saveAll([
      { id: 1, userId: 1, title: 'a' },
      { id: 2, userId: 1, title: 'b' },
    ])
    expect((await (await Post.find(1))?.author())?.name).toBe('Alice')
    expect(await (await User.find(1))?.posts()).toHaveLength(2)
  })

  it('B21: multi-hop: customer → orders → product', async () => {
    const { Customer, Order, Product } = scenario.define<Shop>('shopModels', format)
    await Product.saveAll([
      { id: 1, name: 'Widget' },
      { id: 2, name: 'Gadget' },
    ])
    await Customer.create({ id: 1, name: 'Carol' })
    await Order.create({ id: 1, customerId: 1, productId: 1, quantity: 5 })
    await Order.create({ id: 2, customerId: 1, productId: 2, quantity: 3 })
    const orders = await ((await Customer.find(1)) as InstanceType<Shop['Customer']>).orders()
    expect(orders).toHaveLength(2)
    expect((await orders[0]?.product())?.name).toBe('Widget')
    const loaded = await Customer.findMany({ include: { orders: { include: { product: true } } } })
    expect((loaded[0]?.orders ?? []).map((o) => o.product?.name)).toEqual(['Widget', 'Gadget'])
  })

  it('B22: a target that was never registered fails with "Target entity \'X\' is not registered"', async () => {
    const { Haunted } = scenario.define<ReturnType<typeof ghostModels>>('ghostModels')
    const h = await Haunted.create({ id: 1, ghostId: 1 })
    await expect(h.ghost()).rejects.toThrow("Target entity 'Ghost' is not registered")
    await expect(Haunted.findMany({ include: { ghost: true } })).rejects.toThrow(pf.EntityNotRegisteredError)
  })

  it('relation accessors take a query: where, orderBy, limit', async () => {
    const { Post, User } = blog()
    const alice = await User.create({ id: 1, name: 'Alice' })
    await Post.saveAll([
      { id: 1, userId: 1, title: 'c' },
      { id: 2, userId: 1, title: 'a' },
      { id: 3, userId: 1, title: 'b' },
    ])
    expect((await alice.posts({ orderBy: { title: 'asc' }, limit: 2 })).map((p) => p.title)).toEqual([
      'a',
      'b',
    ])
    expect(
      (await alice.posts({ where: { title: { not: 'a' } }, orderBy: { id: 'desc' } })).map((p) => p.id),
    ).toEqual([3, 1])
    const post = (await Post.find(1)) as InstanceType<Blog['Post']>
    expect(await post.author({ where: { name: 'Bob' } })).toBeNull()
    expect((await post.author({ where: { name: 'Alice' } }))?.id).toBe(1)
    await expect(alice.posts({ where: { nope: 1 } as never })).rejects.toThrow(/Post\.nope: unknown field/)
  })

  it('include loads each relation for all parents with one scan per relation, never N+1', async () => {
    const { Category, Post, User } = blog()
    const users = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `u${i + 1}` }))
    await User.saveAll(users)
    await Category.saveAll([
      { id: 1, name: 'Tech' },
      { id: 2, name: 'Life' },
    ])
    await Post.saveAll(
      Array.from({ length: 120 }, (_, i) => ({
        id: i + 1,
        userId: (i % 40) + 1,
        categoryId: (i % 3) + 1,
        title: `p${i + 1}`,
      })),
    )
    const store = pf.defaultStore()
    const scans = store.stats.scans
    const lookups = store.stats.keyLookups
    const loaded = await User.findMany({
      include: { posts: { orderBy: { id: 'desc' }, limit: 2, include: { category: true } } },
    })
    expect(store.stats.scans - scans).toBe(3) // users, posts, categories
    expect(loaded).toHaveLength(50)
    const u1 = loaded[0]
    expect(u1?.posts.map((p) => p.id)).toEqual([81, 41])
    expect(loaded[45]?.posts).toEqual([])
    expect(u1?.posts.map((p) => p.category?.name ?? null)).toEqual([null, 'Life']) // post 81 has category 3, which does not exist
    expect(store.stats.scans - scans).toBe(3)
    expect(store.stats.keyLookups - lookups).toBe(0)
    // The loaded values are own enumerable properties: they serialise with the entity.
    expect(Object.keys(u1 ?? {})).toContain('posts')
    expect(JSON.parse(JSON.stringify(u1?.posts[1]?.category ?? null))).toEqual({ id: 2, name: 'Life' })

    const posts = await Post.findMany({ include: { author: true }, where: { id: { lte: 45 } } })
    expect(posts.map((p) => p.author?.id)).toEqual(posts.map((p) => p.userId))
    expect(store.stats.scans - scans).toBe(5)

    // The accessor still queries on entities loaded without include, and saving ignores loaded relations.
    const fresh = (await User.find(1)) as InstanceType<Blog['User']>
    expect((await fresh.posts({ orderBy: { id: 'asc' } })).map((p) => p.id)).toEqual([1, 41, 81])
    const renamed = Object.assign(u1 as object, { name: 'renamed' }) as InstanceType<Blog['User']>
    await renamed.save()
    expect((await User.find(1))?.name).toBe('renamed')
    await expect(User.findMany({ include: { postz: true } as never })).rejects.toThrow(
      /User\.postz: unknown relation in include/,
    )
  })

  it('saving an entity loaded with include stores its fields only; the loaded relation stays a snapshot', async () => {
    const { Post, User } = blog()
    await User.saveAll([
      { id: 1, name: 'Alice' },
      { id: 2, name: 'Bob' },
    ])
    await Post.saveAll([
      { id: 1, userId: 1, title: 'one' },
      { id: 2, userId: 1, title: 'two' },
    ])
    const [alice, bob] = await User.findMany({
      include: { posts: { orderBy: { id: 'asc' } } },
      orderBy: { id: 'asc' },
    })
    if (!alice || !bob) throw new Error('loaded two users')
    const loaded = alice.posts
    // Changes to the loaded list, its posts or the table are not saved with the parent (no cascade) ...
    alice.name = 'Alicia'
    alice.posts.pop()
    const first = alice.posts[0]
    if (first) first.title = 'changed in memory'
    await Post.create({ id: 3, userId: 1, title: 'three' })
    await alice.save()
    await User.saveAll([alice, bob])
    expect(alice.posts).toBe(loaded) // ... and saving leaves the loaded list as it was: a snapshot of load time.
    expect(alice.posts.map((p) => p.id)).toEqual([1])
    expect((await User.find(1))?.name).toBe('Alicia')
    expect((await Post.findMany({ orderBy: { id: 'asc' } })).map((p) => [p.id, p.title])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ])
    // The stored row holds the fields only, and a new query loads the relation afresh.
    const table = await pf.defaultStore().table(pf.entryOf(User))
    expect((await table.read()).columns.sort()).toEqual(['id', 'name'])
    const [again] = await User.findMany({ where: { id: 1 }, include: { posts: true } })
    expect(again?.posts.map((p) => p.id).sort()).toEqual([1, 2, 3])
    // A plain copy carries the loaded list, which is not a field.
    await expect(User.upsert({ ...alice } as never)).rejects.toThrow(/User\.posts: unknown field/)
  })

  it('many-to-many through an explicit join entity', async () => {
    const { Article, ArticleTag, Tag } = scenario.define<Tags>('tagModels', format)
    await Article.saveAll([
      { id: 1, title: 'One' },
      { id: 2, title: 'Two' },
      { id: 3, title: 'Three' },
    ])
    await Tag.saveAll([
      { id: 'ts', label: 'TypeScript' },
      { id: 'db', label: 'Databases' },
    ])
    await ArticleTag.saveAll([
      { id: '1-ts', articleId: 1, tagId: 'ts' },
      { id: '1-db', articleId: 1, tagId: 'db' },
      { id: '2-db', articleId: 2, tagId: 'db' },
    ])
    const one = (await Article.find(1)) as InstanceType<Tags['Article']>
    expect((await one.tags({ orderBy: { label: 'asc' } })).map((t) => t.label)).toEqual([
      'Databases',
      'TypeScript',
    ])
    const store = pf.defaultStore()
    const scans = store.stats.scans
    const all = await Article.findMany({
      include: { tags: { orderBy: { id: 'asc' } } },
      orderBy: { id: 'asc' },
    })
    expect(store.stats.scans - scans).toBe(3) // articles, join rows, tags
    expect(all.map((a) => a.tags.map((t) => t.id))).toEqual([['db', 'ts'], ['db'], []])
  })
})
