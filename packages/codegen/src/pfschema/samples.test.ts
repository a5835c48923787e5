import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadSchema } from './schema-loader.js'

const samples = join(import.meta.dirname, '..', '..', '..', '..', 'schema', 'samples')

describe('schema/samples', () => {
  it('blog.pfschema is valid and has the documented relations', async () => {
    const result = await loadSchema(join(samples, 'blog.pfschema'))
    expect(result.diagnostics).toEqual([])
    const relations = result.ir?.entities.flatMap((e) =>
      e.relations.map((r) => `${e.name}.${r.name} ${r.kind} ${r.target}.${r.foreignKey}->${r.references}`),
    )
    expect(relations).toEqual([
      'User.posts many Post.authorId->id',
      'User.comments many Comment.authorId->id',
      'Post.author one User.authorId->id',
      'Post.comments many Comment.postId->id',
      'Post.tags many PostTag.postId->id',
      'Comment.post one Post.postId->id',
      'Comment.author one User.authorId->id',
      'Tag.posts many PostTag.tagId->id',
      'PostTag.post one Post.postId->id',
      'PostTag.tag one Tag.tagId->id',
    ])
    expect(result.ir?.entities.find((e) => e.name === 'Post')).toMatchObject({
      format: 'avro',
      partitionBy: ['status'],
    })
  })

  it('inventory.pfschema is valid and gets snake_case storage paths by default', async () => {
    const result = await loadSchema(join(samples, 'inventory.pfschema'))
    expect(result.diagnostics).toEqual([])
    expect(result.ir?.entities.map((e) => e.storage)).toEqual(['warehouse', 'stock_item'])
  })
})
