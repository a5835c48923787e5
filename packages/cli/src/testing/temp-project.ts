import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** A temporary project folder with the given files (relative path → content); `dispose` removes it. */
export interface TempProject {
  readonly dir: string
  readonly path: (relative: string) => string
  readonly dispose: () => Promise<void>
}

export async function tempProject(files: Record<string, string> = {}): Promise<TempProject> {
  const dir = await mkdtemp(join(tmpdir(), 'pf-cli-project-'))
  for (const [relative, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, relative)), { recursive: true })
    await writeFile(join(dir, relative), content)
  }
  return {
    dir,
    path: (relative) => join(dir, relative),
    dispose: () => rm(dir, { recursive: true, force: true }),
  }
}

/** A small valid schema: two entities, one enum, a one-to-many relation. */
export const BLOG_SCHEMA = `config {
  output = "./gen"
}

enum Role { ADMIN MEMBER }

entity User @storage("users") {
  id    Int    @id
  name  String
  role  Role   @default(MEMBER)
  posts Post[] @relation(foreignKey: authorId)
}

entity Post @storage("posts") {
  id       BigInt @id
  authorId Int
  author   User   @relation(foreignKey: authorId)
  title    String
}
`
