// The `./internal` entry when built (package.json "exports"; types from internal.d.ts). Loads internal.js with require() as
// package-entry.ts loads the root (see there why), so importing both, even through concurrent import() calls,
// never races one require() against an import() of the same modules.
// package-entry.test.ts fails when the module gains an export that is not listed here: add it to the list.
import { createRequire } from 'node:module'

// Untyped on purpose: a name listed here that the module no longer exports is only undefined, not a build error.
const loaded = createRequire(import.meta.url)('./internal.js') as Record<string, unknown>

export const { arrowColumnTypes, describeParquetFile, entryOf, readContainerHeader, withProjectSettings } =
  loaded
