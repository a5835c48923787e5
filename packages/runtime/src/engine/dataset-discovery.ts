import type { Dirent } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { FormatError, NotFoundError } from '../errors/pf-error.js'
import { formatForPath, getFormat, supportedExtensions } from '../format/format-registry.js'
import type { FormatName } from '../format/storage-format.js'
import { LOG_DIR } from '../table/log-entry.js'
import type { Dataset, DatasetFile } from './dataset.js'
import { isDeltaTable } from './delta-dataset.js'
import { globToRegExp, isGlob, splitGlob } from './glob-matcher.js'
import { type HiveColumn, inferHiveType, parseHiveSegments } from './hive-partitioning.js'

/** Options of dataset discovery. */
export interface DiscoverOptions {
  /** Format of every file, instead of detecting it from extensions. */
  readonly format?: FormatName
}

/**
 * Resolves a file, a directory (recursively, hive `col=value/` directories restored) or a glob
 * to a dataset. A missing path is a NotFoundError, checked before anything else. Names starting
 * with `.` or `_` (such as `_SUCCESS`, `_pf`) are skipped inside directories. A Delta table (a
 * directory holding `_delta_log/`) is no plain dataset: its files include removed ones and rows its
 * deletion vectors delete, so meeting one is a FormatError (`read()` and `explainEngine` take its snapshot instead:
 * readSourceOf decides which a path is).
 */
export async function discoverDataset(path: string, options: DiscoverOptions = {}): Promise<Dataset> {
  if (isGlob(path)) return discoverGlob(path, options)
  const info = await stat(path).catch(() => undefined)
  if (!info) throw new NotFoundError(path)
  if (info.isFile()) {
    const format = options.format ? getFormat(options.format).name : formatForPath(path).name
    return {
      source: path,
      format,
      files: [{ path, size: info.size, partitionValues: {} }],
      partitionColumns: [],
    }
  }
  const files = await walk(path)
  return build(path, path, files, options)
}

async function discoverGlob(pattern: string, options: DiscoverOptions): Promise<Dataset> {
  const { base, rest } = splitGlob(pattern)
  const info = await stat(base).catch(() => undefined)
  if (!info?.isDirectory()) throw new NotFoundError(base, 'Directory of glob pattern')
  const regexp = globToRegExp(rest)
  const matches = (await walk(base)).filter((f) => regexp.test(relative(base, f.path).replaceAll('\\', '/')))
  if (matches.length === 0) throw new NotFoundError(pattern, 'Files matching glob pattern')
  return build(pattern, base, matches, options)
}

/** A Delta table met where plain data files were expected. */
class DeltaTableFolderError extends FormatError {
  constructor(readonly table: string) {
    super(
      `${table} is a Delta table (it holds ${LOG_DIR}/): its data files include removed files and deleted rows. Read it by its own path with read() (explainEngine explains that read), which reads its snapshot`,
    )
  }
}

interface FoundFile {
  readonly path: string
  readonly size: number
}

async function walk(dir: string): Promise<FoundFile[]> {
  const out: FoundFile[] = []
  let entries: Dirent[]
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch {
    throw new NotFoundError(dir, 'Readable directory')
  }
  if (await isDeltaTable(dir)) throw new DeltaTableFolderError(dir)
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue
    const full = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await walk(full)))
    else if (entry.isFile()) out.push({ path: full, size: (await stat(full)).size })
  }
  return out
}

function build(source: string, root: string, found: readonly FoundFile[], options: DiscoverOptions): Dataset {
  const format = options.format ? getFormat(options.format).name : commonFormat(source, found)
  const ofFormat = options.format ? found : found.filter((f) => formatOf(f.path) === format)
  if (ofFormat.length === 0) {
    throw new FormatError(
      `No data files in ${source}. Supported extensions: ${supportedExtensions().join(', ')}`,
    )
  }
  const sorted = [...ofFormat].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const absoluteRoot = resolve(root)
  let keys: string[] | undefined
  const files: DatasetFile[] = sorted.map((f) => {
    const pairs = parseHiveSegments(relative(absoluteRoot, dirname(resolve(f.path))))
    const names = pairs.map(([k]) => k)
    if (keys === undefined) keys = names
    else if (keys.join('/') !== names.join('/')) {
      throw new FormatError(
        `Inconsistent hive partitioning in ${source}: ${f.path} has partition columns [${names.join(', ')}], expected [${keys.join(', ')}]`,
      )
    }
    return { path: f.path, size: f.size, partitionValues: Object.fromEntries(pairs) }
  })
  const partitionColumns: HiveColumn[] = (keys ?? []).map((name) => ({
    name,
    type: inferHiveType(files.map((f) => f.partitionValues[name] ?? null)),
  }))
  return { source, format, files, partitionColumns }
}

function formatOf(path: string): FormatName | undefined {
  try {
    return formatForPath(path).name
  } catch {
    return undefined
  }
}

function commonFormat(source: string, found: readonly FoundFile[]): FormatName {
  const formats = new Set<FormatName>()
  for (const f of found) {
    const format = formatOf(f.path)
    if (format) formats.add(format)
  }
  if (formats.size === 0) {
    throw new FormatError(
      `No data files in ${source}. Supported extensions: ${supportedExtensions().join(', ')}`,
    )
  }
  if (formats.size > 1) {
    throw new FormatError(
      `Mixed formats in ${source}: ${[...formats].join(', ')}. Pass { format } to read one of them`,
    )
  }
  return [...formats][0] as FormatName
}
