import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { FormatError, NotFoundError } from '../errors/pf-error.js'
import { useSharedTempDir } from '../table/__fixtures__/temp-dir.js'
import { formatForPath, getFormat, listFormats, supportedExtensions } from './format-registry.js'
import type { StorageFormat } from './storage-format.js'

const tmp = useSharedTempDir('pf-format-')

/** The columns every format keeps exactly, plus the ones its capabilities promise. */
function mixedFrame(format: StorageFormat): pl.DataFrame {
  const caps = format.capabilities
  const columns: pl.Series[] = [
    pl.Series('id', [1, 2, 1_700_000_000_000], pl.Int64),
    pl.Series('score', [1.5, null, -3.25], pl.Float64),
    pl.Series('name', ['plain', null, 'comma, "quote"\ttab'], pl.Utf8),
    pl.Series('ok', [true, null, false], pl.Bool),
  ]
  if (caps?.temporal) {
    columns.push(
      pl.Series('at', [1_700_000_000_123_456, null, 0], pl.Int64).cast(pl.Datetime('us', 'UTC')),
      pl.Series('day', [19_723, -1, null], pl.Int32).cast(pl.Date),
    )
  }
  if (caps?.nested) columns.push(pl.Series('tags', [['a', 'b'], [], null], pl.List(pl.Utf8)))
  if (caps?.typed) {
    columns.push(pl.Series('small', [1, null, -7], pl.Int32), pl.Series('ratio', [0.5, 2, null], pl.Float32))
  }
  return pl.DataFrame(columns)
}

describe.each(listFormats().map((f) => [f.name, f] as const))('%s format', (name, format) => {
  const file = (base: string) => join(tmp.dir, `${name}-${base}${format.extensions[0]}`)

  it('round-trips a mixed-type frame', async () => {
    const df = mixedFrame(format)
    await format.write(df, file('mixed'))
    const back = await format.read(file('mixed'))
    expect(back.columns).toEqual(df.columns)
    expect(back.schema).toEqual(df.schema)
    expect(back.frameEqual(df, true)).toBe(true)
  })

  it('reads a projection and a row limit', async () => {
    const df = mixedFrame(format)
    await format.write(df, file('projection'))
    const back = await format.read(file('projection'), { columns: ['name', 'id'], nRows: 2 })
    expect(back.columns).toEqual(['name', 'id'])
    expect(back.getColumn('id').toArray()).toEqual([1, 2])
  })

  it('scans lazily across files where it can', async () => {
    if (!format.scan) return expect(format.name).toBe('avro')
    const df = mixedFrame(format)
    await format.write(df, file('scan-a'))
    await format.write(df, file('scan-b'))
    const out = await format
      .scan([file('scan-a'), file('scan-b')])
      .filter(pl.col('id').gt(1))
      .select('id')
      .collect()
    expect(out.getColumn('id').toArray()).toEqual([2, 1_700_000_000_000, 2, 1_700_000_000_000])
  })

  it('writes an empty frame as a valid file', async () => {
    const df = mixedFrame(format).head(0)
    await format.write(df, file('empty'))
    const back = await format.read(file('empty'))
    expect(back.height).toBe(0)
    if (format.capabilities?.emptyKeepsColumns) expect(back.columns).toEqual(df.columns)
  })

  it('is detected by every extension, in any case', () => {
    for (const ext of format.extensions) {
      expect(formatForPath(`/data/x${ext}`).name).toBe(name)
      expect(formatForPath(`/data/x${ext.toUpperCase()}`).name).toBe(name)
    }
    expect(getFormat(name)).toBe(format)
  })

  it('reads a file with an upper-case extension', async () => {
    const path = join(tmp.dir, `${name}-upper${format.extensions[0]?.toUpperCase()}`)
    const df = mixedFrame(format)
    await format.write(df, path)
    const back = await formatForPath(path).read(path)
    expect(back.frameEqual(df, true)).toBe(true)
  })

  it('names the file when it is missing', async () => {
    const path = join(tmp.dir, `missing${format.extensions[0]}`)
    await expect(format.read(path)).rejects.toThrow(NotFoundError)
    await expect(format.read(path)).rejects.toThrow(path)
  })
})

describe('format detection', () => {
  it('lists the supported extensions for an unknown one', () => {
    expect(() => formatForPath('/data/report.xlsx')).toThrow(FormatError)
    expect(() => formatForPath('/data/report.xlsx')).toThrow(/"\.xlsx".*\.parquet.*\.csv.*\.tsv/)
    expect(() => formatForPath('/data/noext')).toThrow(/no extension/)
  })

  it('knows every extension of the issue', () => {
    const expected = [
      '.parquet',
      '.pqt',
      '.csv',
      '.tsv',
      '.json',
      '.ndjson',
      '.jsonl',
      '.arrow',
      '.ipc',
      '.feather',
    ]
    for (const ext of expected) expect(supportedExtensions()).toContain(ext)
    expect(formatForPath('x.PARQUET').name).toBe('parquet')
    expect(formatForPath('x.Feather').name).toBe('ipc')
  })
})

describe('delimited and JSON text', () => {
  it('reads TSV as tab-separated', async () => {
    const path = join(tmp.dir, 'plain.tsv')
    await writeFile(path, 'a\tb\n1\t3')
    const df = await formatForPath(path).read(path)
    expect(df.columns).toEqual(['a', 'b'])
    expect(df.row(0)).toEqual([1, 3])
  })

  it('refuses list columns in CSV, naming the column', async () => {
    const df = pl.DataFrame([pl.Series('tags', [['a']], pl.List(pl.Utf8))])
    await expect(getFormat('csv').write(df, join(tmp.dir, 'lists.csv'))).rejects.toThrow(/"tags"/)
  })

  it('reads a .json file holding one array of objects', async () => {
    const path = join(tmp.dir, 'array.json')
    await writeFile(path, '[{"a":1,"b":"x"},{"a":2,"b":null}]')
    const df = await formatForPath(path).read(path)
    expect(df.columns).toEqual(['a', 'b'])
    expect(df.getColumn('b').toArray()).toEqual(['x', null])
  })

  it('reads an empty NDJSON file as an empty frame', async () => {
    const path = join(tmp.dir, 'empty.jsonl')
    await writeFile(path, '')
    expect((await formatForPath(path).read(path)).height).toBe(0)
  })

  it('raises a FormatError naming a malformed file', async () => {
    const path = join(tmp.dir, 'broken.arrow')
    await writeFile(path, 'not arrow at all')
    await expect(getFormat('ipc').read(path)).rejects.toThrow(FormatError)
    await expect(getFormat('ipc').read(path)).rejects.toThrow(path)
  })
})
