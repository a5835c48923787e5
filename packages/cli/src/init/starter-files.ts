/** What `pf init` writes, as pure data: relative path → contents, plus the folders it creates. */
export interface StarterProject {
  /** Files in the order they are listed to the user, with one line on what each is. */
  readonly files: readonly { readonly path: string; readonly contents: string; readonly what: string }[]
  /** Folders created empty (the output folder of `pf generate`). */
  readonly folders: readonly { readonly path: string; readonly what: string }[]
}

/** The README's quick-start schema: two entities and a relation, storage and output in the config block. */
export const STARTER_SCHEMA = `config {
  storage = "./data"
  output  = "./src/generated"
}

entity User @storage("users") {
  id    Int    @id @default(autoincrement())
  name  String @index
  email String @unique
  age   Int?
  posts Post[] @relation(foreignKey: authorId)
}

entity Post @storage("posts") @format(avro) {
  id       BigInt @id
  authorId Int
  author   User   @relation(foreignKey: authorId)
  title    String
}
`

/** An app that runs again and again: the user is created once (found by its unique email), one post per run. */
export const STARTER_EXAMPLE = `// An example app: \`npx pf generate\` writes ./generated from ../schema.pfschema, then \`npx tsx src/main.ts\`.
// Rows are stored under ./data (the schema's config block).
import { Post, User } from './generated/index.js'

const email = 'alice@example.com'
const alice = (await User.findBy({ email }))[0] ?? (await User.create({ name: 'Alice', email }))
await Post.create({ id: BigInt(await Post.count()) + 1n, authorId: alice.id, title: 'Hello' })

const posts = await alice.posts()
console.log(\`\${alice.name} has \${posts.length} \${posts.length === 1 ? 'post' : 'posts'}\`)
`

/** The starter project's files (pure). `withPackageJson`: also a package.json for an ESM app (none exists yet). */
export function starterProject(options: {
  readonly withPackageJson: boolean
  readonly name: string
}): StarterProject {
  const files = [
    {
      path: 'schema.pfschema',
      contents: STARTER_SCHEMA,
      what: 'the entities (User, Post) and where they are stored',
    },
    {
      path: 'pf.config.json',
      contents: `${JSON.stringify({ schema: './schema.pfschema' }, null, 2)}\n`,
      what: 'marks the project root: pf finds it from any subfolder',
    },
    { path: 'src/main.ts', contents: STARTER_EXAMPLE, what: 'an example app that creates and queries rows' },
  ]
  if (options.withPackageJson) {
    const pkg = { name: options.name, private: true, type: 'module' }
    files.push({
      path: 'package.json',
      contents: `${JSON.stringify(pkg, null, 2)}\n`,
      what: 'an ES module package (generated code is ESM)',
    })
  }
  return { files, folders: [{ path: 'src/generated', what: 'the output folder of pf generate' }] }
}
