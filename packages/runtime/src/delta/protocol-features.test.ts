import { describe, expect, it } from 'vitest'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import { deltaCheckConstraints } from './delta-constraints.js'
import {
  type DeltaTableFeature,
  protocolFor,
  supportedFeatures,
  tableFeaturesFor,
} from './protocol-features.js'

describe('protocolFor', () => {
  it.each<[DeltaTableFeature[], object]>([
    [[], { minReaderVersion: 1, minWriterVersion: 1 }],
    [['appendOnly'], { minReaderVersion: 1, minWriterVersion: 2 }],
    [['invariants'], { minReaderVersion: 1, minWriterVersion: 2 }],
    [['invariants', 'checkConstraints'], { minReaderVersion: 1, minWriterVersion: 3 }],
    [['changeDataFeed'], { minReaderVersion: 1, minWriterVersion: 4 }],
    [['generatedColumns'], { minReaderVersion: 1, minWriterVersion: 4 }],
    [['columnMapping'], { minReaderVersion: 2, minWriterVersion: 5 }],
    // The spec's example (2, 7, [columnMapping, identityColumns]) is expressible lower, with legacy versions.
    [['columnMapping', 'identityColumns'], { minReaderVersion: 2, minWriterVersion: 6 }],
    [['identityColumns', 'checkConstraints'], { minReaderVersion: 1, minWriterVersion: 6 }],
    [
      ['deletionVectors'],
      {
        minReaderVersion: 3,
        minWriterVersion: 7,
        readerFeatures: ['deletionVectors'],
        writerFeatures: ['deletionVectors'],
      },
    ],
    [
      ['deletionVectors', 'checkConstraints', 'invariants', 'columnMapping'],
      {
        minReaderVersion: 3,
        minWriterVersion: 7,
        readerFeatures: ['columnMapping', 'deletionVectors'],
        writerFeatures: ['checkConstraints', 'columnMapping', 'deletionVectors', 'invariants'],
      },
    ],
    // Writer-only table features keep readers on legacy versions: reader features may not be listed below 3.
    [
      ['inCommitTimestamp'],
      { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['inCommitTimestamp'] },
    ],
    [
      ['columnMapping', 'allowColumnDefaults'],
      { minReaderVersion: 2, minWriterVersion: 7, writerFeatures: ['allowColumnDefaults', 'columnMapping'] },
    ],
    [
      ['rowTracking'],
      { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['domainMetadata', 'rowTracking'] },
    ],
    [
      ['icebergCompatV2'],
      { minReaderVersion: 2, minWriterVersion: 7, writerFeatures: ['columnMapping', 'icebergCompatV2'] },
    ],
    [
      ['pfAvroDataFiles', 'invariants'],
      {
        minReaderVersion: 3,
        minWriterVersion: 7,
        readerFeatures: ['pfAvroDataFiles'],
        writerFeatures: ['invariants', 'pfAvroDataFiles'],
      },
    ],
  ])('%j → %j', (features, expected) => {
    const protocol = protocolFor(features)
    expect(protocol).toEqual(expected)
    // Every requested feature is supported by the result; reader features are listed as writer features too.
    const supported = supportedFeatures(protocol)
    for (const feature of features) expect(supported.writers.has(feature)).toBe(true)
    for (const feature of protocol.readerFeatures ?? []) expect(protocol.writerFeatures).toContain(feature)
    if (protocol.minReaderVersion === 3) expect(protocol.minWriterVersion).toBe(7)
  })

  it('legacy versions support every lower feature', () => {
    const { readers, writers } = supportedFeatures({ minReaderVersion: 2, minWriterVersion: 5 })
    expect([...writers].sort()).toEqual([
      'appendOnly',
      'changeDataFeed',
      'checkConstraints',
      'columnMapping',
      'generatedColumns',
      'invariants',
    ])
    expect([...readers]).toEqual(['columnMapping'])
  })
})

describe('tableFeaturesFor', () => {
  const enums = [{ name: 'Role', values: ['ADMIN', 'MEMBER'] }]
  it('a table with required fields and an enum needs invariants and CHECK constraints: (1, 3)', () => {
    const entity = entityIRFor('User', { id: 'Int', role: 'enum:Role' })
    const features = tableFeaturesFor(entity, deltaCheckConstraints(entity, enums), { format: 'parquet' })
    expect(features).toEqual(['invariants', 'checkConstraints'])
    expect(protocolFor(features)).toEqual({ minReaderVersion: 1, minWriterVersion: 3 })
  })

  it('a table with an autoincrement field declares identity columns: writer version 6', () => {
    const base = entityIRFor('Ticket', { id: 'Int', note: 'String?' })
    const entity = {
      ...base,
      fields: base.fields.map((f) =>
        f.name === 'id' ? { ...f, default: { kind: 'autoincrement' as const } } : f,
      ),
    }
    const features = tableFeaturesFor(entity, {}, { format: 'parquet' })
    expect(features).toEqual(['invariants', 'identityColumns'])
    expect(protocolFor(features)).toEqual({ minReaderVersion: 1, minWriterVersion: 6 })
    expect(protocolFor([...features, 'deletionVectors'])).toMatchObject({
      minWriterVersion: 7,
      writerFeatures: ['deletionVectors', 'identityColumns', 'invariants'],
    })
    expect(tableFeaturesFor(base, {}, { format: 'parquet' })).not.toContain('identityColumns')
  })

  it("an Avro table with deletion vectors declares pf's reader feature", () => {
    const entity = entityIRFor('Log', { id: 'Int', note: 'String?' })
    const features = tableFeaturesFor(entity, {}, { format: 'avro', deletionVectors: true })
    expect(protocolFor(features)).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors', 'pfAvroDataFiles'],
      writerFeatures: ['deletionVectors', 'invariants', 'pfAvroDataFiles'],
    })
  })
})
