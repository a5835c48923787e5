import { describe, expect, it } from 'vitest'
import { storageTypeOf } from './storage-type.js'

const span = { file: 'a.pfschema', offset: 0, end: 1, line: 1, column: 1 }
const type = (name: string, listDepth = 0, optional = false) => ({ name, listDepth, optional, span })

describe('storageTypeOf', () => {
  it('gives the Parquet type and the Avro type the runtime writes', () => {
    expect(storageTypeOf(type('Int'), [])).toEqual({ parquet: 'int64', avro: '"long"' })
    expect(storageTypeOf(type('DateTime', 0, true), [])).toEqual({
      parquet: 'timestamp, microseconds, UTC, nullable',
      avro: '["null",{"type":"long","logicalType":"timestamp-micros"}]',
    })
    expect(storageTypeOf(type('String', 1), [])).toEqual({
      parquet: 'list<string (UTF-8)>',
      avro: '{"type":"array","items":"string"}',
    })
  })

  it('Decimal and Bytes: DECIMAL(p, s) and binary in Parquet, bytes (decimal logical type) in Avro files', () => {
    expect(storageTypeOf(type('Decimal'), [])).toEqual({
      parquet: 'DECIMAL(p, s); a bare Decimal is DECIMAL(38, 18)',
      avro: '{"type":"bytes","logicalType":"decimal","precision":38,"scale":18}',
    })
    expect(storageTypeOf(type('Bytes', 0, true), [])).toEqual({
      parquet: 'binary (BYTE_ARRAY), nullable',
      avro: '["null","bytes"]',
    })
  })

  it('stores an enum as its value names, and a relation or unknown type not at all', () => {
    const enums = [{ name: 'Role', values: ['ADMIN', 'MEMBER'] }]
    expect(storageTypeOf(type('Role'), enums)).toEqual({
      parquet: 'string (the value name)',
      avro: '{"type":"enum","name":"Role","symbols":["ADMIN","MEMBER"]}',
    })
    expect(storageTypeOf(type('User'), enums)).toBeUndefined()
  })
})
