import { describe, expect, it } from 'vitest'
import { type FixtureModule, loadWithTsc, loadWithTsx } from './__fixtures__/load-fixture.js'
import * as pf from './index.js'

type Define = (runtime: typeof pf, ...args: unknown[]) => pf.EntityClass

const STANDARD = 'standard decorators never carry design-time type metadata'
const NO_REFLECT = 'no design-time type metadata: no reflect-metadata implementation is loaded'

/** Each way of compiling decorators, and why a field without an explicit type cannot be typed under it. */
const modes: [string, () => Promise<FixtureModule> | FixtureModule, string][] = [
  ['standard decorators (tsx / esbuild)', () => loadWithTsx('decorated-models.ts'), STANDARD],
  ['standard decorators (tsc, no Symbol.metadata)', () => loadWithTsc('decorated-models.ts'), STANDARD],
  [
    'legacy decorators (tsc experimentalDecorators)',
    () => loadWithTsc('decorated-models.ts', { legacy: true }),
    NO_REFLECT,
  ],
  [
    'legacy decorators without define semantics',
    () => loadWithTsc('decorated-models.ts', { legacy: true, useDefineForClassFields: false }),
    NO_REFLECT,
  ],
]

describe.each(modes)('%s', (_mode, load, why) => {
  let loaded: Promise<FixtureModule> | FixtureModule | undefined
  const define = async (name: string, ...args: unknown[]) => {
    loaded ??= load()
    return ((await loaded)[name] as Define)(pf, ...args)
  }

  it('builds the IR with explicit types, optional fields, unique and index', async () => {
    const Person = await define('person')
    const ir = pf.entityIR(Person)
    expect(ir.name).toBe('Person')
    expect(ir.storage).toBe('people')
    expect(ir.primaryKey).toEqual(['id'])
    expect(ir.fields.map((f) => [f.name, f.type.kind === 'list' ? 'list' : f.type.name, f.optional])).toEqual(
      [
        ['id', 'Int', false],
        ['name', 'String', false],
        ['email', 'String', false],
        ['big', 'BigInt', false],
        ['at', 'DateTime', false],
        ['day', 'Date', true],
        ['tags', 'list', false],
        ['role', 'Role', false],
        ['meta', 'Json', true],
        ['blob', 'Bytes', false],
        ['score', 'Float', false],
      ],
    )
    expect(ir.fields.find((f) => f.name === 'score')?.column).toBe('score_value')
    expect(ir.fields.find((f) => f.name === 'score')?.default).toEqual({ kind: 'literal', value: 0 })
    expect(ir.uniques).toEqual([['email']])
    expect(ir.indexes).toEqual([['name']])
    expect(pf.defaultRegistry.get(Person).enums.get('Role')?.values).toEqual(['ADMIN', 'MEMBER'])
    expect(pf.defaultRegistry.get(Person).formatExplicit).toBe(false)
  })

  it('names class and field when the type cannot be known (no metadata, no explicit type)', async () => {
    await expect(define('untyped')).rejects.toThrow(/NoType\.name: cannot tell the storage type/)
    await expect(define('designTyped')).rejects.toThrow(/Designed\.id: cannot tell the storage type/)
  })

  it('says why the type is unknown under this compiler and what to write for the field’s decorator', async () => {
    const untyped = await define('untyped').catch((e: unknown) => e)
    expect(untyped).toBeInstanceOf(pf.EntityDeclarationError)
    expect((untyped as Error).message).toContain(`NoType.name: cannot tell the storage type (${why}`)
    expect((untyped as Error).message).toContain(
      "Write it in the decorator: @field('string'), @field('int'), @field('float'), @field('boolean'), @field('datetime') or @field(listOf('string')).",
    )
    expect((untyped as Error).message).toContain('`pf generate --classes` registers the types itself')
    // An @id gets @id(...) suggestions with key types, not @field('int').
    const id = ((await define('designTyped').catch((e: unknown) => e)) as Error).message
    expect(id).toContain(`Designed.id: cannot tell the storage type (${why}`)
    expect(id).toContain("Write it in the decorator: @id('int'), @id('bigint') or @id('string').")
    expect(id).not.toContain('@field(')
  })

  it('rejects an unknown primary key, a missing one and an unsupported type', async () => {
    await expect(define('unknownKey')).rejects.toThrow(
      /PF3018: primary key "nonexistent_id" of entity "OnlyName" is not one of its fields/,
    )
    await expect(define('noKey')).rejects.toThrow(/PF3001: entity "NoKey" has no primary key/)
    await expect(define('badType')).rejects.toThrow(/BadType\.name: unsupported field type 'varchar'/)
  })

  it('rejects a relation whose foreign key is not on this entity', async () => {
    await expect(define('missingForeignKey')).rejects.toThrow(
      /PF4003: foreign key "userId" of relation Orphanage\.user is not a field of entity "Orphanage"/,
    )
  })

  it('rejects a class without fields (the TS form of "must be a dataclass")', async () => {
    await expect(define('empty')).rejects.toThrow(/Entity Empty declares no fields/)
  })

  it('keeps two classes with the same name apart', async () => {
    const a = await define('twin', 'a')
    const b = await define('twin', 'b')
    expect(a).not.toBe(b)
    expect(pf.entityId(a)).not.toBe(pf.entityId(b))
    expect(pf.entityIR(a).storage).toBe('a')
    expect(pf.entityIR(b).storage).toBe('b')
    expect(() => pf.defaultRegistry.resolveTarget('Twin')).toThrow(/classes share this name/)
  })

  it('gives relation fields an accessor, on new instances and on the prototype', async () => {
    const Library = (await define('library')) as pf.EntityClass<{ books: unknown }>
    expect(typeof new Library().books).toBe('function')
    expect(typeof (Object.create(Library.prototype) as { books: unknown }).books).toBe('function')
    expect(Library.name).toBe('Library')
    expect(pf.entityIR(Library).relations).toEqual([
      { name: 'books', target: 'Book', kind: 'many', foreignKey: 'libraryId', references: '' },
    ])
  })
})

describe('legacy decorators with emitDecoratorMetadata', () => {
  /** A minimal reflect-metadata, installed only for this test (the real package is not a dependency). */
  function withReflectMetadata<T>(run: () => T): T {
    const store = new Map<object, Map<string, Map<string, unknown>>>()
    const r = Reflect as unknown as Record<string, unknown>
    r.metadata = (key: string, value: unknown) => (target: object, prop: string) => {
      const byProp = store.get(target) ?? new Map<string, Map<string, unknown>>()
      store.set(target, byProp)
      const byKey = byProp.get(prop) ?? new Map<string, unknown>()
      byProp.set(prop, byKey)
      byKey.set(key, value)
    }
    r.getMetadata = (key: string, target: object, prop: string) => store.get(target)?.get(prop)?.get(key)
    try {
      return run()
    } finally {
      delete r.metadata
      delete r.getMetadata
    }
  }
  const compiled = loadWithTsc('decorated-models.ts', { legacy: true, emitDecoratorMetadata: true })
  const mod = () => compiled

  it('reads design:type when a reflect-metadata implementation exists', () => {
    const Designed = withReflectMetadata(() => (mod().designTyped as Define)(pf))
    expect(
      pf.entityIR(Designed).fields.map((f) => [f.name, f.type.kind === 'scalar' ? f.type.name : '?']),
    ).toEqual([
      ['id', 'Int'],
      ['name', 'String'],
      ['active', 'Boolean'],
      ['at', 'DateTime'],
      ['big', 'BigInt'],
      ['blob', 'Bytes'],
    ])
  })

  it('refuses to guess int or float for a number field', () => {
    expect(() => withReflectMetadata(() => (mod().ambiguousNumber as Define)(pf))).toThrow(
      /Ambiguous\.score: cannot tell the storage type \(TypeScript type 'number' could be 'int' or 'float'\)\. Write it in the decorator: @field\('int'\) or @field\('float'\)\./,
    )
  })

  it('without reflect-metadata installed, fails naming the field and the missing package', () => {
    expect(() => (mod().designTyped as Define)(pf)).toThrow(
      /Designed\.id: cannot tell the storage type \(no design-time type metadata: no reflect-metadata implementation is loaded \(import 'reflect-metadata' before the classes\)\)/,
    )
  })
})
