import { describe, expect, it } from 'vitest'
import { entityIRFor, relationIR } from './__fixtures__/test-ir.js'
import { EntityDeclarationError, EntityNotRegisteredError } from './entity-errors.js'
import { EntityRegistry } from './entity-registry.js'

/** Post (id, userId) whose relation `author` points at entity `target` (none: given by the class) by userId. */
const postWithAuthor = (target: string) =>
  entityIRFor(
    'Post',
    { id: 'Int', userId: 'Int' },
    { relations: [relationIR('author', target, 'one', 'userId')] },
  )

/** User (id and `fields`) whose reverse relation `posts` names Post's foreign key `foreignKey`. */
const userWithPosts = (foreignKey: string, fields: Record<string, string> = {}) =>
  entityIRFor(
    'User',
    { id: 'Int', ...fields },
    { relations: [relationIR('posts', 'Post', 'many', foreignKey)] },
  )

describe('EntityRegistry', () => {
  it('keys entities by class identity, not by name', () => {
    const registry = new EntityRegistry()
    class A {}
    class B {}
    const a = registry.register(A, entityIRFor('User', { id: 'Int' }, { storage: 'a' }))
    const b = registry.register(B, entityIRFor('User', { id: 'Int' }, { storage: 'b' }))
    expect(a.id).not.toBe(b.id)
    expect(registry.get(A).ir.storage).toBe('a')
    expect(registry.get(B).ir.storage).toBe('b')
    expect(registry.named('User')).toHaveLength(2)
    expect(registry.resolveTarget(A)).toBe(a)
    expect(() => registry.resolveTarget('User')).toThrow(/2 classes share this name; give the class instead/)
  })

  it('resolves relation targets lazily, by name or by thunk (forward references)', () => {
    const registry = new EntityRegistry()
    class User {}
    class Post {}
    const user = registry.register(User, userWithPosts('userId', { name: 'String' }))
    const post = registry.register(Post, postWithAuthor(''), [], { relationTargets: { author: () => User } })
    expect(registry.relation(user, 'posts')).toMatchObject({ target: post, references: 'id' })
    expect(registry.relation(post, 'author')).toMatchObject({ target: user, references: 'id' })
    expect(registry.targetName(post, post.ir.relations[0] as never)).toBe('User')
  })

  it('fails with "Target entity \'X\' is not registered" when the target is unknown', () => {
    const registry = new EntityRegistry()
    class Post {}
    const post = registry.register(Post, postWithAuthor('Ghost'))
    expect(() => registry.relation(post, 'author')).toThrow(EntityNotRegisteredError)
    expect(() => registry.relation(post, 'author')).toThrow("Target entity 'Ghost' is not registered")
  })

  it('fails at first use, as pf validate does (PF4004), when a foreign key type differs from the key it references', () => {
    const registry = new EntityRegistry()
    class User {}
    class Post {}
    registry.register(User, entityIRFor('User', { id: 'BigInt' }))
    const post = registry.register(Post, postWithAuthor('User'))
    expect(() => registry.relation(post, 'author')).toThrow(
      'PF4004: foreign key Post.userId of relation Post.author has type Int, but it references User.id of type BigInt',
    )
  })

  it('fails at first use when a reverse relation names a foreign key the target lacks', () => {
    const registry = new EntityRegistry()
    class User {}
    class Post {}
    const user = registry.register(User, userWithPosts('ownerId'))
    registry.register(Post, entityIRFor('Post', { id: 'Int', userId: 'Int' }))
    expect(() => registry.relation(user, 'posts')).toThrow(
      /User\.posts: foreign key 'ownerId' does not exist on Post/,
    )
  })

  it('checks the IR at registration', () => {
    const registry = new EntityRegistry()
    class X {}
    expect(() => registry.register(X, entityIRFor('X', { id: 'Int' }, { primaryKey: ['nope'] }))).toThrow(
      /PF3018: primary key "nope" of entity "X" is not one of its fields/,
    )
    expect(() => registry.register(X, entityIRFor('X', { id: 'enum:Missing' }))).toThrow(
      /X\.id: enum Missing is not declared/,
    )
    expect(() => registry.register(X, entityIRFor('X', { id: 'Int?' }))).toThrow(
      /PF3003: primary key X\.id cannot be optional/,
    )
    expect(() => registry.register(X, entityIRFor('X', { id: 'Float' }))).toThrow(EntityDeclarationError)
    expect(() =>
      registry.register(
        X,
        entityIRFor('X', { id: 'Int' }, { relations: [relationIR('id', 'Y', 'one', 'id')] }),
      ),
    ).toThrow(/PF6406: relation X\.id has the name of a stored field or another relation/)
    expect(() => registry.register('nope' as never, entityIRFor('X', { id: 'Int' }))).toThrow(
      /must be a class/,
    )
  })
})
