import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Checks the packed .vsix (test/editors/vsix.check.ts); .ci/node24 runs it after `vsce package`. Not part of
// `vitest run`: the default config only includes *.test.ts.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: { include: ['test/editors/vsix.check.ts'], pool: 'forks' },
})
