import { readdir } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { CliError } from '../cli/cli-error.js'
import { findProjectDir, kindOf } from '../config/project-dir.js'
import { describeSource, type Setting } from '../config/project-settings.js'

/** Where the schema lives: one `.pfschema` file, or a folder of them. */
export interface SchemaLocation {
  /** Absolute path of the file or folder. */
  readonly path: string
  readonly kind: 'file' | 'dir'
  /** The folder relative schema-config paths start from: the file's folder, or the folder itself. */
  readonly baseDir: string
  /** The setting that named it; undefined when found by the default search. */
  readonly setting: Setting<string> | undefined
}

/** File extension of schema files. */
export const SCHEMA_EXTENSION = '.pfschema'

/**
 * Finds the schema: the `--schema` (or variable / config file) path if given, else `schema.pfschema`, else
 * `schema/`, in the project folder (the working directory or its nearest parent that looks like a project; see
 * findProjectDir). Throws CliError naming the path and where it came from.
 */
export async function locateSchema(
  setting: Setting<string> | undefined,
  cwd: string,
): Promise<SchemaLocation> {
  if (setting) {
    const path = resolve(cwd, setting.value)
    const kind = await kindOf(path)
    if (!kind)
      throw new CliError(
        'PF_CLI_SCHEMA_NOT_FOUND',
        `Schema not found: ${setting.value} (${describeSource(setting.source)})`,
      )
    return { path, kind, baseDir: kind === 'dir' ? path : dirname(path), setting }
  }
  const projectDir = await findProjectDir(cwd)
  const root = projectDir ?? cwd
  const file = join(root, `schema${SCHEMA_EXTENSION}`)
  if ((await kindOf(file)) === 'file') return { path: file, kind: 'file', baseDir: root, setting: undefined }
  const dir = join(root, 'schema')
  if ((await kindOf(dir)) === 'dir') return { path: dir, kind: 'dir', baseDir: dir, setting: undefined }
  const where = projectDir === undefined ? `${cwd} or its parent folders` : projectDir
  throw new CliError(
    'PF_CLI_SCHEMA_NOT_FOUND',
    `No schema found: looked for ./schema${SCHEMA_EXTENSION} and ./schema/ in ${where}. Pass --schema PATH, or run "pf init".`,
  )
}

/** The schema's files, absolute and sorted; a folder is searched recursively (skipping dot folders and node_modules). */
export async function listSchemaFiles(location: SchemaLocation): Promise<string[]> {
  if (location.kind === 'file') return [location.path]
  const out: string[] = []
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
      const full = join(dir, entry.name)
      if (entry.isDirectory()) await walk(full)
      // Symlinks, FIFOs and devices named *.pfschema are listed too: reading them reports what they are.
      else if (entry.name.endsWith(SCHEMA_EXTENSION)) out.push(full)
    }
  }
  await walk(location.path)
  if (out.length === 0) {
    throw new CliError('PF_CLI_SCHEMA_NOT_FOUND', `No ${SCHEMA_EXTENSION} files in ${location.path}`)
  }
  return out.sort()
}

/** How a schema file is named in diagnostics: relative to the working directory when inside it. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path)
  return rel.startsWith('..') || rel === '' ? path : rel.split(sep).join('/')
}
