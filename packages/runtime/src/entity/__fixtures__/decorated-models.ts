// Decorated classes for the decorator tests. Only types are imported: the runtime comes in as `pf`.
import type * as PF from '../index.js'

type Pf = typeof PF

export function person(pf: Pf) {
  const { entity, field, id, index, unique, listOf, enumOf } = pf
  @entity({ storage: 'people' })
  class Person {
    @id('int') id!: number
    @field('string') @index() name!: string
    @unique('string') email!: string
    @field('bigint') big!: bigint
    @field('datetime') at!: Date
    @field('date?') day!: string | null
    @field(listOf('string')) tags!: string[]
    @field(enumOf('Role', ['ADMIN', 'MEMBER'])) role!: 'ADMIN' | 'MEMBER'
    @field({ type: 'json', optional: true }) meta!: unknown
    @field('bytes') blob!: Uint8Array
    @field({ type: 'float', column: 'score_value', default: 0 }) score!: number
  }
  return Person
}

export function untyped(pf: Pf) {
  const { entity, field, id } = pf
  @entity()
  class NoType {
    @id('int') id!: number
    @field() name!: string
  }
  return NoType
}

export function unknownKey(pf: Pf) {
  const { entity, field } = pf
  @entity({ primaryKey: 'nonexistent_id' })
  class OnlyName {
    @field('string') name!: string
  }
  return OnlyName
}

export function noKey(pf: Pf) {
  const { entity, field } = pf
  @entity()
  class NoKey {
    @field('string') name!: string
  }
  return NoKey
}

export function badType(pf: Pf) {
  const { entity, field, id } = pf
  @entity()
  class BadType {
    @id('int') id!: number
    // @ts-expect-error: not a type name
    @field('varchar') name!: string
  }
  return BadType
}

export function missingForeignKey(pf: Pf) {
  const { entity, id, rel } = pf
  @entity()
  class Orphanage {
    @id('int') id!: number
    @rel('User', { foreignKey: 'userId' }) user!: () => Promise<object | null>
  }
  return Orphanage
}

export function empty(pf: Pf) {
  const { entity } = pf
  @entity()
  class Empty {}
  return Empty
}

export function twin(pf: Pf, storage: string) {
  const { entity, id } = pf
  @entity({ storage })
  class Twin {
    @id('int') id!: number
  }
  return Twin
}

export function library(pf: Pf) {
  const { entity, id, rel } = pf
  @entity()
  class Library {
    @id('int') id!: number
    @rel('Book', { foreignKey: 'libraryId', reverse: true }) books!: () => Promise<object[]>
  }
  return Library
}

/** Types from `design:type` (legacy decorators with emitDecoratorMetadata and a reflect-metadata implementation). */
export function designTyped(pf: Pf) {
  const { entity, field, id } = pf
  @entity()
  class Designed {
    @id() id!: number
    @field() name!: string
    @field() active!: boolean
    @field() at!: Date
    @field() big!: bigint
    @field() blob!: Uint8Array
  }
  return Designed
}

/** A plain number field: int or float, which design:type cannot tell. */
export function ambiguousNumber(pf: Pf) {
  const { entity, field, id } = pf
  @entity()
  class Ambiguous {
    @id() id!: number
    @field() score!: number
  }
  return Ambiguous
}
