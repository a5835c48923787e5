// The `./project-config` entry when built (package.json "exports"; types from the module's .d.ts): the keys and
// checks of pf.config.json, light enough for `pf` to load at start-up (the root entry loads polars). Loads
// config/project-config.js with require() as package-entry.ts loads the root (see there why).
// package-entry.test.ts fails when the module gains an export that is not listed here: add it to the list.
import { createRequire } from 'node:module'

// Untyped on purpose: a name listed here that the module no longer exports is only undefined, not a build error.
const loaded = createRequire(import.meta.url)('./config/project-config.js') as Record<string, unknown>

export const { PROJECT_CONFIG_KEYS, PROJECT_RUNTIME_KEYS, PROJECT_TOOL_KEYS, parseProjectConfig } = loaded
