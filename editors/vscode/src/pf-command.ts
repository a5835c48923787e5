import { existsSync } from 'node:fs'
import { join } from 'node:path'

/** The program that runs `pf lsp`, and whether it must go through a shell (npm's `.cmd` shims on Windows). */
export interface PfCommand {
  readonly command: string
  readonly shell: boolean
}

/**
 * Which `pf` to start: the `pf.path` setting when set, else the project's `node_modules/.bin/pf` (the version the
 * project pins), else `pf` from the PATH.
 */
export function pfCommand(setting: string, folder: string | undefined, platform: NodeJS.Platform): PfCommand {
  const windows = platform === 'win32'
  if (setting.trim() !== '') return { command: setting, shell: windows && /\.cmd$/i.test(setting) }
  if (folder !== undefined) {
    const local = join(folder, 'node_modules', '.bin', windows ? 'pf.cmd' : 'pf')
    if (existsSync(local)) return { command: local, shell: windows }
  }
  return { command: 'pf', shell: windows }
}
