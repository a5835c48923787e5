// A relation declared with a class target (`@rel(() => Category, ...)`) is stored in the table's metadata under the
// target's entity name, so the table opens again (a log entry with an empty target is refused as corrupt).
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openTable } from '../table/table.js'
import type { blogModels } from './__fixtures__/scenario-models.js'
import { useScenario } from './__fixtures__/scenario-setup.js'

type Blog = ReturnType<typeof blogModels>

describe('relation targets given as classes', () => {
  const scenario = useScenario()

  it('are stored by name, and the table opens again', async () => {
    const { Category, Post, User } = scenario.define<Blog>('blogModels')
    await User.create({ id: 1, name: 'Alice' })
    await Category.create({ id: 1, name: 'Tech' })
    await Post.create({ id: 1, userId: 1, categoryId: 1, title: 'First' })
    const table = await openTable(join(scenario.dir(), 'posts'))
    expect(table.metadata.entity.relations.map((r) => [r.name, r.target])).toEqual([
      ['author', 'User'],
      ['category', 'Category'],
    ])
  })
})
