/** The three ways a frame can execute. */
export type EngineName = 'eager' | 'lazy' | 'partitioned'

/** An engine setting: one of the engines, or `'auto'` to choose by size. */
export type EngineChoice = EngineName | 'auto'

/** Every engine, in size order. */
export const ENGINE_NAMES: readonly EngineName[] = ['eager', 'lazy', 'partitioned']

/** The Python library's engine names, accepted as aliases. */
export const ENGINE_ALIASES: Readonly<Record<string, EngineName>> = {
  pandas: 'eager',
  polars: 'lazy',
  dask: 'partitioned',
}

/** Every accepted spelling of an engine setting, for error messages. */
export const VALID_ENGINE_CHOICES: readonly string[] = [
  'auto',
  ...ENGINE_NAMES,
  ...Object.keys(ENGINE_ALIASES),
]

/** Normalises an engine setting (case-insensitive, aliases resolved), or undefined when it is not one. */
export function normalizeEngineChoice(value: unknown): EngineChoice | undefined {
  if (typeof value !== 'string') return undefined
  const lower = value.trim().toLowerCase()
  if (lower === 'auto') return 'auto'
  if ((ENGINE_NAMES as readonly string[]).includes(lower)) return lower as EngineName
  return ENGINE_ALIASES[lower]
}
