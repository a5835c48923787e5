import { warn } from './config-log.js'
import { configOrigin, describeConfigOrigin } from './config-store.js'
import type { ConfigValues } from './config-values.js'

/** Settings a table is created with and keeps: config (or an openStore option) only chooses them for new tables. */
export type CreationSetting = 'updateMode' | 'entityFormat'

/** Where a store's value of a creation setting was chosen ("openStore options", a variable, a file); undefined: the default. */
export function creationSettingSource(key: CreationSetting, option: unknown): string | undefined {
  if (option !== undefined) return 'openStore options'
  return configOrigin(key) === 'default' ? undefined : describeConfigOrigin(key)
}

const warned = new Set<string>()

/**
 * Warns once per table and setting when an existing table keeps a value other than the one the store was asked
 * for: the table's own value wins (it is fixed at creation), so the asked value must not pass silently.
 */
export function warnTableKeepsSetting(
  table: string,
  key: CreationSetting,
  kept: ConfigValues[CreationSetting],
  asked: ConfigValues[CreationSetting],
  source: string | undefined,
): void {
  if (kept === asked || source === undefined || warned.has(`${key}\u0000${table}`)) return
  warned.add(`${key}\u0000${table}`)
  warn(
    `${table} keeps the ${key} it was created with, '${kept}'; '${asked}' (from ${source}) applies only to ` +
      'tables created from now on',
  )
}
