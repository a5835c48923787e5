import { defineConfig } from 'vitest/config'

// Tests run against the TypeScript sources of the workspace packages (the
// `@parquetframe/source` export condition), so no build is needed first.
export default defineConfig({
  resolve: { conditions: ['@parquetframe/source'] },
  ssr: { resolve: { conditions: ['@parquetframe/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Fails a test whose injected fault rule (FaultyFileSystem) never fired, naming the rule, and one whose commits
    // went on without the commit turn unless it expects that (table/__fixtures__/commit-turn-warnings.ts).
    setupFiles: ['test/support/unfired-fault-rules-setup.ts', 'test/support/commit-turn-warnings-setup.ts'],
  },
})
