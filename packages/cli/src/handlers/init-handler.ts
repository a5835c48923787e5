import { existsSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { CliError } from '../cli/cli-error.js'
import { counted } from '../cli/count-text.js'
import type { CommandHandler } from '../commands/command.js'
import type { InitOptions } from '../commands/init-command.js'
import { CONFIG_FILE_NAMES } from '../config/load-file-config.js'
import { starterProject } from '../init/starter-files.js'
import { displayPath } from '../schema/schema-location.js'

/**
 * Writes the starter project. Every target is checked before anything is written, so a refusal leaves the
 * folder as it was; files are still opened with `wx` so one created meanwhile is not overwritten either.
 */
export const initHandler: CommandHandler<InitOptions> = async (options, io) => {
  const dir = resolve(io.cwd, options.dir)
  const project = starterProject({
    withPackageJson: !existsSync(join(dir, 'package.json')),
    name: packageName(basename(dir)),
  })
  // A pf.config.mjs would be read instead of the new pf.config.json: it counts as a clash too.
  const targets = [
    ...project.files.map((f) => f.path),
    ...CONFIG_FILE_NAMES.filter((n) => n !== 'pf.config.json'),
  ]
  const existing = targets.filter((path) => existsSync(join(dir, path)))
  if (existing.length > 0) {
    throw new CliError(
      'PF_CLI_INIT_EXISTS',
      `pf init writes nothing: ${counted(existing.length, 'file exists', 'files exist')} already: ${existing.map((p) => displayPath(join(dir, p), io.cwd)).join(', ')}`,
      { details: 'Move or delete it, or run "pf init DIR" in another folder.' },
    )
  }
  for (const folder of project.folders) await mkdir(join(dir, folder.path), { recursive: true })
  for (const file of project.files) {
    await mkdir(dirname(join(dir, file.path)), { recursive: true })
    await writeFile(join(dir, file.path), file.contents, { flag: 'wx' })
  }
  const width = Math.max(...[...project.files, ...project.folders].map((e) => e.path.length + 1))
  const lines = [
    ...project.files.map((f) => `  ${f.path.padEnd(width)}  ${f.what}`),
    ...project.folders.map((f) => `  ${`${f.path}/`.padEnd(width)}  ${f.what}`),
  ]
  const where = displayPath(dir, io.cwd)
  const esm =
    project.files.some((f) => f.path === 'package.json') || isModulePackage(join(dir, 'package.json'))
  const note = esm
    ? ''
    : `\nNote: ${displayPath(join(dir, 'package.json'), io.cwd)} has no "type": "module"; add it (generated code and src/main.ts are ES modules).\n`
  const cd = dir === io.cwd ? [] : [`  cd ${where}`]
  io.stdout.write(
    `Created a parquetframe project in ${dir === io.cwd ? 'the working directory' : where}:\n${lines.join('\n')}\n\n` +
      `Next steps:\n${[
        ...cd,
        '  npm install @parquetframe/runtime && npm install --save-dev @parquetframe/cli tsx',
        '  npx pf generate',
        '  npx tsx src/main.ts',
      ].join('\n')}\n${note}`,
  )
  return 0
}

/** A valid npm package name from a folder name. */
function packageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
  return name === '' ? 'app' : name
}

/** True when the package.json says `"type": "module"` (an unreadable one counts as not). */
function isModulePackage(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { type?: unknown }).type === 'module'
  } catch {
    return false
  }
}
