import { realpath, rename, writeFile } from 'node:fs/promises'
import { formatSchema, readSchemaFile, renderDiagnostics } from '@parquetframe/codegen'
import { CliError } from '../cli/cli-error.js'
import { counted } from '../cli/count-text.js'
import type { CommandHandler } from '../commands/command.js'
import type { FormatOptions } from '../commands/format-command.js'
import { displayPath, listSchemaFiles, locateSchema } from '../schema/schema-location.js'

/**
 * Formats each schema file; writes only files whose text changes. With --check writes nothing, names the
 * files that would change and exits 1 if there are any. A file that does not parse is reported, not touched.
 */
export const formatHandler: CommandHandler<FormatOptions> = async (options, io) => {
  const location = await locateSchema(options.settings.schema, io.cwd)
  const changed: string[] = []
  const broken: string[] = []
  for (const path of await listSchemaFiles(location)) {
    const name = displayPath(path, io.cwd)
    const read = await readSchemaFile(path, name)
    if (!read.ok) {
      io.stderr.write(`${renderDiagnostics([read.diagnostic], new Map([[name, read.shown]]))}\n`)
      broken.push(name)
      continue
    }
    const text = read.text
    const formatted = formatSchema(text, name)
    if (!formatted.ok) {
      io.stderr.write(`${renderDiagnostics(formatted.diagnostics, new Map([[name, text]]))}\n`)
      broken.push(name)
      continue
    }
    if (formatted.text === text) continue
    changed.push(name)
    if (options.check) continue
    // Through a symlink to the file it names: the rename must replace the file, not the link.
    const target = await realpath(path)
    const temp = `${target}.pf-tmp-${process.pid}`
    await writeFile(temp, formatted.text)
    await rename(temp, target)
  }
  for (const name of changed)
    io.stdout.write(options.check ? `would reformat ${name}\n` : `formatted ${name}\n`)
  if (broken.length > 0) {
    throw new CliError(
      'PF_CLI_SCHEMA_INVALID',
      `Cannot format ${broken.join(', ')}: fix the errors above first`,
    )
  }
  if (options.check && changed.length > 0) {
    io.stderr.write(`${counted(changed.length, 'file')} would be reformatted; run "pf format"\n`)
    return 1
  }
  if (changed.length === 0) io.stdout.write('All schema files are formatted\n')
  return 0
}
