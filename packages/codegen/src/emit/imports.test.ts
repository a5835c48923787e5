import { describe, expect, it } from 'vitest'
import { naturalCompare, renderImports } from './imports.js'

describe('renderImports', () => {
  it('sorts names the way biome does: upper case first on ties, digit runs as numbers', () => {
    const names = ['aa', 'Ab', 'aC', 'AB', 'ab_', 'Ab_', 'a10', 'a9', 'registerEntity', 'RelationQuery']
    expect([...names].sort(naturalCompare)).toEqual([
      'AB',
      'Ab',
      'Ab_',
      'a9',
      'a10',
      'aa',
      'ab_',
      'aC',
      'RelationQuery',
      'registerEntity',
    ])
  })

  it('sorts module paths the way biome does: / before . before _ before -', () => {
    const paths = ['./ab.js', './a-b.js', './a_b.js', './a.js', './a/b.js', './post-tag.js', './post.js']
    expect([...paths].sort(naturalCompare)).toEqual([
      './a/b.js',
      './a.js',
      './a_b.js',
      './a-b.js',
      './ab.js',
      './post.js',
      './post-tag.js',
    ])
  })

  it('puts packages before relative modules, merges duplicates, and uses import type for types only', () => {
    expect(
      renderImports([
        { from: './post.js', names: ['Post'] },
        { from: 'zod', names: ['z'] },
        { from: './enums.js', names: [], types: ['Role'] },
        { from: './enums.js', names: ['enums'], types: ['Role'] },
        { from: './types.js', names: [], types: ['JsonValue'] },
      ]),
    ).toEqual([
      "import { z } from 'zod'",
      "import { enums, type Role } from './enums.js'",
      "import { Post } from './post.js'",
      "import type { JsonValue } from './types.js'",
    ])
  })
})
