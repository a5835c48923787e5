import { describe, expect, it } from 'vitest'
import { parseSchema } from './parse-schema.js'

const codes = (text: string) => parseSchema(text, 't.pfschema').diagnostics.map((d) => d.code)

// Each case: a schema with exactly one problem, and the one code it must produce.
const cases: [string, string, string][] = [
  ['unknown type', 'entity A { id Int @id\n x Strin }', 'PF2005'],
  ['duplicate entity', 'entity A { id Int @id }\nentity A { id Int @id }', 'PF2001'],
  ['entity and enum share a name', 'enum A { X }\nentity A { id Int @id }', 'PF2001'],
  ['duplicate field', 'entity A { id Int @id\n id String }', 'PF2002'],
  ['duplicate enum value', 'enum E { X X }', 'PF2003'],
  ['reserved field name', 'entity A { id Int @id\n delete Int }', 'PF2004'],
  ['Entity base member as field name', 'entity A { id Int @id\n related Int }', 'PF2004'],
  [
    'Entity base member as relation name',
    'entity A { id Int @id\n repository B[] }\nentity B { id Int @id\n aId Int }',
    'PF2004',
  ],
  ['JS reserved field name', 'entity A { id Int @id\n class Int }', 'PF2004'],
  ['reserved entity name', 'entity Promise { id Int @id }', 'PF2004'],
  ['scalar name as entity name', 'entity String { id Int @id }', 'PF2004'],
  ['empty enum', 'enum E { }', 'PF2006'],
  ['lower-case entity name', 'entity user { id Int @id }', 'PF2007'],
  ['list of lists', 'entity A { id Int @id\n x Int[][] }', 'PF2008'],
  ['missing @id', 'entity A { x Int }', 'PF3001'],
  ['two @id', 'entity A { id Int @id\n other Int @id }', 'PF3002'],
  ['optional @id', 'entity A { id Int? @id }', 'PF3003'],
  ['Json @id', 'entity A { id Json @id }', 'PF3004'],
  ['wrong default type', 'entity A { id Int @id\n x Int @default("a") }', 'PF3005'],
  ['fractional default on Int', 'entity A { id Int @id\n x Int @default(1.5) }', 'PF3005'],
  ['null default on required field', 'entity A { id Int @id\n x Int @default(null) }', 'PF3005'],
  ['bad Date default', 'entity A { id Int @id\n x Date @default("2024-02-30") }', 'PF3005'],
  ['bad Json default', 'entity A { id Int @id\n x Json @default("{") }', 'PF3005'],
  ['enum default not a value', 'enum E { X Y }\nentity A { id Int @id\n e E @default(Z) }', 'PF3006'],
  ['now() on Int', 'entity A { id Int @id\n x Int @default(now()) }', 'PF3007'],
  ['autoincrement() on String', 'entity A { id String @id @default(autoincrement()) }', 'PF3008'],
  ['uuid() on Int', 'entity A { id Int @id @default(uuid()) }', 'PF3009'],
  ['@@index unknown field', 'entity A { id Int @id\n @@index([nme]) }', 'PF3010'],
  ['@partitionBy unknown field', 'entity A @partitionBy(day) { id Int @id }', 'PF3011'],
  ['duplicate column', 'entity A { id Int @id\n x Int @map("id") }', 'PF3012'],
  [
    '@unique on relation',
    'entity A { id Int @id\n bId Int\n b B @unique }\nentity B { id Int @id }',
    'PF3013',
  ],
  ['partition by Json', 'entity A @partitionBy(j) { id Int @id\n j Json }', 'PF3014'],
  ['default on list', 'entity A { id Int @id\n x Int[] @default(1) }', 'PF3015'],
  ['partition by @id', 'entity A @partitionBy(id) { id Int @id }', 'PF3016'],
  ['@index on Json', 'entity A { id Int @id\n j Json @index }', 'PF3017'],
  ['@relation on a scalar', 'entity A { id Int @id\n x Int @relation(foreignKey: id) }', 'PF4001'],
  ['relation key cannot be inferred', 'entity A { id Int @id\n b B }\nentity B { id Int @id }', 'PF4002'],
  [
    'foreign key missing',
    'entity A { id Int @id\n b B @relation(foreignKey: bId) }\nentity B { id Int @id }',
    'PF4003',
  ],
  [
    'foreign key type mismatch',
    'entity A { id Int @id\n bId String\n b B @relation(foreignKey: bId) }\nentity B { id Int @id }',
    'PF4004',
  ],
  [
    'references missing',
    'entity A { id Int @id\n bId Int\n b B @relation(foreignKey: bId, references: code) }\nentity B { id Int @id }',
    'PF4005',
  ],
  [
    'optional list relation',
    'entity A { id Int @id\n bs B[]? }\nentity B { id Int @id\n aId Int }',
    'PF4006',
  ],
  [
    'many-to-many without join entity',
    'entity A { id Int @id\n bId Int\n bs B[] @relation(foreignKey: bId) }\nentity B { id Int @id }',
    'PF4007',
  ],
  [
    'foreign key is a list',
    'entity A { id Int @id\n bId Int[]\n b B @relation(foreignKey: bId) }\nentity B { id Int @id }',
    'PF4008',
  ],
  [
    'references a non-unique field',
    'entity A { id Int @id\n bName String\n b B @relation(foreignKey: bName, references: name) }\nentity B { id Int @id\n name String }',
    'PF4009',
  ],
  ['absolute storage', 'entity A @storage("/data/a") { id Int @id }', 'PF5001'],
  ['storage escaping the base', 'entity A @storage("x/../../a") { id Int @id }', 'PF5002'],
  [
    'duplicate storage',
    'entity A @storage("t") { id Int @id }\nentity B @storage("./t/") { id Int @id }',
    'PF5003',
  ],
  [
    'nested storage',
    'entity A @storage("t") { id Int @id }\nentity B @storage("t/b") { id Int @id }',
    'PF5004',
  ],
  ['empty storage', 'entity A @storage(".") { id Int @id }', 'PF5005'],
  ['unknown field attribute', 'entity A { id Int @id @primary }', 'PF1101'],
  ['entity attribute on a field', 'entity A { id Int @id @storage("a") }', 'PF1102'],
  ['duplicate attribute', 'entity A { id Int @id @id }', 'PF1103'],
  ['@storage without a string', 'entity A @storage(a) { id Int @id }', 'PF1104'],
  ['unknown config key', 'config { storge = "./d" }', 'PF1105'],
  ['config value of the wrong kind', 'config { output = out }', 'PF1106'],
  ['two config blocks', 'config { }\nconfig { }', 'PF1107'],
  ['unknown format', 'entity A @format(csv) { id Int @id }', 'PF1108'],
]

describe('semantic checks', () => {
  it.each(cases)('%s', (_name, text, code) => {
    expect(codes(text)).toEqual([code])
  })

  it('accepts a schema that uses every construct', () => {
    const text = `
config { storage = "./data"  format = avro  output = "./gen" }
enum Role { ADMIN MEMBER }
entity User @storage("people/users") @format(parquet) @partitionBy(role) {
  id      BigInt   @id @default(autoincrement())
  key     String   @unique @default(uuid())
  role    Role     @default(ADMIN)
  score   Float    @default(-1.5e3)
  money   Decimal  @default(12.50)
  born    Date     @default("2000-01-31")
  seen    DateTime @default("2024-05-01T10:00:00Z")
  meta    Json     @default("{\\"a\\": 1}")
  ok      Boolean  @default(true)
  note    String?  @default(null)
  tags    String[]
  blob    Bytes?
  posts   Post[]
  @@index([role, born])
  @@unique([key, role])
}
entity Post {
  id     Int    @id
  userId BigInt @map("user_id")
  user   User   @relation(foreignKey: userId)
}`
    expect(parseSchema(text).diagnostics).toEqual([])
  })
})
