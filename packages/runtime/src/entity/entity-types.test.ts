import { describe, expect, it } from 'vitest'
import { typeCheck } from './__fixtures__/load-fixture.js'

describe('type-level API (compiled with the strict flags; @ts-expect-error lines must fail)', () => {
  it('the public API types follow the entity class; the decorator fixtures compile (standard decorators)', () => {
    expect(typeCheck(['typed-api.ts', 'decorated-models.ts', 'scenario-models.ts'])).toEqual([])
  }, 120_000)

  it('the decorators type-check as legacy decorators too', () => {
    expect(typeCheck(['decorated-models.ts'], { legacy: true })).toEqual([])
  }, 120_000)
})
