import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseClasses, parseClassSources } from './parse-classes.js'

const IMPORTS = "import { entity, field, id, rel } from '@parquetframe/runtime'\n"

describe('parseClasses on files and globs', () => {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pf-classes-'))
    mkdirSync(join(dir, 'models'))
    writeFileSync(join(dir, 'types.ts'), "export type Kind = 'A' | 'B'\n")
    writeFileSync(
      join(dir, 'models', 'b-thing.ts'),
      `${IMPORTS}import type { Kind } from '../types.js'\n@entity() export class Thing { @id() id!: string; @field() kind!: Kind }\n`,
    )
    writeFileSync(
      join(dir, 'models', 'a-owner.ts'),
      `${IMPORTS}@entity() export class Owner { @id() id!: string; @rel('Thing', { foreignKey: 'id', reverse: true }) things!: unknown }\n`,
    )
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads a glob in path order, following imports to files outside it', () => {
    const result = parseClasses('models/*.ts', { cwd: dir })
    expect(result.diagnostics).toEqual([])
    expect(result.ir?.entities.map((e) => e.name)).toEqual(['Owner', 'Thing'])
    expect(result.ir?.enums.map((e) => `${e.name} ${e.values.join(',')}`)).toEqual(['Kind A,B'])
    expect(result.ir?.sources?.map((s) => s.replace(/\\/g, '/').slice(-18))).toEqual(
      ['models/a-owner.ts', 'models/b-thing.ts'].map((s) => s.padStart(18, '/')),
    )
  })

  it('names files as given in spans and sources', () => {
    const result = parseClasses(['models/b-thing.ts'], { cwd: dir })
    expect(result.ir?.sources).toEqual(['models/b-thing.ts'])
    expect(result.ir?.entities[0]?.span?.file).toBe('models/b-thing.ts')
    expect(result.sources.get('models/b-thing.ts')).toBe(
      readFileSync(join(dir, 'models', 'b-thing.ts'), 'utf8'),
    )
  })

  it('reports a missing file and a glob that matches nothing', () => {
    const result = parseClasses(['models/nope.ts', 'other/*.ts'], { cwd: dir })
    expect(result.ir).toBeUndefined()
    expect(result.diagnostics.map((d) => `${d.code} ${d.span.file}: ${d.message}`)).toEqual([
      'PF6001 models/nope.ts: cannot read classes from "models/nope.ts": no such file',
      'PF6001 other/*.ts: cannot read classes from "other/*.ts": no file matches',
    ])
  })
})

describe.each(['post.ts', 'user.ts', 'post-tag.ts'])('parseClassSources on a damaged %s', (name) => {
  const blog = readFileSync(join(import.meta.dirname, '__fixtures__', 'blog', name), 'utf8')
  const edit = fc.record({
    at: fc.nat({ max: blog.length }),
    cut: fc.nat({ max: 12 }),
    insert: fc.constantFrom(
      '',
      '(',
      ')',
      '{',
      '}',
      '@',
      "'",
      '`',
      '?',
      ': number',
      ' | null',
      'rel(',
      '[]',
      '\n',
      'extends ',
      '=> ',
      '...',
      'static ',
      'enumOf(',
      ', ',
    ),
  })

  it('never throws, and keeps every diagnostic inside the text', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        let text = blog
        for (const e of edits) {
          const at = Math.min(e.at, text.length)
          text = text.slice(0, at) + e.insert + text.slice(at + e.cut)
        }
        const result = parseClassSources([{ file: name, text }])
        const lines = text.split('\n')
        for (const d of result.diagnostics) {
          expect(d.span.file).toBe(name)
          expect(d.span.line).toBeGreaterThanOrEqual(1)
          expect(d.span.line).toBeLessThanOrEqual(lines.length)
          expect(d.span.column).toBeGreaterThanOrEqual(1)
          expect(d.span.length).toBeGreaterThanOrEqual(1)
        }
      }),
      { numRuns: Number(process.env.PF_FUZZ_RUNS ?? 40) },
    )
  })
})

describe("decimal precision and scale in decorated classes (@field('decimal', { precision, scale }))", () => {
  const parse = (fields: string) =>
    parseClassSources([
      {
        file: 'order.ts',
        text: `${IMPORTS}@entity() export class Order {\n  @id() id!: number\n${fields}\n}\n`,
      },
    ])

  it('the IR carries the declared precision and scale, else the default, as the .pfschema front-end does', () => {
    const result = parse(
      [
        "  @field('decimal', { precision: 10, scale: 2 }) price!: string",
        "  @field({ type: 'decimal?', precision: 12 }) whole?: string | null",
        "  @field('decimal') any!: string",
      ].join('\n'),
    )
    expect(result.diagnostics).toEqual([])
    expect(result.ir?.entities[0]?.fields.slice(1).map((f) => f.type)).toEqual([
      { kind: 'scalar', name: 'Decimal', precision: 10, scale: 2 },
      { kind: 'scalar', name: 'Decimal', precision: 12, scale: 0 },
      { kind: 'scalar', name: 'Decimal', precision: 38, scale: 18 },
    ])
  })

  it('refuses a precision out of range, precision on another type and a non-number option', () => {
    const result = parse(
      [
        "  @field('decimal', { precision: 39, scale: 2 }) price!: string",
        "  @field('string', { scale: 2 }) name!: string",
        "  @field('decimal', { precision: '10' }) other!: string",
      ].join('\n'),
    )
    expect(result.ir).toBeUndefined()
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      'PF2014 Order.price: Decimal(39, 2) has precision 39, not 1..38',
      'PF2014 Order.name: String takes no precision or scale',
      'PF6103 option "precision" of @field() expects a whole number',
    ])
  })
})
