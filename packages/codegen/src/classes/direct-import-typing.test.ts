// `directImport`: the classes judged as the runtime types them when they are imported directly (PF6207).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readDecoratorSetup } from './decorator-setup.js'
import { parseClassSources } from './parse-classes.js'

const MODELS = `import { entity, field, id, unique } from '@parquetframe/runtime'
@entity()
export class Account {
  @id() id!: number
  @unique() email!: string
  @field() active!: boolean
  @field() createdAt!: Date
  @field() nick?: string
  @field() tags!: string[]
  @field() role!: 'ADMIN' | 'MEMBER'
  @field('int') visits!: number
  @field() note = 'x'
}
`

function findings(directImport?: { designTypes: boolean; tsconfig: string | undefined }) {
  const { diagnostics } = parseClassSources(
    [{ file: 'models.ts', text: MODELS }],
    directImport === undefined ? {} : { directImport },
  )
  return diagnostics.map((d) => `${d.code} ${d.message} | ${d.hint ?? ''}`)
}

describe('classes imported directly', () => {
  it('are not judged so by default: generated code registers the inferred types itself', () => {
    expect(findings()).toEqual([])
  })

  it('without design-time metadata, every field without an explicit type is an error naming what to write', () => {
    const found = findings({ designTypes: false, tsconfig: 'tsconfig.json' })
    const why =
      'tsconfig.json does not turn on both experimentalDecorators and emitDecoratorMetadata, so no design-time type metadata; tsx, esbuild and standard decorators never emit it'
    const fix = (spec: string) =>
      `write it in the decorator: ${spec}; or import the code \`pf generate --classes\` writes instead of these classes: it registers the types itself`
    const at = (field: string, spec: string) =>
      `PF6207 Account.${field}: imported directly, the runtime cannot tell this field's storage type (${why}) | ${fix(spec)}`
    expect(found).toEqual([
      at('id', "@id('int')"),
      at('email', "@unique('string')"),
      at('active', "@field('boolean')"),
      at('createdAt', "@field('datetime')"),
      at('nick', "@field('string?')"),
      at('tags', "@field(listOf('string'))"),
      at('role', "@field(enumOf('AccountRole', ['ADMIN', 'MEMBER']))"),
      at('note', "@field('string')"),
    ])
  })

  it('with design-time metadata (tsc, emitDecoratorMetadata), only what design:type cannot carry is an error', () => {
    const found = findings({ designTypes: true, tsconfig: 'tsconfig.json' })
    expect(found.map((f) => f.split(' | ')[0])).toEqual([
      "PF6207 Account.tags: imported directly, the runtime cannot tell this field's storage type (design:type of an array is Array)",
      "PF6207 Account.note: imported directly, the runtime cannot tell this field's storage type (without a type annotation design:type is Object)",
    ])
  })

  it('reads the setup from the nearest tsconfig.json, following extends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pf-decorator-setup-'))
    try {
      expect(readDecoratorSetup(dir).designTypes).toBe(false)
      writeFileSync(
        join(dir, 'tsconfig.base.json'),
        JSON.stringify({ compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true } }),
      )
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: './tsconfig.base.json' }))
      expect(readDecoratorSetup(dir)).toEqual({ designTypes: true, tsconfig: 'tsconfig.json' })
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          extends: './tsconfig.base.json',
          compilerOptions: { emitDecoratorMetadata: false },
        }),
      )
      expect(readDecoratorSetup(dir)).toEqual({ designTypes: false, tsconfig: 'tsconfig.json' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a number field without int or float', () => {
  it('is told to write its own decorator with the type: @unique(...) for a @unique field', () => {
    const { diagnostics } = parseClassSources([
      {
        file: 'models.ts',
        text: `import { entity, id, unique } from '@parquetframe/runtime'
@entity()
export class Badge {
  @id('int') id!: number
  @unique() rank!: number
}
`,
      },
    ])
    expect(diagnostics.map((d) => [d.code, d.hint])).toEqual([
      ['PF6202', "give the storage type, e.g. @unique('int') or @unique('float')"],
    ])
  })
})
