import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { CommandHandler } from '../commands/command.js'
import type { DiagramOptions } from '../commands/diagram-command.js'
import { renderMermaidErDiagram } from '../diagram/mermaid-er-diagram.js'
import { loadProjectSchema, requireValidSchema } from '../schema/project-schema.js'
import { displayPath } from '../schema/schema-location.js'

/** Prints the Mermaid diagram, or writes it to --out (fenced in a .md file). */
export const diagramHandler: CommandHandler<DiagramOptions> = async (options, io) => {
  const schema = await loadProjectSchema(options.settings, io.cwd)
  const diagram = renderMermaidErDiagram(requireValidSchema(schema))
  if (options.out === undefined) {
    io.stdout.write(diagram)
    return 0
  }
  const target = resolve(io.cwd, options.out)
  const text = /\.(md|markdown)$/i.test(target) ? `\`\`\`mermaid\n${diagram}\`\`\`\n` : diagram
  await mkdir(dirname(target), { recursive: true })
  await writeFile(target, text)
  io.stdout.write(`Wrote ${displayPath(target, io.cwd)}\n`)
  return 0
}
