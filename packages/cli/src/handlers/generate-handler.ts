import { resolve } from 'node:path'
import { CliError } from '../cli/cli-error.js'
import type { CliIo } from '../cli/cli-io.js'
import { counted } from '../cli/count-text.js'
import type { CommandHandler } from '../commands/command.js'
import type { GenerateOptions } from '../commands/generate-command.js'
import { findProjectDir } from '../config/project-dir.js'
import { describeSource, SETTING_DEFAULTS } from '../config/project-settings.js'
import { syncGeneratedOutput } from '../output/generated-output.js'
import { type GenerateFunction, loadGenerate } from '../schema/codegen-api.js'
import { loadProjectSchema, requireValidSchema } from '../schema/project-schema.js'
import { displayPath, locateSchema, SCHEMA_EXTENSION } from '../schema/schema-location.js'
import { renameIrFiles } from '../schema/source-names.js'
import { classWatchRoots } from '../watch/class-watch-roots.js'
import { type WatchRoot, watchFiles } from '../watch/schema-watcher.js'

/**
 * Generates once from the schema or the `--classes` files; with --watch keeps regenerating until SIGINT/SIGTERM,
 * surviving errors.
 */
export const generateHandler: CommandHandler<GenerateOptions> = (options, io) =>
  createGenerateHandler(loadGenerate)(options, io)

/** The generate handler with the emitter injected (tests pass their own). */
export function createGenerateHandler(
  load: () => Promise<GenerateFunction>,
): CommandHandler<GenerateOptions> {
  return async (options, io) => runGenerate(options, io, await load())
}

async function runGenerate(options: GenerateOptions, io: CliIo, generate: GenerateFunction): Promise<number> {
  if (!options.watch) {
    await generateOnce(options, io, generate)
    return 0
  }
  const { roots, label } = await watchTargets(options, io.cwd)
  await watchFiles({
    roots,
    // Flags and variables are relative to the working directory, the default to the project folder.
    ignore: [
      options.settings.output
        ? resolve(io.cwd, options.settings.output.value)
        : resolve((await findProjectDir(io.cwd)) ?? io.cwd, SETTING_DEFAULTS.output),
    ],
    signal: io.signal,
    run: async () => {
      try {
        await generateOnce(options, io, generate)
      } catch (error) {
        if (!(error instanceof CliError)) throw error
        io.stderr.write(`error: ${error.message}\n`)
        if (error.details) io.stderr.write(`${error.details.replace(/\n$/, '')}\n`)
      }
    },
    onReady: () => {
      io.stdout.write(`Watching ${label} for changes (Ctrl-C to stop)\n`)
    },
  })
  io.stdout.write('Stopped watching\n')
  return 0
}

/** What watch mode watches: the schema file or folder, or the `--classes` files and the folders of their globs. */
async function watchTargets(
  options: GenerateOptions,
  cwd: string,
): Promise<{ roots: readonly WatchRoot[]; label: string }> {
  const classes = options.settings.classes
  if (classes !== undefined)
    return { roots: classWatchRoots(classes.value, cwd), label: classes.value.join(', ') }
  const location = await locateSchema(options.settings.schema, cwd)
  return {
    roots: [{ path: location.path, kind: location.kind, extensions: [SCHEMA_EXTENSION] }],
    label: displayPath(location.path, cwd),
  }
}

/** Reads and checks the schema, generates the files and syncs the output folder; prints one summary line. */
async function generateOnce(options: GenerateOptions, io: CliIo, generate: GenerateFunction): Promise<void> {
  const started = performance.now()
  const schema = await loadProjectSchema(options.settings, io.cwd)
  const ir = requireValidSchema(schema)
  if (schema.rendered) io.stderr.write(`${schema.rendered}\n`) // warnings only
  const out = schema.settings.output
  // Absolute source paths: headers name them relative to the output folder, whatever the process's cwd.
  // A storage folder the project sets (schema config, pf.config.json, flag or variable) is recorded in the
  // generated modules, relative to them, so the app and pf agree on where the tables are from any working directory.
  const storage = schema.settings.storage
  const files = await generate(
    renameIrFiles(ir, (file) => resolve(io.cwd, file)),
    {
      outDir: out.value,
      ...(options.importExtension === undefined ? {} : { importExtension: options.importExtension }),
      ...(storage.source === 'default' ? {} : { storageDir: storage.value }),
      ...(options.projectConfigFile === undefined ? {} : { projectConfigFile: options.projectConfigFile }),
    },
  )
  const result = await syncGeneratedOutput(out.value, files, describeSource(out.source))
  const ms = Math.round(performance.now() - started)
  const changes = [`${result.write.length} written`, `${result.unchanged.length} unchanged`]
  if (result.remove.length > 0) changes.push(`${result.remove.length} removed`)
  io.stdout.write(
    `Generated ${counted(files.size, 'file')} in ${displayPath(out.value, io.cwd)} (${changes.join(', ')}) in ${ms} ms\n`,
  )
}
