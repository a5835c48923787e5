// The class-first blog app: the entities are the decorated classes of ./models, used as they are (the decorators
// register them when the module loads; no generated code). It recreates its data folder on each run, then creates,
// queries, updates and deletes, printing what it finds. How to run it: ../README.md.
import { rm } from 'node:fs/promises'
import { openTable, setConfig } from '@parquetframe/runtime'
import { dataDir, line } from './data-dir.js'
import { Comment, Post, PostTag, Tag, User } from './models/index.js'

await rm(dataDir, { recursive: true, force: true })
setConfig({ entityBasePath: dataDir })

// Create: one entity per commit, or many in one commit with saveAll. Defaults fill the fields left out.
const alice = await User.create({ name: 'Alice', email: 'alice@example.com', role: 'ADMIN', age: 34 })
const bob = await User.create({ name: 'Bob', email: 'bob@example.com', age: 17 })
await User.create({ name: 'Carol', email: 'carol@example.com', role: 'EDITOR' })
line('users created', `${await User.count()} (ids ${alice.id}, ${bob.id}, …; bob is a ${bob.role})`)

const posts = await Post.saveAll(
  Array.from({ length: 12 }, (_, i) => ({
    id: BigInt(i + 1),
    authorId: i % 3 === 0 ? bob.id : alice.id,
    title: `Post number ${i + 1}`,
    body: `Body of post ${i + 1}`,
    status: i % 4 === 0 ? ('DRAFT' as const) : ('PUBLISHED' as const),
    rating: i % 2 === 0 ? (i / 2).toFixed(1) : null,
    publishedOn: i % 4 === 0 ? null : `2026-01-${String(i + 1).padStart(2, '0')}`,
  })),
)
line('posts saved in one commit', posts.length)

const [news, howto] = await Tag.saveAll([
  { id: 1, name: 'news' },
  { id: 2, name: 'how-to' },
])
await PostTag.saveAll(
  posts.slice(0, 6).map((p, i) => ({ postId: p.id, tagId: (i % 2 === 0 ? news : howto)!.id })),
)
await Comment.create({ postId: 2n, authorId: bob.id, text: 'Nice post!' })
await Comment.create({ postId: 2n, authorId: alice.id, text: 'Thanks Bob', likes: 3 })

// Queries: filters, ordering, pagination.
const adults = await User.findMany({ where: { age: { gte: 18 } }, orderBy: { name: 'asc' } })
line('adults', adults.map((u) => u.name).join(', '))
const page2 = await Post.findMany({
  where: { status: 'PUBLISHED', title: { startsWith: 'Post' } },
  orderBy: { id: 'desc' },
  limit: 3,
  offset: 3,
})
line('published posts, page 2 (3 a page)', page2.map((p) => p.id).join(', '))
line('posts by Bob', (await Post.findBy({ authorId: bob.id })).map((p) => p.title).join('; '))
line('users without an age', (await User.findBy({ age: null })).map((u) => u.name).join(', '))
line('admins or editors', await User.count({ role: { in: ['ADMIN', 'EDITOR'] } }))

// Relations: accessors, and include (one batched query per relation, whatever the number of parents).
line("alice's posts", (await alice.posts()).length)
const second = await Post.find(2n)
line('post 2 author', (await second?.author())?.name)
line(
  'post 2 comments',
  (await second!.comments({ orderBy: { likes: 'desc' } })).map((c) => c.text).join(' | '),
)
// An included relation is a property holding the loaded value: `Omit<User, 'posts'> & { posts: Post[] }`.
const withPosts = await User.findMany({ include: { posts: true }, orderBy: { id: 'asc' } })
line('posts per user', withPosts.map((u) => `${u.name} ${u.posts.length}`).join(', '))
const tagged = await PostTag.findMany({ where: { tagId: news!.id }, include: { post: true } })
line('posts tagged news', tagged.map((t) => t.post?.title).join('; '))

// Update and delete.
bob.age = 18
await bob.save()
line('bob is now', `${(await User.find(bob.id))?.age} years old`)
line('draft posts deleted', await Post.deleteBy({ status: 'DRAFT' }))
line('posts left', await Post.count())

// Every commit is a version of the table; older versions stay readable.
const table = await openTable(`${dataDir}/posts`)
line('post table versions', (await table.history()).length)
