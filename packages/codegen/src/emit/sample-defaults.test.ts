// The blog sample schema's defaults at runtime: the IR the .pfschema front-end produces, registered as the
// generated code registers it, against real files.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Entity, type EntityClass, openStore } from '@parquetframe/runtime'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseSchema } from '../pfschema/index.js'
import { REPO_ROOT } from './__fixtures__/compile-harness.js'
import { registerClasses } from './__fixtures__/registered-classes.js'

let dir = ''
let classes: Map<string, EntityClass<Entity>>

beforeAll(() => {
  const file = 'schema/samples/blog.pfschema'
  const parsed = parseSchema(readFileSync(join(REPO_ROOT, file), 'utf8'), file)
  if (!parsed.ir) throw new Error(`${file} does not parse`)
  classes = registerClasses(parsed.ir)
  dir = mkdtempSync(join(tmpdir(), 'pf-sample-defaults-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('schema/samples/blog.pfschema defaults', () => {
  it('User.id autoincrement, role MEMBER, createdAt now; PostTag.id autoincrement; Comment.id uuid', async () => {
    const store = openStore(dir)
    const users = store.repository(classes.get('User') as EntityClass<Entity>)
    const before = Date.now()
    const alice = (await users.create({ name: 'Alice', email: 'a@x.com' } as never)) as unknown as Record<
      string,
      unknown
    >
    const [bob, carol] = (await users.saveAll([
      { name: 'Bob', email: 'b@x.com' },
      { name: 'Carol', email: 'c@x.com', role: 'ADMIN' },
    ] as never)) as unknown as Record<string, unknown>[]
    expect([alice.id, bob?.id, carol?.id]).toEqual([1, 2, 3])
    expect([alice.role, carol?.role]).toEqual(['MEMBER', 'ADMIN'])
    expect((alice.createdAt as Date).getTime()).toBeGreaterThanOrEqual(before)
    expect(await users.count()).toBe(3)

    const posts = store.repository(classes.get('Post') as EntityClass<Entity>)
    await posts.create({ id: 1n, authorId: 1, title: 'Hello', body: 'text' } as never)
    const tags = store.repository(classes.get('Tag') as EntityClass<Entity>)
    await tags.create({ id: 1, name: 'ts' } as never)
    const links = store.repository(classes.get('PostTag') as EntityClass<Entity>)
    const link = (await links.create({ postId: 1n, tagId: 1 } as never)) as unknown as Record<string, unknown>
    expect(link.id).toBe(1)
    const comments = store.repository(classes.get('Comment') as EntityClass<Entity>)
    const comment = (await comments.create({
      postId: 1n,
      authorId: 1,
      text: 'hi',
    } as never)) as unknown as Record<string, unknown>
    expect(comment.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(comment.likes).toBe(0)
    const post = (await posts.find(1n as never)) as unknown as Record<string, unknown>
    expect(post.status).toBe('DRAFT')
  })
})
