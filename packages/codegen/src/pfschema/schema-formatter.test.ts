import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseSchema } from './parse-schema.js'
import { lexPfschema } from './pfschema-lexer.js'
import { formatSchema } from './schema-formatter.js'

function format(text: string): string {
  const result = formatSchema(text)
  if (!result.ok)
    throw new Error(`unexpected syntax errors: ${result.diagnostics.map((d) => d.message).join('; ')}`)
  return result.text
}

const MESSY = `// Blog schema
config { storage = "./data"  format = parquet  output = "./src/generated" }
enum Role { ADMIN
  MEMBER } // roles



/// A person.
entity User @storage( "users" ) { // the users table
  id Int @id // key
  /// Display name.
  name String @index
  email    String @unique   @map("e_mail")


  // about role
  role Role @default(MEMBER)
  tags String[]
  posts Post[] @relation(foreignKey: authorId, // multi-line
    references: id)
  @@index([ name,email ])
  // dangling
}
entity Empty { }
entity Post { id Int @id
  authorId Int
  author User @relation(foreignKey: authorId) }
// end of file
`

describe('formatSchema', () => {
  it('aligns columns, normalises spacing and keeps every comment', () => {
    expect(format(MESSY)).toMatchInlineSnapshot(`
      "// Blog schema
      config {
        storage = "./data"
        format  = parquet
        output  = "./src/generated"
      }

      enum Role { ADMIN MEMBER } // roles

      /// A person.
      entity User @storage("users") { // the users table
        id    Int      @id // key
        /// Display name.
        name  String   @index
        email String   @unique @map("e_mail")

        // about role
        role  Role     @default(MEMBER)
        tags  String[]
        posts Post[]   @relation(foreignKey: authorId, references: id) // multi-line
        @@index([name, email])
        // dangling
      }

      entity Empty {}

      entity Post {
        id       Int  @id
        authorId Int
        author   User @relation(foreignKey: authorId)
      }

      // end of file
      "
    `)
  })

  it('is idempotent', () => {
    const once = format(MESSY)
    expect(format(once)).toBe(once)
  })

  it('keeps the comment count and the meaning (same IR, same diagnostics)', () => {
    const once = format(MESSY)
    expect(lexPfschema(once, 'f').comments.map((c) => c.text.replace(/\s+/g, ' '))).toEqual(
      lexPfschema(MESSY, 'f').comments.map((c) => c.text.replace(/\s+/g, ' ')),
    )
    const strip = (text: string) =>
      JSON.stringify(parseSchema(text).ir, (k, v) => (k === 'span' ? undefined : v))
    expect(strip(once)).toBe(strip(MESSY))
  })

  it('breaks enums with comments or too many values over lines', () => {
    expect(format('enum E { A // first\n B }')).toBe('enum E {\n  A // first\n  B\n}\n')
    const many = Array.from({ length: 20 }, (_, i) => `VALUE_${i}`)
    expect(format(`enum E { ${many.join(' ')} }`).split('\n')).toHaveLength(many.length + 3)
  })

  it('escapes strings canonically and drops empty attribute parentheses', () => {
    expect(format('entity A @storage("a\\tb") { id Int @id()\n s String @default("q\\"uote\\\\") }')).toBe(
      'entity A @storage("a\\tb") {\n  id Int    @id\n  s  String @default("q\\"uote\\\\")\n}\n',
    )
  })

  it('formats an empty or comment-only file', () => {
    expect(format('')).toBe('')
    expect(format('\n\n// only a comment\n\n')).toBe('// only a comment\n')
  })

  it('refuses text with syntax errors and returns them', () => {
    const result = formatSchema('entity A {\n  id Int @id(\n}', 'a.pfschema')
    expect(result.ok).toBe(false)
    expect(result.ok ? [] : result.diagnostics.map((d) => d.code)).toEqual(['PF1009'])
  })

  it('formats semantically broken schemas (only syntax stops it)', () => {
    expect(format('entity A { x Strng }')).toBe('entity A {\n  x Strng\n}\n')
  })

  it('leaves the samples and the broken-schema corpus stable', () => {
    const samples = join(import.meta.dirname, '..', '..', '..', '..', 'schema', 'samples')
    for (const name of readdirSync(samples).filter((f) => f.endsWith('.pfschema'))) {
      const text = readFileSync(join(samples, name), 'utf8')
      expect(format(text), name).toBe(text)
    }
    const broken = join(import.meta.dirname, '__fixtures__', 'broken')
    for (const name of readdirSync(broken).filter((f) => f.endsWith('.pfschema'))) {
      const result = formatSchema(readFileSync(join(broken, name), 'utf8'))
      if (result.ok) expect(format(result.text), name).toBe(result.text)
    }
  })
})

describe('formatSchema: type arguments', () => {
  it('prints Decimal(precision, scale) with one space after the comma, and keeps the IR', () => {
    const text =
      'entity Order {\n  id Int @id\n  price Decimal( 10 ,2 )? @default(1.5)\n  amounts Decimal(5)[]\n}\n'
    const formatted = format(text)
    expect(formatted).toContain('price   Decimal(10, 2)? @default(1.5)')
    expect(formatted).toContain('amounts Decimal(5)[]')
    expect(parseSchema(formatted).ir).toEqual(
      parseSchema(text).ir === undefined ? undefined : expect.anything(),
    )
    expect(parseSchema(formatted).ir?.entities[0]?.fields.map((f) => f.type)).toEqual(
      parseSchema(text).ir?.entities[0]?.fields.map((f) => f.type),
    )
    expect(format(formatted)).toBe(formatted)
  })
})
