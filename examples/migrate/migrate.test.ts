// Runs the migration example as its README does (the real CLI in child processes, real files in a temp folder)
// and checks what it prints; also type-checks it under the repo's strict flags.
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const run = async (args: readonly string[], env: Record<string, string> = {}) =>
  (
    await promisify(execFile)(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    })
  ).stdout

let dataDir: string
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pf-example-migrate-'))
})
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

describe('examples/migrate', () => {
  it('moves a table Parquet → Avro → Parquet and applies a schema change with pf migrate', async () => {
    const [out] = await Promise.all([
      run(['--conditions=@parquetframe/source', '--import', 'tsx', 'examples/migrate/src/main.ts'], {
        EXAMPLE_DATA_DIR: dataDir,
      }),
      run([
        'node_modules/typescript/bin/tsc',
        '-p',
        'examples/migrate',
        '--customConditions',
        '@parquetframe/source',
        '--allowImportingTsExtensions',
      ]),
    ])
    const tables = out.split('\n').filter((l) => l.startsWith('table: '))
    const checksum = /checksum ([0-9a-f]{16})/.exec(tables[0] ?? '')?.[1]
    expect(checksum).toBeDefined()
    expect(tables.slice(0, 3)).toEqual([
      `table: parquet, version 3, 1200 rows in 3 files, checksum ${checksum}`,
      `table: avro, version 4, 1200 rows in 3 files, checksum ${checksum}`,
      // Back to Parquet: the rewrite (version 5) and the drop of the Avro reader feature (version 6, DROP FEATURE).
      `table: parquet, version 6, 1200 rows in 3 files, checksum ${checksum}`,
    ])
    expect(out).toContain(
      `parquet → avro, 1,200 rows in 3 files → 3 files, verified (rows and checksum ${checksum} match); version 4`,
    )
    expect(out).toContain('~ Product.title: rename name to title (column "name" keeps its data)')
    // A default for existing rows is written into their files: Delta readers know no defaults for existing rows.
    expect(out).toContain(
      '! Product.currency: add currency String; existing rows read its default (written into their files: Delta readers know no defaults for existing rows)',
    )
    expect(out).toMatch(
      /applied 2 schema changes \(data rewritten, 1,200 rows in 3 files → 3 files, verified \(rows and checksum [0-9a-f]{16} match\)\); version 7/,
    )
    // The drop truncated the history before version 6: the format changes before it are no longer listed.
    expect(out).toMatch(/version 7, 2 applied, 0 pending\n {5}applied {2}v6 .+DROP_FEATURE\n/)
    expect(out).toContain('product 1: Product 1, 1.99 EUR, 1 in stock\n')
    expect(out).toContain('product 5000: Imported tea, 4.5 GBP, 12 in stock\n')
    expect(out).toContain('products in EUR: 1200\n')
    expect(tables.at(-1)).toMatch(/^table: parquet, version 8, 1201 rows in 4 files/)
  }, 120_000)
})
