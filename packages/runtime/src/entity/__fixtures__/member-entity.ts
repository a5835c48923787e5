// The Member entity of the concurrency tests and of the writer processes they spawn, defined once: a test reads the
// `members` table the processes wrote. Member { id Int @id, email String, writer String }.
import type { EntityIR } from '../../schema/schema-ir.js'
import { Entity, EntityRegistry, type RegisterEntityOptions, registerEntity, withRegistry } from '../index.js'

/** Variants of Member. */
export interface MemberOptions {
  /** `@unique email`. Default false. */
  readonly unique?: boolean
  /** An autoincrement id. Default false. */
  readonly auto?: boolean
  /** Default parquet. */
  readonly format?: 'parquet' | 'avro'
}

/** A Member class of its own (a class is registered once per registry). */
export function memberClass() {
  return class Member extends Entity {
    id!: number
    email!: string
    writer!: string
  }
}

const field = (name: string, id: number, type: 'Int' | 'String', unique = false) => ({
  name,
  id,
  column: name,
  type: { kind: 'scalar', name: type } as const,
  optional: false,
  isId: name === 'id',
  unique,
  index: false,
})

/** Member's IR, as generated code registers it. */
export function memberIR(options: MemberOptions = {}): EntityIR {
  const unique = options.unique ?? false
  return {
    name: 'Member',
    storage: 'members',
    format: options.format ?? 'parquet',
    primaryKey: ['id'],
    partitionBy: [],
    fields: [
      options.auto ? { ...field('id', 1, 'Int'), default: { kind: 'autoincrement' } } : field('id', 1, 'Int'),
      field('email', 2, 'String', unique),
      field('writer', 3, 'String'),
    ],
    relations: [],
    indexes: [],
    uniques: unique ? [['email']] : [],
  }
}

/** A Member class registered in a registry of its own. */
export function registeredMember(options: MemberOptions = {}, register: RegisterEntityOptions = {}) {
  const Member = memberClass()
  withRegistry(new EntityRegistry(), () => registerEntity(Member, memberIR(options), [], register))
  return Member
}
