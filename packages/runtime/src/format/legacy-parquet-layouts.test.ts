import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { read } from '../frame/read-frame.js'
import { withDuckDB } from '../table/__fixtures__/duckdb-session.js'
import { useSharedTempDir } from '../table/__fixtures__/temp-dir.js'
import { parquetFooterPatch } from './parquet-footer-patch.js'
import {
  type HandmadeColumn,
  type HandmadeElement,
  type HandmadeFile,
  handmadeParquet,
  int32Values,
} from './testing/handmade-parquet.js'

const INT32 = 1
const FIXED_LEN_BYTE_ARRAY = 7
const LIST = 3
const FLOAT16 = 15

const tmp = useSharedTempDir('pf-legacy-parquet-')

async function fileOf(name: string, file: HandmadeFile): Promise<string> {
  const path = join(tmp.dir, name)
  await writeFile(path, handmadeParquet(file))
  return path
}

/** DuckDB's rows of a file (the independent reference), JSON-shaped. */
function duckdbRows(path: string): Promise<unknown[]> {
  return withDuckDB((run) => run(`select * from read_parquet('${path}')`))
}

/** A file of one column chunk under `schema`; its rows are the values that start a record (repetition level 0). */
function oneColumnFile(schema: readonly HandmadeElement[], column: HandmadeColumn): HandmadeFile {
  const rows = column.maxRep === 0 ? column.def.length : column.rep.filter((level) => level === 0).length
  return { schema, columns: [column], rows }
}

/** A repeated int32 leaf holding the rows [1, 2], [], [3]. */
const oneTwoNoneThree = {
  type: INT32,
  maxRep: 1,
  maxDef: 1,
  rep: [0, 1, 0, 0],
  def: [1, 1, 0, 1],
  values: int32Values([1, 2, 3]),
}

/** `repeated int32 ints` at the top level, no LIST annotation: rows [1, 2], [], [3]. */
const repeatedPrimitive = oneColumnFile([{ name: 'ints', repetition: 'repeated', type: INT32 }], {
  path: ['ints'],
  ...oneTwoNoneThree,
})

/**
 * Legacy 2-level lists nested, as parquet-mr's old Avro writer wrote them (old_list_structure.parquet):
 * `optional group a (LIST) { repeated group array (LIST) { repeated int32 array } }`.
 * Rows [[1, 2], [3, 4]], null, [[]], [].
 */
const twoLevelList = oneColumnFile(
  [
    {
      name: 'a',
      repetition: 'optional',
      converted: LIST,
      children: [
        {
          name: 'array',
          repetition: 'repeated',
          converted: LIST,
          children: [{ name: 'array', repetition: 'repeated', type: INT32 }],
        },
      ],
    },
  ],
  {
    path: ['a', 'array', 'array'],
    type: INT32,
    maxRep: 2,
    maxDef: 3,
    rep: [0, 2, 1, 2, 0, 0, 0],
    def: [3, 3, 3, 3, 0, 2, 1],
    values: int32Values([1, 2, 3, 4]),
  },
)

const twoLevelRows = [
  {
    a: [
      [1, 2],
      [3, 4],
    ],
  },
  { a: null },
  { a: [[]] },
  { a: [] },
]

/** `repeated group phone { required int32 number }` without annotation: rows [{1}, {2}], [], [{3}]. */
const repeatedGroup = oneColumnFile(
  [
    {
      name: 'phone',
      repetition: 'repeated',
      children: [{ name: 'number', repetition: 'required', type: INT32 }],
    },
  ],
  { path: ['phone', 'number'], ...oneTwoNoneThree },
)

/** `optional fixed_len_byte_array(2) h (FLOAT16)`: 1.5, null, -2, 65504 (the largest half), 2^-24 (the smallest). */
const float16 = oneColumnFile(
  [{ name: 'h', repetition: 'optional', type: FIXED_LEN_BYTE_ARRAY, typeLength: 2, logical: FLOAT16 }],
  {
    path: ['h'],
    type: FIXED_LEN_BYTE_ARRAY,
    maxRep: 0,
    maxDef: 1,
    rep: [],
    def: [1, 0, 1, 1, 1],
    values: Uint8Array.from([0x00, 0x3e, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00]),
  },
)

/** `required int32 id`: 7, 8, 9. */
const plainIds = oneColumnFile([{ name: 'id', repetition: 'required', type: INT32 }], {
  path: ['id'],
  type: INT32,
  maxRep: 0,
  maxDef: 0,
  rep: [],
  def: [0, 0, 0],
  values: int32Values([7, 8, 9]),
})

describe('Parquet layouts polars 0.24 misreads silently are read by arrow-rs, chosen from the footer', () => {
  it('a repeated primitive without LIST annotation reads as a list per row, as DuckDB reads it', async () => {
    const path = await fileOf('repeated-primitive.parquet', repeatedPrimitive)
    expect(parquetFooterPatch(path)?.decoder).toBe('arrow-rs')
    const rows = await (await read(path)).toRecords()
    expect(rows).toEqual([{ ints: [1, 2] }, { ints: [] }, { ints: [3] }])
    expect(rows).toEqual(await duckdbRows(path))
  })

  it('nested legacy 2-level lists read as lists of lists (null and empty kept apart), as DuckDB reads them', async () => {
    const path = await fileOf('two-level.parquet', twoLevelList)
    const rows = await (await read(path)).toRecords()
    expect(rows).toEqual(twoLevelRows)
    expect(rows).toEqual(await duckdbRows(path))
  })

  it('an unannotated repeated group reads as a list of structs, with the lazy engine too', async () => {
    // The spec: a repeated field outside LIST/MAP is a required list of required elements of the field's type
    // (DuckDB collapses a one-field group to its field, so it is no reference here).
    const path = await fileOf('repeated-group.parquet', repeatedGroup)
    const expected = [{ phone: [{ number: 1 }, { number: 2 }] }, { phone: [] }, { phone: [{ number: 3 }] }]
    expect(await (await read(path)).toRecords()).toEqual(expected)
    expect(await (await read(path, { engine: 'lazy' })).toRecords()).toEqual(expected)
  })

  it('a footer whose row count disagrees with its row groups reads every row of the row groups', async () => {
    const path = await fileOf('zero-rows.parquet', { ...repeatedPrimitive, footerRows: 0 })
    expect(parquetFooterPatch(path)?.changes).toContain(
      'row count 0 in the footer corrected to 3, the sum of its row groups',
    )
    expect(await (await read(path)).toRecords()).toEqual([{ ints: [1, 2] }, { ints: [] }, { ints: [3] }])
  })

  it('standard files written by polars need no patch (the common path stays polars)', async () => {
    const path = join(tmp.dir, 'standard.parquet')
    pl.DataFrame({ id: [1, 2], tags: [['x'], []], s: [{ a: 1 }, { a: 2 }] }).writeParquet(path)
    expect(parquetFooterPatch(path)).toBeUndefined()
  })
})

describe('other foreign-file quirks', () => {
  it('reads FLOAT16 columns as numbers (exact), as DuckDB reads them', async () => {
    const path = await fileOf('float16.parquet', float16)
    const rows = await (await read(path)).toRecords()
    expect(rows).toEqual([{ h: 1.5 }, { h: null }, { h: -2 }, { h: 65504 }, { h: 2 ** -24 }])
    expect(rows).toEqual(await duckdbRows(path))
  })

  it('ignores a dictionary page offset of 0 and a bloom filter length of the wrong Thrift type', async () => {
    const path = await fileOf('dict-offset-zero.parquet', {
      ...plainIds,
      dictionaryPageOffset: 0,
      listInField15: true,
    })
    expect(await (await read(path)).toRecords()).toEqual([{ id: 7 }, { id: 8 }, { id: 9 }])
  })

  it('reads a file whose chunk sizes leave out part of the pages (taken from the page headers after polars fails)', async () => {
    const path = await fileOf('short-chunks.parquet', { ...plainIds, chunkSizeShortBy: 9 })
    const rows = await (await read(path)).toRecords()
    expect(rows).toEqual([{ id: 7 }, { id: 8 }, { id: 9 }])
    expect(rows).toEqual(await duckdbRows(path))
  })

  it('reads gzip pages made of several concatenated gzip members (polars stops after the first)', async () => {
    const path = await fileOf('gzip-members.parquet', { ...twoLevelList, gzipMembers: true })
    expect(await (await read(path)).toRecords()).toEqual(twoLevelRows)
    const ids = await fileOf('gzip-members-ids.parquet', { ...plainIds, gzipMembers: true })
    expect(await (await read(ids)).toRecords()).toEqual([{ id: 7 }, { id: 8 }, { id: 9 }])
    expect(await duckdbRows(ids)).toEqual([{ id: 7 }, { id: 8 }, { id: 9 }])
  })
})
