import { defineCommand } from './command.js'
import { positionals } from './shared-options.js'

export interface InitOptions {
  /** The project folder, as given (relative to the working directory); '.' by default. */
  readonly dir: string
}

/** `pf init`: a starter schema, config, output folder and example app; never overwrites a file. */
export const initCommand = defineCommand<InitOptions>({
  name: 'init',
  summary: 'Create a starter project: schema, pf.config.json, output folder, example app',
  description:
    'Writes schema.pfschema (two entities and a relation), pf.config.json, src/main.ts (an example app)\n' +
    'and the folder src/generated, in DIR (default: the working directory; created if missing).\n' +
    'Also a package.json ("type": "module") when DIR has none.\n' +
    'Refuses, writing nothing, when any of these files already exists.',
  positionals: [{ name: 'dir', required: false, description: 'Project folder (default: .)' }],
  options: [],
  examples: ['pf init', 'pf init my-app'],
  resolve(input) {
    const { dir } = positionals(input.argv, [{ name: 'dir', required: false, description: '' }], 'init')
    return { dir: dir ?? '.' }
  },
  load: async () => (await import('../handlers/init-handler.js')).initHandler,
})
