// The same blog through the code `pf generate --classes 'src/models/*.ts' --out src/generated` wrote from the
// decorated classes: typed repositories, input and filter types, zod schemas, and registration that needs no
// decorators at run time. It reads the tables main.ts left behind (same IR, same storage), then writes a little.
import { setConfig } from '@parquetframe/runtime'
import { dataDir, line } from './data-dir.js'
import {
  Comment,
  Post,
  type PostFindManyArgs,
  type PostWhere,
  User,
  type UserCreateInput,
  UserCreateSchema,
} from './generated/index.js'

setConfig({ entityBasePath: dataDir })

// Filters and queries are plain typed values: a typo in a field or a wrong value type does not compile.
const published: PostWhere = { status: 'PUBLISHED', rating: { not: null } }
const query = { where: published, orderBy: { rating: 'desc' }, limit: 3 } satisfies PostFindManyArgs
// A Decimal reads as exact text with its scale's digits (a bare Decimal is Decimal(38, 18)): shown with one here.
line(
  'best rated published posts',
  (await Post.findMany(query)).map((p) => `${p.id} (${Number(p.rating).toFixed(1)})`).join(', '),
)

// include narrows the result: `author` is a `User | null` and `comments` a `Comment[]` here, not accessors.
const withRelations = await Post.findMany({
  where: { id: { in: [2n, 3n] } },
  orderBy: { id: 'asc' },
  include: { author: true, comments: true },
})
for (const post of withRelations)
  line(`post ${post.id}`, `by ${post.author?.name}, ${post.comments.length} comment(s)`)

// Validation of untrusted input with the generated zod schema, before anything is written.
const untrusted: unknown = { name: 'Dave', email: 42 }
const checked = UserCreateSchema.safeParse(untrusted)
line('untrusted input valid?', checked.success ? 'yes' : `no (${checked.error.issues[0]?.path.join('.')})`)

// Fields with a default (id, role, createdAt) may be left out of the generated create input.
const dave: UserCreateInput = { name: 'Dave', email: 'dave@example.com' }
const created = await User.create(dave)
line('created', `${created.name} (id ${created.id}, ${created.role})`)
await Comment.create({ postId: 3n, authorId: created.id, text: 'First!' })
line('comments on post 3', (await Comment.findBy({ postId: 3n })).map((c) => c.text).join(' | '))

// Update through an instance of the generated class, then delete.
const post3 = await Post.find(3n)
if (post3 !== null) {
  post3.title = 'Post number 3 (edited)'
  await post3.save()
}
line('post 3 title', (await Post.find(3n))?.title)
line('comments deleted', await Comment.deleteBy({ authorId: created.id }))
line('users', (await User.findMany({ orderBy: { id: 'asc' } })).map((u) => u.name).join(', '))
