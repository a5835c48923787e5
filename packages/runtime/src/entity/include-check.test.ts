// `include` names are checked against the relations before any row is read: one verdict with or without rows.
import { describe, expect, it } from 'vitest'
import type { blogModels, shopModels } from './__fixtures__/scenario-models.js'
import { useScenario } from './__fixtures__/scenario-setup.js'
import * as pf from './index.js'

type Blog = ReturnType<typeof blogModels>
type Shop = ReturnType<typeof shopModels>

describe('include of an unknown relation', () => {
  const scenario = useScenario()

  it('is refused on an empty table, naming Entity.relation and the known relations', async () => {
    const { User } = scenario.define<Blog>('blogModels')
    const error = await User.findMany({ include: { postz: true } as never }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(pf.QueryError)
    expect((error as pf.QueryError).code).toBe('PF_QUERY')
    expect((error as Error).message).toBe('User.postz: unknown relation in include. Relations: posts')
  })

  it('is refused the same way once rows exist', async () => {
    const { User } = scenario.define<Blog>('blogModels')
    await User.create({ id: 1, name: 'Alice' })
    await expect(User.findMany({ include: { postz: true } as never })).rejects.toThrow(
      'User.postz: unknown relation in include. Relations: posts',
    )
  })

  it('is refused in a nested include although no parent row exists, named on the nested entity', async () => {
    const { Customer } = scenario.define<Shop>('shopModels')
    await expect(
      Customer.findMany({ include: { orders: { include: { prodcut: true } } } } as never),
    ).rejects.toThrow('Order.prodcut: unknown relation in include. Relations: product, customer')
    await expect(Customer.findOne({ id: 1 })).resolves.toBeNull()
  })

  it('an entity without relations says so', async () => {
    const { Category } = scenario.define<Blog>('blogModels')
    await expect(Category.findMany({ include: { posts: true } as never })).rejects.toThrow(
      'Category.posts: unknown relation in include. Relations: (none)',
    )
  })
})
