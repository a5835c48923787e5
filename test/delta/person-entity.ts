import { parseSchema } from '@parquetframe/codegen'
import {
  type DateOnly,
  Entity,
  type EntityRegistry,
  registerEntity,
  withRegistry,
} from '@parquetframe/runtime'

/** A partitioned entity with every stored type, as a user writes it in a .pfschema. */
export const PERSON_SCHEMA = `
enum Role { ADMIN MEMBER }

entity Person @storage("people") @partitionBy(region) {
  id     Int @id
  name   String
  region String?
  role   Role
  price  Decimal?
  born   Date?
  at     DateTime?
  tags   String[]?
  blob   Bytes?
  big    BigInt?
  ok     Boolean?
  score  Float?
  meta   Json?
}`

/** What generated code declares for Person. */
export class Person extends Entity {
  declare id: number
  declare name: string
  declare region: string | null
  declare role: 'ADMIN' | 'MEMBER'
  declare price: string | null
  declare born: DateOnly | null
  declare at: Date | null
  declare tags: string[] | null
  declare blob: Uint8Array | null
  declare big: bigint | null
  declare ok: boolean | null
  declare score: number | null
  declare meta: unknown
}

/** Registers Person in `registry` with the IR of PERSON_SCHEMA, as generated code does with its own. */
export function registerPerson(registry: EntityRegistry): void {
  const parsed = parseSchema(PERSON_SCHEMA)
  const entity = parsed.ir?.entities[0]
  if (!parsed.ir || !entity) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'))
  const { enums } = parsed.ir
  withRegistry(registry, () => registerEntity(Person, entity, enums))
}
