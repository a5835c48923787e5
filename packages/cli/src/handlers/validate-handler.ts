import { counted } from '../cli/count-text.js'
import type { CommandHandler } from '../commands/command.js'
import type { ValidateOptions } from '../commands/validate-command.js'
import { loadProjectSchema, requireValidSchema, schemaLabel } from '../schema/project-schema.js'

/** Prints all diagnostics; exit 1 when any is an error. Warnings go to stderr and keep exit 0. */
export const validateHandler: CommandHandler<ValidateOptions> = async (options, io) => {
  // Classes are also judged as the runtime types them when imported directly (tsconfig decides design:type).
  const schema = await loadProjectSchema(options.settings, io.cwd, { directImport: true })
  const ir = requireValidSchema(schema)
  if (schema.rendered) io.stderr.write(`${schema.rendered}\n`)
  io.stdout.write(
    `${schemaLabel(schema)} is valid: ${counted(ir.entities.length, 'entity')}, ${counted(ir.enums.length, 'enum')}\n`,
  )
  return 0
}
