// The oracle's DV decoding against the examples PROTOCOL.md itself gives ("Deletion Vector Descriptor Schema").
import { describe, expect, it } from 'vitest'
import { dvFilePath, dvUniqueId, readDeletionVector } from './spec-deletion-vector.js'
import { SpecOracleError } from './spec-oracle-error.js'

describe('the spec oracle’s deletion vectors', () => {
  it('decodes the inline example to rows 3, 4, 7, 11, 18, 29', () => {
    const dv = {
      storageType: 'i',
      pathOrInlineDv: 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L',
      sizeInBytes: 40,
      cardinality: 6,
    }
    expect(readDeletionVector('/unused', dv)).toEqual([3, 4, 7, 11, 18, 29])
    expect(dvUniqueId(dv)).toBe('iwi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L')
  })

  it('derives the file of a relative DV with a random prefix, and its unique id with the offset', () => {
    const dv = {
      storageType: 'u',
      pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^',
      offset: 4,
      sizeInBytes: 40,
      cardinality: 6,
    }
    expect(dvFilePath('/mytable', dv)).toBe(
      '/mytable/ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin',
    )
    expect(dvUniqueId(dv)).toBe('uab^-aqEH.-t@S}K{vb[*k^@4')
  })

  it('refuses a DV whose cardinality disagrees with its rows', () => {
    const dv = {
      storageType: 'i',
      pathOrInlineDv: 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L',
      sizeInBytes: 40,
      cardinality: 5,
    }
    expect(() => readDeletionVector('/unused', dv)).toThrow(SpecOracleError)
  })
})
