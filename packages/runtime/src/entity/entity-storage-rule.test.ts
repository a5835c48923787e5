import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import * as pf from '../index.js'
import type { EntityIR } from '../schema/schema-ir.js'
import { entityIRFor } from './__fixtures__/test-ir.js'

// registerEntity and the store refuse table folders outside the base, as `pf validate` does (PF5001/2/5), and
// refuse a table folder inside another entity's (PF5004): vacuum and scans of the outer table would see the inner.

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true, maxRetries: 5 })
})

/** A base directory two levels down in a fresh temp dir, so `../../x` would land inside the temp dir. */
function nestedBase(): { root: string; base: string } {
  const root = mkdtempSync(join(tmpdir(), 'pf-storage-rule-'))
  dirs.push(root)
  return { root, base: join(root, 'a', 'b') }
}

const declare = (storage: string) => {
  class Leaky {}
  return () =>
    pf.withRegistry(new pf.EntityRegistry(), () =>
      pf.registerEntity(Leaky, entityIRFor('Leaky', { id: 'Int', name: 'String' }, { storage })),
    )
}

describe('the storage-path rule in the runtime', () => {
  it.each([
    ['../../x', 'PF5002'],
    ['x/../../../y', 'PF5002'],
    ['/etc/pf', 'PF5001'],
    ['C:/data', 'PF5001'],
    ['a\\..\\..\\b', 'PF5005'],
    ['a//b', 'PF5005'],
    ['./users', 'PF5005'],
    ['users/', 'PF5005'],
    ['bad name', 'PF5005'],
    ['nul', 'PF5005'],
    ['x'.repeat(101), 'PF5005'],
    ['', 'PF5005'],
  ])('registerEntity refuses storage %j with %s', (storage, rule) => {
    expect(declare(storage)).toThrow(pf.EntityDeclarationError)
    try {
      declare(storage)()
    } catch (error) {
      expect(error).toMatchObject({ code: 'PF_ENTITY_DECLARATION', rule })
      expect((error as Error).message.startsWith(`${rule}: storage path`)).toBe(true)
    }
  })

  it('accepts nested relative folders of portable names', () => {
    expect(declare('archive/2024_q1/users-v2.0')).not.toThrow()
  })

  it('writes nothing outside the base, even for an IR changed after registration', async () => {
    const { root, base } = nestedBase()
    const ir: { -readonly [K in keyof EntityIR]: EntityIR[K] } = {
      ...entityIRFor('Escapee', { id: 'Int', name: 'String' }, { storage: 'escapee' }),
    }
    class Escapee extends pf.Entity {}
    const store = pf.openStore(base)
    pf.withRegistry(new pf.EntityRegistry(), () => pf.registerEntity(Escapee, ir))
    ir.storage = '../../x'
    const repo = store.repository(Escapee)
    await expect(repo.save(Object.assign(new Escapee(), { id: 1, name: 'a' }))).rejects.toMatchObject({
      rule: 'PF5002',
    })
    expect(existsSync(join(root, 'x'))).toBe(false)
    expect(readdirSync(root)).toEqual([])
  })

  it('refuses a table folder inside (or around) another entity table folder', () => {
    const registry = new pf.EntityRegistry()
    class Users {}
    class Archive {}
    class Outer {}
    class Twin {}
    registry.register(Users, entityIRFor('User', { id: 'Int' }, { storage: 'users' }))
    expect(() =>
      registry.register(Archive, entityIRFor('Archive', { id: 'Int' }, { storage: 'users/archive' })),
    ).toThrow('PF5004: table folder "users/archive" of entity "Archive" and "users" of entity "User" nest')
    expect(() =>
      registry.register(Outer, entityIRFor('Outer', { id: 'Int' }, { storage: 'Users/..' })),
    ).toThrow(/PF5002/)
    expect(() => registry.register(Twin, entityIRFor('Twin', { id: 'Int' }, { storage: 'USERS' }))).toThrow(
      'PF5003: entity "Twin" is stored in "USERS", like entity "User"',
    )
    // Re-registering the same class, or a class of the same entity name, is the same table again.
    expect(() =>
      registry.register(Users, entityIRFor('User', { id: 'Int' }, { storage: 'users' })),
    ).not.toThrow()
  })
})
