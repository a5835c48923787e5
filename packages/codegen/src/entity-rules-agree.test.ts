import { ts } from 'ts-morph'
import { describe, expect, it } from 'vitest'
import { parseClassSources } from './classes/parse-classes.js'
import { parseSchema } from './pfschema/parse-schema.js'

// One rule set: every broken declaration below gets the same verdict (the same code, and for the shared rules the
// same message) from `pf validate` on a .pfschema, from `pf validate --classes` on decorated classes, and from
// the runtime when the same classes run (their decorators call registerEntity).

interface Fixture {
  readonly name: string
  readonly pfschema: string
  /** Class declarations; each field spells its storage type, as classes run under tsx/esbuild must. */
  readonly classes: string
  readonly code: string
}

const fixtures: readonly Fixture[] = [
  {
    name: 'a DateTime primary key',
    pfschema: 'entity Event { at DateTime @id }',
    classes: "@entity() class Event { @id('datetime') at!: Date }",
    code: 'PF3004',
  },
  {
    name: 'a Decimal primary key',
    pfschema: 'entity Price { amount Decimal @id }',
    classes: "@entity() class Price { @id('decimal') amount!: string }",
    code: 'PF3004',
  },
  {
    name: 'an optional primary key',
    pfschema: 'entity Tag { id String? @id }',
    classes: "@entity() class Tag { @id('string?') id!: string | null }",
    code: 'PF3003',
  },
  {
    name: 'no primary key',
    pfschema: 'entity Note { text String }',
    classes: "@entity() class Note { @field('string') text!: string }",
    code: 'PF3001',
  },
  {
    name: 'two primary keys',
    pfschema: 'entity Pair {\n  a Int @id\n  b Int @id\n}',
    classes: "@entity() class Pair { @id('int') a!: number; @id('int') b!: number }",
    code: 'PF3002',
  },
  {
    name: 'two fields in one column',
    pfschema: 'entity Row {\n  id Int @id\n  name String @map("id")\n}',
    classes:
      "@entity() class Row { @id('int') id!: number; @field({ type: 'string', column: 'id' }) name!: string }",
    code: 'PF3012',
  },
  {
    name: 'an index naming an unknown field',
    pfschema: 'entity Log {\n  id Int @id\n  @@index([nope])\n}',
    classes: "@entity({ indexes: [['nope']] }) class Log { @id('int') id!: number }",
    code: 'PF3010',
  },
  {
    name: 'partitioning by an unknown field',
    pfschema: 'entity Log @partitionBy(dayy) {\n  id Int @id\n  day Date\n}',
    classes:
      "@entity({ partitionBy: ['dayy'] }) class Log { @id('int') id!: number; @field('date') day!: string }",
    code: 'PF3011',
  },
  {
    name: 'partitioning by a Json field',
    pfschema: 'entity Log @partitionBy(meta) {\n  id Int @id\n  meta Json\n}',
    classes:
      "@entity({ partitionBy: ['meta'] }) class Log { @id('int') id!: number; @field('json') meta!: unknown }",
    code: 'PF3014',
  },
  {
    name: 'a unique Json field',
    pfschema: 'entity Doc {\n  id Int @id\n  meta Json @unique\n}',
    classes: "@entity() class Doc { @id('int') id!: number; @unique('json') meta!: unknown }",
    code: 'PF3017',
  },
  {
    name: 'now() on a String field',
    pfschema: 'entity Doc {\n  id Int @id\n  at String @default(now())\n}',
    classes:
      "@entity() class Doc { @id('int') id!: number; @field({ type: 'string', default: { kind: 'now' } }) at!: string }",
    code: 'PF3007',
  },
  {
    name: 'a storage path leaving the base',
    pfschema: 'entity Leak @storage("../../x") { id Int @id }',
    classes: "@entity({ storage: '../../x' }) class Leak { @id('int') id!: number }",
    code: 'PF5002',
  },
  {
    name: 'an absolute storage path',
    pfschema: 'entity Abs @storage("/var/data/abs") { id Int @id }',
    classes: "@entity({ storage: '/var/data/abs' }) class Abs { @id('int') id!: number }",
    code: 'PF5001',
  },
  {
    name: 'a storage path with a backslash',
    pfschema: 'entity Win @storage("data\\\\win") { id Int @id }',
    classes: "@entity({ storage: 'data\\\\win' }) class Win { @id('int') id!: number }",
    code: 'PF5005',
  },
  {
    name: 'a storage path with a space',
    pfschema: 'entity Spaced @storage("my table") { id Int @id }',
    classes: "@entity({ storage: 'my table' }) class Spaced { @id('int') id!: number }",
    code: 'PF5005',
  },
  {
    name: 'one table folder inside another',
    pfschema:
      'entity User @storage("users") { id Int @id }\nentity Archived @storage("users/archive") { id Int @id }',
    classes:
      "@entity({ storage: 'users' }) class User { @id('int') id!: number }\n@entity({ storage: 'users/archive' }) class Archived { @id('int') id!: number }",
    code: 'PF5004',
  },
  {
    name: 'two tables in one folder (ignoring case)',
    pfschema: 'entity A @storage("t") { id Int @id }\nentity B @storage("T") { id Int @id }',
    classes:
      "@entity({ storage: 't' }) class A { @id('int') id!: number }\n@entity({ storage: 'T' }) class B { @id('int') id!: number }",
    code: 'PF5003',
  },
]

const IMPORTS = "import { entity, field, id, unique } from '@parquetframe/runtime'\n"

/** Runs class declarations as tsc compiles them (standard decorators) in a fresh registry; the error they throw. */
async function runClasses(classes: string): Promise<unknown> {
  const runtime = await import('@parquetframe/runtime')
  const out = ts.transpileModule(IMPORTS + classes, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  })
  const require = (id: string) => {
    if (id === '@parquetframe/runtime') return runtime
    throw new Error(`fixtures may import only the runtime, not ${id}`)
  }
  try {
    runtime.withRegistry(new runtime.EntityRegistry(), () => {
      new Function('exports', 'require', out.outputText)({}, require)
    })
  } catch (error) {
    return error
  }
  return undefined
}

const errors = (diagnostics: readonly { severity: string; code: string; message: string }[]) =>
  diagnostics.filter((d) => d.severity === 'error')

describe('one rule set for .pfschema, decorated classes and the runtime', () => {
  it.each(fixtures)('$name: $code from all three', async ({ pfschema, classes, code }) => {
    const fromSchema = errors(parseSchema(pfschema).diagnostics)
    expect(fromSchema.map((d) => d.code)).toEqual([code])
    const fromClasses = errors(
      parseClassSources([{ file: 'models.ts', text: IMPORTS + classes }]).diagnostics,
    )
    expect(fromClasses.map((d) => d.code)).toEqual([code])
    const thrown = await runClasses(classes)
    expect(thrown).toMatchObject({ code: 'PF_ENTITY_DECLARATION', rule: code })
    // The shared rules speak with one voice (.pfschema words its own default literals, PF3005-PF3009).
    expect((thrown as Error).message).toBe(`${code}: ${fromClasses[0]?.message}`)
    if (code !== 'PF3007') expect(fromSchema[0]?.message).toBe(fromClasses[0]?.message)
  })

  it('accepts what all three accept: nested folders, enum and String keys', async () => {
    const pfschema = `enum Kind { A B }
entity Item @storage("shop/items") { id String @id }
entity Mark @storage("shop/marks") { kind Kind @id }`
    const classes = `@entity({ storage: 'shop/items' }) class Item { @id('string') id!: string }
@entity({ storage: 'shop/marks' }) class Mark { @id(enumOf('Kind', ['A', 'B'])) kind!: 'A' | 'B' }`
    expect(parseSchema(pfschema).diagnostics).toEqual([])
    const text = `import { enumOf } from '@parquetframe/runtime'\n${classes}`
    expect(parseClassSources([{ file: 'models.ts', text: IMPORTS + text }]).diagnostics).toEqual([])
    expect(await runClasses(text)).toBeUndefined()
  })
})
