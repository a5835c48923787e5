import { describe, expect, it } from 'vitest'
import { completeSettings, layerSettings } from './project-settings.js'

const dirs = { cwd: '/proj', schemaPath: '/proj/db/app.pfschema', schemaDir: '/proj/db' }

describe('completeSettings', () => {
  it("fills gaps from the schema's config block, relative to the schema's folder", () => {
    const s = completeSettings(
      layerSettings({}, {}, undefined),
      { output: 'gen', storage: '../data', format: 'avro' },
      dirs,
    )
    expect(s.output).toEqual({ value: '/proj/db/gen', source: 'schema config' })
    expect(s.storage).toEqual({ value: '/proj/data', source: 'schema config' })
    expect(s.format).toEqual({ value: 'avro', source: 'schema config' })
    expect(s.schema).toEqual({ value: '/proj/db/app.pfschema', source: 'default' })
  })

  it('lets flags, variables and the config file win over the schema, relative to the working directory', () => {
    const partial = layerSettings(
      { output: 'flag-out' },
      { PARQUETFRAME_ENTITY_FORMAT: 'parquet' },
      { storage: 'files' },
    )
    const s = completeSettings(partial, { output: 'gen', storage: 'schema-data', format: 'avro' }, dirs)
    expect(s.output).toEqual({ value: '/proj/flag-out', source: '--out' })
    expect(s.storage).toEqual({ value: '/proj/files', source: 'config file' })
    expect(s.format).toEqual({ value: 'parquet', source: '$PARQUETFRAME_ENTITY_FORMAT' })
  })

  it('falls back to the defaults', () => {
    const s = completeSettings({}, {}, dirs)
    expect(s.output).toEqual({ value: '/proj/src/generated', source: 'default' })
    expect(s.storage).toEqual({ value: '/proj', source: 'default' })
    expect(s.format).toEqual({ value: 'parquet', source: 'default' })
  })

  it('ignores blank environment variables', () => {
    expect(layerSettings({}, { PARQUETFRAME_OUTPUT: '  ' }, { output: 'f' }).output?.source).toBe(
      'config file',
    )
  })

  it('treats schema and classes as one setting: the higher-placed wins, two flags are refused', () => {
    const classes = { value: ['src/*.ts'], source: '--classes' }
    expect(layerSettings({ classes: ['src/*.ts'] }, { PARQUETFRAME_SCHEMA: 'a.pfschema' }, {})).toEqual({
      classes,
    })
    expect(layerSettings({ schema: 'a.pfschema' }, {}, { classes: ['src/*.ts'] })).toEqual({
      schema: { value: 'a.pfschema', source: '--schema' },
    })
    expect(layerSettings({}, { PARQUETFRAME_SCHEMA: 'a.pfschema' }, { classes: ['m/*.ts'] }).classes).toBe(
      undefined,
    )
    expect(layerSettings({}, {}, { classes: ['m/*.ts'] }).classes).toEqual({
      value: ['m/*.ts'],
      source: 'config file',
    })
    expect(() => layerSettings({ schema: 'a.pfschema', classes: ['src/*.ts'] }, {}, undefined)).toThrow(
      'Give --schema or --classes, not both',
    )
  })
})
