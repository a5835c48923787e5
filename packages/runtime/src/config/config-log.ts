import { getConfig } from './config-store.js'

/** Writes a warning to stderr unless `quiet` is set. */
export function warn(message: string): void {
  if (!getConfig().quiet) process.stderr.write(`parquetframe: warning: ${message}\n`)
}

/** Writes a decision (such as an engine choice) to stderr when `verbose` is set. */
export function logVerbose(message: string): void {
  if (getConfig().verbose) process.stderr.write(`parquetframe: ${message}\n`)
}
