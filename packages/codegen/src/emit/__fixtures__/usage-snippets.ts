// Snippets of user code against the generated blog entities: one that must compile clean, and misuses that
// must fail with a specific diagnostic. Each becomes its own file in `blog-usage/`, importing `../blog/index.js`.

/** Correct use of the generated API (the contract in ARCHITECTURE.md, "What the user writes"). */
export const OK_SNIPPET = `import { Post, type Role, User, UserCreateSchema, type UserWhere, type UserWith } from '../blog/index.js'
import { Sample, SampleCreateSchema } from '../kitchen-sink/index.js'

const alice = await User.create({ id: 1, name: 'Alice', email: 'alice@example.com', tags: [] })
await Post.create({ id: 1n, authorId: 1, title: 'Hello' })

const found: User | null = await User.find(1)
const byName: User[] = await User.findBy({ name: 'Alice' })
const adults = await User.findMany({
  where: { age: { gte: 18 }, name: { startsWith: 'A' }, OR: [{ role: 'ADMIN' }, { age: null }] },
  orderBy: { name: 'asc' },
  limit: 20,
  include: { posts: true },
})
const first: UserWith<{ posts: true }> | undefined = adults[0]
const postCount: number | undefined = first?.posts.length
const firstTitle: string | undefined = first?.posts[0]?.title
const withAuthors = await Post.findMany({ include: { author: true } })
const authorName: string | undefined = withAuthors[0]?.author?.name
const role: Role = alice.role
const admins: number = await User.count({ role: 'ADMIN' })
const posts: Post[] = await alice.posts()
const author: User | null = (await Post.find(1n)) === null ? null : await (await Post.find(1n))!.author()
const where: UserWhere = { createdAt: { lt: new Date() }, tags: { has: 'x' }, age: { isNull: false } }
const drafts = await Post.findBy({ published: { not: true }, id: { gte: 1n }, title: { endsWith: '!' } })
const members = await User.findBy({ role: { in: ['MEMBER'] }, email: { contains: '@' } })
const named = await User.findMany({ select: { name: true } })
const justName: string | undefined = named[0]?.name
// What the create schema outputs is what create takes (under exactOptionalPropertyTypes: \`age?: number | null | undefined\`).
const parsed = await User.create(UserCreateSchema.parse({ id: 7, name: 'Zed', email: 'z@example.com', tags: [] }))
const sample = await Sample.create(SampleCreateSchema.parse(JSON.parse('{}')))
await User.create({ id: 8, name: 'Yan', email: 'y@example.com', tags: [], age: undefined, role: undefined })
const dated = await Sample.findBy({ day: { gte: '2024-01-01', lt: '2025-01-01', not: '2024-02-29' } })
const day: string | null | undefined = dated[0]?.day
alice.name = 'Alicia'
await alice.save()
await alice.delete()
await User.deleteAll()
export { admins, author, authorName, byName, day, drafts, first, firstTitle, found, justName, members, parsed, postCount, posts, role, sample, where }
`

/** A misuse and the diagnostic it must produce. */
export interface MisuseSnippet {
  readonly name: string
  readonly code: string
  /** TypeScript error code expected on the snippet's last line. */
  readonly tsCode: number
  /** A fragment of the expected message. */
  readonly message: string
}

const head = "import { Post, User } from '../blog/index.js'\nvoid Post\n"

export const MISUSE_SNIPPETS: readonly MisuseSnippet[] = [
  {
    name: 'unknown field in findBy',
    code: `${head}await User.findBy({ nme: 'Alice' })\n`,
    tsCode: 2561,
    message: "'nme' does not exist in type 'WhereInput<User>'. Did you mean to write 'name'?",
  },
  {
    name: 'unknown field in findMany where',
    code: `${head}await User.findMany({ where: { agee: { gte: 18 } } })\n`,
    tsCode: 2561,
    message: "'agee' does not exist in type 'WhereInput<User>'. Did you mean to write 'age'?",
  },
  {
    name: 'wrong value type in where',
    code: `${head}await User.findBy({ age: 'old' })\n`,
    tsCode: 2322,
    message: "Type 'string' is not assignable",
  },
  {
    name: 'wrong operand type for an operator',
    code: `${head}await User.findMany({ where: { createdAt: { gt: 5 } } })\n`,
    tsCode: 2322,
    message: "Type 'number' is not assignable to type 'Date'",
  },
  {
    name: 'enum value not in the enum',
    code: `${head}await User.count({ role: 'OWNER' })\n`,
    tsCode: 2322,
    message: `Type '"OWNER"' is not assignable`,
  },
  {
    name: 'unknown relation in include',
    code: `${head}await User.findMany({ include: { comments: true } })\n`,
    tsCode: 2353,
    message: "'comments' does not exist",
  },
  {
    name: 'calling an included relation (it is the loaded list, not the accessor)',
    code: `${head}const [u] = await User.findMany({ include: { posts: true } })\nawait u?.posts()\n`,
    tsCode: 2349,
    message: 'This expression is not callable',
  },
  {
    name: 'an included single relation may be null',
    code: `${head}const [p] = await Post.findMany({ include: { author: true } })\np?.author.name\n`,
    tsCode: 18047,
    message: "'p.author' is possibly 'null'",
  },
  {
    name: 'gt on a boolean field',
    code: `${head}await Post.findBy({ published: { gt: false } })\n`,
    tsCode: 2353,
    message: "'gt' does not exist",
  },
  {
    name: 'isNull on a required field',
    code: `${head}await User.findBy({ email: { isNull: true } })\n`,
    tsCode: 2353,
    message: "'isNull' does not exist",
  },
  {
    name: 'an enum is not ordered',
    code: `${head}await User.findBy({ role: { lt: 'MEMBER' } })\n`,
    tsCode: 2353,
    message: "'lt' does not exist",
  },
  {
    name: 'unknown field in orderBy',
    code: `${head}await User.findMany({ orderBy: { nam: 'asc' } })\n`,
    tsCode: 2353,
    message: "'nam' does not exist",
  },
  {
    name: 'missing required field in create',
    code: `${head}await User.create({ id: 1, name: 'Alice', tags: [] })\n`,
    tsCode: 2345,
    message: "Property 'email' is missing",
  },
  {
    name: 'wrong primary-key type in find',
    code: `${head}await Post.find(1)\n`,
    tsCode: 2345,
    message: "'number' is not assignable to parameter of type 'bigint'",
  },
  {
    name: 'field left out by select',
    code: `${head}const [u] = await User.findMany({ select: { name: true } })\nu?.email\n`,
    tsCode: 2339,
    message: "Property 'email' does not exist",
  },
  {
    name: 'text matching on a date-only field (a DateOnly is compared, not matched)',
    code: "import { Sample } from '../kitchen-sink/index.js'\nawait Sample.findBy({ day: { contains: '2024' } })\n",
    tsCode: 2353,
    message: "'contains' does not exist in type 'DateOnlyFilter<null>'",
  },
]
