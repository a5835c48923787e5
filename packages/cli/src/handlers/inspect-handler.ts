import { stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { CliError } from '../cli/cli-error.js'
import type { CommandHandler } from '../commands/command.js'
import type { InspectOptions } from '../commands/inspect-command.js'
import { explainEngineFor } from '../inspect/engine-explanation.js'
import { inspectDataFile } from '../inspect/file-inspection.js'
import { renderFileInspection } from '../inspect/inspection-text.js'

/** Describes a data file or a table directory, as text or JSON. */
export const inspectHandler: CommandHandler<InspectOptions> = async (options, io) => {
  const path = resolve(io.cwd, options.path)
  const info = await stat(path).catch(() => undefined)
  if (!info) throw new CliError('PF_CLI_NOT_FOUND', `File or directory not found: ${options.path}`)
  if (info.isDirectory()) {
    // A folder with the pre-Delta log `_pf_log/` is a table too: opening it explains that it is not read.
    const isTable = await Promise.all(
      ['_delta_log', '_pf_log'].map((log) =>
        stat(join(path, log)).then(
          (s) => s.isDirectory(),
          () => false,
        ),
      ),
    ).then((found) => found.includes(true))
    if (!isTable) {
      throw new CliError(
        'PF_CLI_NOT_A_TABLE',
        `${options.path} is a folder but not a table (no _delta_log/ inside); pass a data file or a table folder`,
      )
    }
    const { inspectTable } = await import('../inspect/table-inspection.js')
    const { renderTableInspection } = await import('../inspect/table-inspection-text.js')
    const table = await inspectTable(path, options.path)
    io.stdout.write(options.json ? `${JSON.stringify(table, null, 2)}\n` : renderTableInspection(table))
    return 0
  }
  const file = await inspectDataFile(path)
  const engine = await explainEngineFor(path)
  const shown = { ...file, path: options.path, engine }
  io.stdout.write(options.json ? `${JSON.stringify(shown, null, 2)}\n` : renderFileInspection(shown))
  return 0
}
