import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigError } from '../errors/pf-error.js'
import { type ProjectConfig, parseProjectConfig } from './project-config.js'

/** The runtime settings of one project config file, and the file they came from. */
export interface ProjectSettings {
  readonly file: string
  readonly values: ProjectConfig['runtime']
}

// pf.config.json files named by generated entity modules, so an app uses its project's settings from any working
// directory, as `pf` does. Read once each (resetConfig forgets what was read); first declaration first.
const declared = new Set<string>()
const read = new Map<string, ProjectSettings | undefined>()

/**
 * Called by generated modules: the project's pf.config.json, as a URL relative to the module
 * (`new URL('../../pf.config.json', import.meta.url)`) or a path. Its runtime settings (`updateMode`, `engine` …)
 * then apply below PARQUETFRAME_* variables and setConfig / withConfig.
 */
export function declareProjectConfig(location: URL | string): void {
  declared.add(resolve(typeof location === 'string' ? location : fileURLToPath(location)))
}

/**
 * The runtime settings of the declared pf.config.json; undefined when none is declared or the file is gone (then
 * `onMissing` is told once). ConfigError when modules declare two files, or when the file is not valid.
 */
export function declaredProjectSettings(onMissing: (message: string) => void): ProjectSettings | undefined {
  if (declared.size > 1) {
    const [first, second] = [...declared]
    throw new ConfigError(
      `Generated entity modules declare different project config files: ${first} and ${second}. ` +
        'Load the modules of one project per process, or set the runtime settings with setConfig.',
    )
  }
  const file = declared.values().next().value
  if (file === undefined) return undefined
  if (!read.has(file)) {
    const settings = readProjectSettings(file)
    read.set(file, settings)
    if (settings === undefined) {
      onMissing(
        `${file}, declared by the generated entity modules, does not exist: its settings are not applied`,
      )
    }
  }
  return read.get(file)
}

/** Reads a pf.config.json's runtime settings (sync: config is resolved synchronously); undefined when it is gone. */
export function readProjectSettings(file: string): ProjectSettings | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new ConfigError(`${file}: cannot be read (${(error as Error).message})`)
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${(error as Error).message})`)
  }
  return { file, values: parseProjectConfig(raw, file).runtime }
}

/** Forgets what was read, so the next use reads the files again (resetConfig). */
export function forgetReadProjectSettings(): void {
  read.clear()
}

/** Forgets every declaration (tests that load several generated projects in one process). */
export function clearDeclaredProjectConfigs(): void {
  declared.clear()
  read.clear()
}
