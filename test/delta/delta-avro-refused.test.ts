// An Avro table keeps the Delta log but its data files are not Parquet: a reader that follows only PROTOCOL.md must
// refuse it because the protocol names a reader feature it does not know ("Table Features": readers must not
// ignore them), never read it as if it were a Parquet table.
import { join } from 'node:path'
import { parseSchema } from '@parquetframe/codegen'
import { createTable } from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { useOracleWorkspace } from './oracle-workspace.js'
import { SUPPORTED_READER_FEATURES } from './spec-delta-reader.js'
import { SpecOracleError } from './spec-oracle-error.js'

const ws = useOracleWorkspace('pf-delta-avro-')

describe('an Avro table', () => {
  it('is refused by a Delta reader for an unknown reader feature, not misread', async () => {
    const entity = parseSchema('entity Note @storage("notes") @format(avro) { id Int @id\n text String }').ir
      ?.entities[0]
    if (!entity) throw new Error('the schema does not parse')
    const root = join(ws.dir, 'notes')
    const table = await createTable(root, { entity })
    await table.insert(
      pl.DataFrame({ id: pl.Series('id', [1, 2], pl.Int64), text: pl.Series('text', ['a', 'b']) }),
    )
    // The log itself is a readable Delta log ...
    const snapshot = await ws.oracle.snapshot(root)
    expect(snapshot.version).toBe(table.version)
    expect(snapshot.protocol.minReaderVersion).toBe(3)
    const unknown = (snapshot.protocol.readerFeatures ?? []).filter((f) => !SUPPORTED_READER_FEATURES.has(f))
    expect(
      unknown.length,
      `reader features ${JSON.stringify(snapshot.protocol.readerFeatures)}`,
    ).toBeGreaterThan(0)
    // ... and reading the table stops at that feature.
    const error = await ws.oracle.read(root).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SpecOracleError)
    expect((error as SpecOracleError).code).toBe('unsupported-reader-feature')
    expect((error as SpecOracleError).message).toContain(unknown[0])
  })
})
