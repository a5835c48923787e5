import { describe, expect, it } from 'vitest'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import { deltaCheckConstraints, sqlIdentifier, sqlStringLiteral } from './delta-constraints.js'

describe('deltaCheckConstraints', () => {
  const enums = [
    { name: 'Role', values: ['ADMIN', 'MEMBER'] },
    { name: 'Odd', values: ["it's", 'back\\slash'] },
  ]

  it('one IN check per enum field; optional fields allow null; lists check every element', () => {
    const entity = entityIRFor('User', {
      id: 'Int',
      role: 'enum:Role',
      other: 'enum:Odd?',
      roles: 'enum:Role[]?',
    })
    expect(deltaCheckConstraints(entity, enums)).toEqual({
      'delta.constraints.pf_enum_role': "role IN ('ADMIN', 'MEMBER')",
      'delta.constraints.pf_enum_other': "other IS NULL OR other IN ('it\\'s', 'back\\\\slash')",
      'delta.constraints.pf_enum_roles':
        "roles IS NULL OR forall(roles, value -> value IN ('ADMIN', 'MEMBER'))",
    })
  })

  it('quotes column names that are not plain identifiers and keeps names distinct', () => {
    const entity = entityIRFor('T', { id: 'Int', 'my role': 'enum:Role', my_role: 'enum:Role' })
    expect(deltaCheckConstraints(entity, enums)).toEqual({
      'delta.constraints.pf_enum_my_role': "`my role` IN ('ADMIN', 'MEMBER')",
      'delta.constraints.pf_enum_my_role_3': "my_role IN ('ADMIN', 'MEMBER')",
    })
    expect(sqlIdentifier('a`b')).toBe('`a``b`')
    expect(sqlStringLiteral("a'b")).toBe("'a\\'b'")
  })

  it('no enum fields, no constraints', () => {
    expect(deltaCheckConstraints(entityIRFor('T', { id: 'Int', s: 'String' }), enums)).toEqual({})
  })
})
