import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigError } from '../errors/pf-error.js'

// Storage folders named by generated entity modules (from the schema's `config { storage }` or pf.config.json),
// so the app finds its tables where `pf migrate` does without calling setConfig. First declaration first.
const declared = new Set<string>()

/**
 * Called by generated modules: the folder their entities' tables live in, as a URL relative to the module
 * (`new URL('../../data/', import.meta.url)`) or a path. The default store uses it when neither `setConfig` /
 * `withConfig` nor PARQUETFRAME_ENTITY_BASE_PATH sets `entityBasePath`.
 */
export function declareEntityBasePath(location: URL | string): void {
  declared.add(resolve(typeof location === 'string' ? location : fileURLToPath(location)))
}

/**
 * The storage folder the loaded generated modules declare; undefined when none does. ConfigError when they name
 * different folders (two schemas in one process): the default store cannot serve both.
 */
export function declaredEntityBasePath(): string | undefined {
  if (declared.size > 1) {
    const [first, second] = [...declared]
    throw new ConfigError(
      `Generated entity modules declare different storage folders: ${first} and ${second}. ` +
        'Choose one with setConfig({ entityBasePath }) or PARQUETFRAME_ENTITY_BASE_PATH, or use openStore(path) per schema.',
    )
  }
  return declared.values().next().value
}

/** Forgets every declaration (tests that load several generated schemas in one process). */
export function clearDeclaredEntityBasePaths(): void {
  declared.clear()
}
