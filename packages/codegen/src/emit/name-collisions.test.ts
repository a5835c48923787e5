import { afterAll, describe, expect, it } from 'vitest'
import { parseClassSources } from '../classes/parse-classes.js'
import { parseSchema } from '../pfschema/parse-schema.js'
import {
  type CompileDiagnostic,
  makeTempProject,
  removeTempProject,
  typeCheck,
  writeFiles,
} from './__fixtures__/compile-harness.js'
import { generate } from './generate.js'
import { RUNTIME_IMPORTED_NAMES } from './name-collisions.js'

// `pf validate` catches every schema `pf generate` would turn into clashing files or names, and a schema it
// accepts always generates code that compiles.

const entity = (name: string, extra = '') => `entity ${name} ${extra}{ id Int @id }`
const errorsOf = (text: string) => parseSchema(text).diagnostics.filter((d) => d.severity === 'error')

describe('generated names in pf validate', () => {
  it.each([
    [
      'PostTag and Post_Tag share post-tag.ts',
      `${entity('PostTag')}\n${entity('Post_Tag')}`,
      'PF2010',
      'PostTag',
    ],
    [
      'Account and ACCOUNT differ only in case',
      `${entity('Account')}\n${entity('ACCOUNT', '@storage("a2") ')}`,
      'PF2010',
      'Account',
    ],
    ['an entity named Enums takes enums.ts', entity('Enums'), 'PF2010', 'enums.ts'],
    ['an entity named Index takes index.ts', entity('Index'), 'PF2010', 'index.ts'],
    ['User and UserSchema', `${entity('User')}\n${entity('UserSchema')}`, 'PF2011', 'User'],
    ['User and UserCreateInput', `${entity('User')}\n${entity('UserCreateInput')}`, 'PF2011', 'User'],
    ['an enum Role and an entity RoleSchema', `enum Role { A B }\n${entity('RoleSchema')}`, 'PF2011', 'Role'],
    [
      'Entity and PfEntity (the runtime import alias)',
      `${entity('Entity')}\n${entity('PfEntity')}`,
      'PF2011',
      'Entity',
    ],
    ['an enum named z', 'enum z { A B }', 'PF2012', 'zod'],
    ['an enum named enums', 'enum enums { A B }', 'PF2012', 'enums'],
    ['an entity named JsonValue', entity('JsonValue'), 'PF2012', 'JsonValue'],
    [
      'two Avro entities whose .avsc names meet',
      `${entity('A', '@storage("a/b") @format(avro) ')}\n${entity('B', '@storage("a-b") @format(avro) ')}`,
      'PF2010',
      'a-b.avsc',
    ],
    ['a 300-character entity name', entity(`E${'x'.repeat(299)}`), 'PF2013', '300 characters'],
  ])('%s: %s', (_case, text, code, named) => {
    const found = errorsOf(text).filter((d) => d.code === code)
    expect(found, JSON.stringify(errorsOf(text))).toHaveLength(1)
    expect(found[0]?.message).toContain(named)
  })

  it('names both declarations, with the position of the first', () => {
    const [clash] = errorsOf(`${entity('PostTag')}\n${entity('Post_Tag')}`)
    expect(clash).toMatchObject({
      code: 'PF2010',
      span: { line: 2, column: 8 },
      message:
        'entity "Post_Tag" is generated into "post-tag.ts", as is entity "PostTag" (schema.pfschema:1:8)',
    })
  })

  it('checks decorated classes the same way', () => {
    const text = `import { entity, id } from '@parquetframe/runtime'
@entity({ storage: 'a' }) class User { @id('int') id!: number }
@entity({ storage: 'b' }) class UserWhere { @id('int') id!: number }`
    const result = parseClassSources([{ file: 'models.ts', text }])
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['PF2011', 'entity "UserWhere" and entity "User" (models.ts:2:33) both generate the name "UserWhere"'],
    ])
    expect(result.ir).toBeUndefined()
  })

  it('refuses reserved names in decorated classes as in .pfschema (PF2004)', () => {
    const text = `import { entity, field, id } from '@parquetframe/runtime'
@entity({ name: 'Promise', storage: 'p' }) class Later { @id('int') id!: number; @field('string') save!: string }`
    const classes = parseClassSources([{ file: 'models.ts', text }]).diagnostics
    const schema = parseSchema('entity Promise {\n  id Int @id\n  save String\n}').diagnostics
    const summary = (ds: readonly { code: string; message: string }[]) =>
      ds.map((d) => `${d.code} ${d.message}`)
    expect(summary(classes)).toEqual(summary(schema))
    expect(summary(schema)).toEqual([
      'PF2004 entity name "Promise" is reserved: it would shadow a JavaScript global in generated code',
      'PF2004 field name "save" is reserved: it clashes with a member of the generated entity class',
    ])
  })

  it('lists every name generated code imports from the runtime', () => {
    const { ir } = parseSchema(`enum Role { A B }
entity User { id Int @id
  day Date
  role Role
  posts Post[] }
entity Post { code String @id
  userId Int
  user User @relation(foreignKey: userId) }`)
    if (ir === undefined) throw new Error('the schema is valid')
    const imported = new Set<string>()
    for (const code of generate(ir).values())
      for (const m of code.matchAll(/import (?:type )?\{([^}]*)\} from '@parquetframe\/runtime'/g))
        for (const name of (m[1] ?? '').split(',')) imported.add(name.replace(/^\s*type\s+/, '').trim())
    imported.delete('')
    expect([...imported].sort()).toEqual([...RUNTIME_IMPORTED_NAMES].sort())
  })
})

// Every pair of declarations from names that like to clash: what validate accepts must generate code that compiles,
// with one file per entity (none silently dropped).
const POOL: readonly (readonly ['entity' | 'enum', string])[] = [
  ['entity', 'Post'],
  ['entity', 'PostTag'],
  ['entity', 'Post_Tag'],
  ['entity', 'User'],
  ['entity', 'UserSchema'],
  ['entity', 'UserWhere'],
  ['entity', 'Entity'],
  ['entity', 'PfEntity'],
  ['entity', 'EntityIR'],
  ['entity', 'Enums'],
  ['entity', 'Z'],
  ['enum', 'Role'],
  ['enum', 'RoleSchema'],
  ['enum', 'z'],
  ['enum', 'Kind'],
  ['enum', 'User'],
]

describe('a schema pf validate accepts generates code that compiles', () => {
  const dir = makeTempProject('pf-name-collisions-')
  afterAll(() => removeTempProject(dir))

  it('for every pair of clash-prone names', () => {
    const files = new Map<string, string>()
    let accepted = 0
    for (const [i, a] of POOL.entries()) {
      for (const b of POOL.slice(i + 1)) {
        const decls = [a, b]
        const enumName = decls.find(([kind]) => kind === 'enum')?.[1]
        const text = decls
          .map(([kind, name], k) =>
            kind === 'enum'
              ? `enum ${name} { A B }`
              : `entity ${name} @storage("t${k}") { id Int @id${enumName === undefined ? '' : `\n  kind ${enumName}`} }`,
          )
          .join('\n')
        const { ir, diagnostics } = parseSchema(text)
        if (ir === undefined) continue
        accepted++
        const generated = generate(ir)
        const entityFiles = [...generated.keys()].filter(
          (f) => !['enums.ts', 'index.ts', 'json-value.ts'].includes(f),
        )
        expect(entityFiles, `${text}\n${JSON.stringify(diagnostics)}`).toHaveLength(ir.entities.length)
        for (const [p, c] of generated) files.set(`${a[1]}-${b[1]}/${p}`, c)
      }
    }
    expect(accepted).toBeGreaterThan(40)
    const found: CompileDiagnostic[] = typeCheck(
      dir,
      writeFiles(dir, files).filter((p) => p.endsWith('.ts')),
    )
    expect(found.map((d) => `${d.file}:${d.line} TS${d.code} ${d.message}`)).toEqual([])
  })
})
