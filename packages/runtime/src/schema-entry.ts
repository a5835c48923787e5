// The `./schema` entry when built (package.json "exports"; types from the module's .d.ts). Loads schema/index.js
// with require() as package-entry.ts loads the root (see there why), so importing both, even through concurrent
// import() calls, never races one require() against an import() of the same modules.
// package-entry.test.ts fails when the module gains an export that is not listed here: add it to the list.
import { createRequire } from 'node:module'

// Untyped on purpose: a name listed here that the module no longer exports is only undefined, not a build error.
const loaded = createRequire(import.meta.url)('./schema/index.js') as Record<string, unknown>

export const {
  DEFAULT_DECIMAL,
  KEY_TYPE_LABEL,
  MAX_DECIMAL_PRECISION,
  MAX_STORAGE_PATH_LENGTH,
  MAX_STORAGE_SEGMENT_LENGTH,
  SCALAR_TYPE_NAMES,
  checkEntityRules,
  checkRelation,
  checkSchemaRules,
  closestName,
  decimalFitProblem,
  decimalLabel,
  decimalSpecOf,
  defaultStoragePath,
  didYouMean,
  editDistance,
  fieldTypeLabel,
  quoted,
  schemaRuleMessages,
  severityFactories,
  storageClash,
  storageContains,
  storagePathProblem,
  withDecimalArguments,
} = loaded
