import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CliError } from '../cli/cli-error.js'
import { type LoadedFileConfig, parseFileConfig } from './file-config.js'

/** Config file names looked for in the working directory, in this order; the first found is used. */
export const CONFIG_FILE_NAMES = ['pf.config.json', 'pf.config.mjs'] as const

/** Loads `pf.config.json` or `pf.config.mjs` from `dir`; undefined when there is none. */
export async function loadFileConfig(dir: string): Promise<LoadedFileConfig | undefined> {
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(dir, name)
    if (!existsSync(path)) continue
    const raw = name.endsWith('.json') ? await readJson(path) : await importModule(path)
    return { path, config: parseFileConfig(raw, basename(path)) }
  }
  return undefined
}

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8')
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new CliError('PF_CLI_CONFIG', `${basename(path)}: not valid JSON (${(error as Error).message})`)
  }
}

async function importModule(path: string): Promise<unknown> {
  let mod: { default?: unknown }
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown }
  } catch (error) {
    throw new CliError('PF_CLI_CONFIG', `${basename(path)}: failed to load (${(error as Error).message})`, {
      cause: error,
    })
  }
  const value = typeof mod.default === 'function' ? await (mod.default as () => unknown)() : mod.default
  if (value === undefined) throw new CliError('PF_CLI_CONFIG', `${basename(path)}: has no default export`)
  return value
}
