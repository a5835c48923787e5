// The blog example: a schema-first app on local files. `npm run example` generates src/generated from
// ../blog.pfschema with `pf generate`, then runs this file. Data goes to examples/blog/data (recreated each run).
import { rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { openTable, setConfig, transaction } from '@parquetframe/runtime'
import { Comment, Post, PostTag, Tag, User } from './generated/index.js'

const dataDir = fileURLToPath(new URL('../data', import.meta.url))
await rm(dataDir, { recursive: true, force: true })
setConfig({ entityBasePath: dataDir })

const line = (label: string, value: unknown) => console.log(`${label.padEnd(34)} ${value}`)

// Create: one entity per commit, or many in one commit with saveAll.
const alice = await User.create({ name: 'Alice', email: 'alice@example.com', role: 'ADMIN', age: 34 })
const bob = await User.create({ name: 'Bob', email: 'bob@example.com', age: 17 })
await User.create({ name: 'Carol', email: 'carol@example.com', role: 'EDITOR' })
line('users created', `${await User.count()} (ids ${alice.id}, ${bob.id}, …)`)

const posts = await Post.saveAll(
  Array.from({ length: 12 }, (_, i) => ({
    id: BigInt(i + 1),
    authorId: i % 3 === 0 ? bob.id : alice.id,
    title: `Post number ${i + 1}`,
    body: `Body of post ${i + 1}`,
    status: i % 4 === 0 ? 'DRAFT' : 'PUBLISHED',
    rating: i % 2 === 0 ? `${(i / 2).toFixed(1)}` : null,
    publishedOn: i % 4 === 0 ? null : `2026-01-${String(i + 1).padStart(2, '0')}`,
  })),
)
line('posts saved in one commit', posts.length)

const [news, howto] = await Tag.saveAll([
  { id: 1, name: 'news' },
  { id: 2, name: 'how-to' },
])
await PostTag.saveAll(
  posts.slice(0, 6).map((p, i) => ({ postId: p.id, tagId: i % 2 === 0 ? news!.id : howto!.id })),
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
const withPosts = await User.findMany({ include: { posts: true }, orderBy: { id: 'asc' } })
for (const u of withPosts) line(`  ${u.name} has posts`, u.posts.length)
const tagged = await PostTag.findMany({ where: { tagId: news!.id }, include: { post: true } })
line('posts tagged news', tagged.map((t) => t.post?.title).join('; '))

// Update and delete.
bob.age = 18
await bob.save()
line('bob is now', `${(await User.find(bob.id))?.age} years old`)
const removed = await Post.deleteBy({ status: 'DRAFT' })
line('draft posts deleted', removed)
line('posts left', await Post.count())

// Several entity types in one atomic commit: every write lands, or none does.
const carol = (await User.findOne({ name: 'Carol' }))!
await transaction((tx) => {
  tx.create(Post, {
    id: 100n,
    authorId: carol.id,
    title: 'Carol joins',
    body: 'Hello all',
    status: 'PUBLISHED',
  })
  tx.create(Comment, { postId: 100n, authorId: alice.id, text: 'Welcome, Carol!' })
})
line('one commit, two tables', `${await Post.count()} posts, ${await Comment.count()} comments`)
const refused = await transaction((tx) => {
  tx.create(Post, { id: 101n, authorId: carol.id, title: 'Never stored', body: '…' })
  tx.create(User, { name: 'Mallory', email: 'alice@example.com' })
}).catch((error: Error) => error.message)
line('refused transaction', refused)
line('posts after it', await Post.count())

// Every commit is a version of the table; older versions stay readable.
const table = await openTable(`${dataDir}/posts`)
line('post table versions', (await table.history()).length)
