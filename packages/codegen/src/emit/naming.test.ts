import { describe, expect, it } from 'vitest'
import { blogIR } from './__fixtures__/blog-ir.js'
import { generate } from './generate.js'
import { withArticle } from './naming.js'

describe('withArticle', () => {
  it('takes "an" before a vowel letter and "a" before a consonant', () => {
    expect(['Event', 'Order', 'Item', 'Address', 'Post', 'Tag'].map(withArticle)).toEqual([
      'an Event',
      'an Order',
      'an Item',
      'an Address',
      'a Post',
      'a Tag',
    ])
  })

  it('follows the sound for the listed exceptions', () => {
    expect(['User', 'Unit', 'Euro', 'OneTime', 'Hour', 'Umbrella'].map(withArticle)).toEqual([
      'a User',
      'a Unit',
      'a Euro',
      'a OneTime',
      'an Hour',
      'an Umbrella',
    ])
  })
})

describe('generated doc comments', () => {
  it('say "an Event" for an entity named Event', () => {
    const [user] = blogIR.entities
    const event = { ...user!, name: 'Event', storage: 'events', relations: [] }
    const files = generate({ ...blogIR, entities: [event] })
    const text = files.get('event.ts') ?? ''
    expect(text).toContain('Validates the stored fields of an Event.')
    expect(text).toContain('The stored fields of an Event, as plain data.')
    expect(text).not.toMatch(/\ba Event\b/)
  })
})
