import { Entity } from '@parquetframe/runtime'
import { describe, expect, it } from 'vitest'
import { GENERATED_MEMBER_NAMES, reservedFieldReason } from './reserved-names.js'

/** Every name the runtime's Entity base class defines, on instances (prototype) and on the class (statics). */
function entityMemberNames(): string[] {
  const builtIn = new Set(['length', 'name', 'prototype', 'constructor'])
  return [...Object.getOwnPropertyNames(Entity.prototype), ...Object.getOwnPropertyNames(Entity)].filter(
    (n) => !builtIn.has(n),
  )
}

describe('reserved field names', () => {
  it('include every instance member and static of the runtime Entity base class', () => {
    const names = entityMemberNames()
    expect(names).toEqual(
      expect.arrayContaining(['save', 'delete', 'related', 'repository', 'find', 'stream']),
    )
    expect(names.filter((n) => !GENERATED_MEMBER_NAMES.has(n))).toEqual([])
  })

  it('refuse them as field names, with the reason', () => {
    expect(reservedFieldReason('related')).toBe('it clashes with a member of the generated entity class')
    expect(reservedFieldReason('repository')).toBe('it clashes with a member of the generated entity class')
    expect(reservedFieldReason('title')).toBeUndefined()
  })
})
