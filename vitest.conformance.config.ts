import { defineConfig } from 'vitest/config'

// The conformance suite: read() + toRecords() over the public corpora (../shared/testdata/files or PF_TESTDATA)
// against DuckDB and avsc. Not part of `vitest run`: the default config only includes *.test.ts.
export default defineConfig({
  resolve: { conditions: ['@parquetframe/source'] },
  ssr: { resolve: { conditions: ['@parquetframe/source'] } },
  test: {
    include: ['test/conformance/**/*.conformance.ts'],
    testTimeout: 120_000,
    hookTimeout: 1_800_000,
    pool: 'forks',
    // Fails a test whose injected fault rule (FaultyFileSystem) never fired, naming the rule.
    setupFiles: ['test/support/unfired-fault-rules-setup.ts'],
  },
})
