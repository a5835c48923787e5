import { describe, expect, it } from 'vitest'
import { dtypeLabel } from './dtype-label.js'

describe('dtypeLabel', () => {
  it('unwraps polars DataType(...) text', () => {
    expect(dtypeLabel('DataType(Int64)')).toBe('Int64')
    expect(dtypeLabel('DataType(List(DataType(Float64)))')).toBe('List(Float64)')
    expect(dtypeLabel('DataType(Datetime(ms,))')).toBe('Datetime(ms)')
    expect(dtypeLabel('DataType(Datetime(us,UTC))')).toBe('Datetime(us, UTC)')
    expect(dtypeLabel('Utf8')).toBe('Utf8')
  })
})
