import { resolve } from 'node:path'
import {
  type Diagnostic,
  parseSchemaSources,
  readSchemaFile,
  renderDiagnostics,
  type SchemaParseResult,
  type SchemaSource,
} from '@parquetframe/codegen'
import type { SchemaIR } from '@parquetframe/runtime/schema'
import { CliError } from '../cli/cli-error.js'
import { counted } from '../cli/count-text.js'
import { findProjectDir } from '../config/project-dir.js'
import {
  completeSettings,
  type PartialSettings,
  type ProjectSettings,
  type Setting,
} from '../config/project-settings.js'
import { hasGeneratedMarker } from '../output/output-plan.js'
import { displayPath, listSchemaFiles, locateSchema, type SchemaLocation } from './schema-location.js'
import { renameDiagnosticFiles, renameIrFiles } from './source-names.js'

/** Where a project's schema comes from: `.pfschema` files, or decorated classes (`--classes`). */
export type SchemaOrigin =
  | { readonly kind: 'pfschema'; readonly location: SchemaLocation }
  | { readonly kind: 'classes'; readonly patterns: Setting<readonly string[]> }

/** A schema read from disk and checked. */
export interface ProjectSchema {
  readonly origin: SchemaOrigin
  /** Absolute paths of the schema (or class) files, sorted. */
  readonly files: readonly string[]
  /** The sources as given to the parser (file names relative to the working directory). */
  readonly sources: readonly SchemaSource[]
  /** Undefined when there is an error. File names in it are relative to the working directory. */
  readonly ir: SchemaIR | undefined
  readonly diagnostics: readonly Diagnostic[]
  /** Diagnostics with source lines and carets, and a count line; empty when there are none. */
  readonly rendered: string
  /** Settings completed with the schema's config block (defaults only, when the schema has errors). */
  readonly settings: ProjectSettings
}

/** How `loadProjectSchema` checks decorated classes. */
export interface LoadSchemaOptions {
  /** Also report what the runtime refuses when the classes are imported directly (PF6207; `pf validate`). */
  readonly directImport?: boolean
}

/**
 * Finds, reads and checks the schema (all files at once), and completes the settings from its config block.
 * With `classes` set, reads the decorated classes instead (they have no config block: the settings' format is
 * the entities' default format).
 */
export async function loadProjectSchema(
  partial: PartialSettings,
  cwd: string,
  options: LoadSchemaOptions = {},
): Promise<ProjectSchema> {
  if (partial.classes !== undefined) return loadClassSchema(partial, partial.classes, cwd, options)
  const location = await locateSchema(partial.schema, cwd)
  const files = await listSchemaFiles(location)
  const sources: SchemaSource[] = []
  const unreadable: Diagnostic[] = []
  const shown = new Map<string, string>()
  for (const path of files) {
    const file = displayPath(path, cwd)
    const read = await readSchemaFile(path, file)
    if (read.ok) sources.push({ file, text: read.text })
    else {
      unreadable.push(read.diagnostic)
      if (read.shown !== '') shown.set(file, read.shown) // nothing read: no source line under the message
    }
  }
  // A file that cannot be read (device, FIFO, too large, not UTF-8) is reported like a schema error.
  const result: SchemaParseResult =
    unreadable.length === 0
      ? parseSchemaSources(sources)
      : { ir: undefined, diagnostics: unreadable, sources: shown }
  const settings = completeSettings(partial, result.ir?.config ?? {}, {
    cwd,
    schemaPath: location.path,
    schemaDir: location.baseDir,
    projectDir: (await findProjectDir(cwd)) ?? cwd,
  })
  return { origin: { kind: 'pfschema', location }, files, sources, ...checked(result), settings }
}

async function loadClassSchema(
  partial: PartialSettings,
  patterns: Setting<readonly string[]>,
  cwd: string,
  options: LoadSchemaOptions,
): Promise<ProjectSchema> {
  const format = partial.format?.value
  // Loaded only here: ts-morph takes over a second to import.
  const { parseClasses } = await import('@parquetframe/codegen/classes')
  const parsed = parseClasses(patterns.value, {
    cwd,
    config: format === undefined ? {} : { format },
    ...(options.directImport === true ? { directImport: 'tsconfig' as const } : {}),
  })
  // Globs come back as absolute paths, files as given: show both relative to the working directory. A glob such
  // as `src/**/*.ts` also matches the generated files: they declare no entities, and are left out.
  const name = (file: string) => displayPath(resolve(cwd, file), cwd)
  const generated = new Set(
    [...parsed.sources].filter(([, text]) => hasGeneratedMarker(text)).map(([f]) => f),
  )
  const handWritten = (file: string) => !generated.has(file)
  const ir = parsed.ir && { ...parsed.ir, sources: (parsed.ir.sources ?? []).filter(handWritten) }
  const result: SchemaParseResult = {
    ir: ir && renameIrFiles(ir, name),
    diagnostics: renameDiagnosticFiles(
      parsed.diagnostics.filter((d) => handWritten(d.span.file)),
      name,
    ),
    sources: new Map([...parsed.sources].filter(([f]) => handWritten(f)).map(([f, text]) => [name(f), text])),
  }
  const sources = [...result.sources].map(([file, text]) => ({ file, text }))
  const projectDir = (await findProjectDir(cwd)) ?? cwd
  const settings = completeSettings(partial, {}, { cwd, schemaPath: cwd, schemaDir: cwd, projectDir })
  return {
    origin: { kind: 'classes', patterns },
    files: sources.map((s) => resolve(cwd, s.file)).sort(),
    sources,
    ...checked(result),
    settings,
  }
}

function checked(result: SchemaParseResult): Pick<ProjectSchema, 'ir' | 'diagnostics' | 'rendered'> {
  const rendered = result.diagnostics.length > 0 ? renderDiagnostics(result.diagnostics, result.sources) : ''
  return { ir: result.ir, diagnostics: result.diagnostics, rendered }
}

/** The IR of a schema without errors; otherwise CliError carrying the rendered diagnostics. */
export function requireValidSchema(schema: ProjectSchema): SchemaIR {
  if (schema.ir) return schema.ir
  const label = schemaLabel(schema)
  const message =
    schema.origin.kind === 'classes' ? `Classes ${label} have errors:` : `Schema ${label} has errors:`
  throw new CliError('PF_CLI_SCHEMA_INVALID', message, { details: schema.rendered })
}

/** `schema.pfschema`, `schema/ (3 files)`, `src/models/user.ts` or `src/models/*.ts (5 files)`. */
export function schemaLabel(schema: ProjectSchema): string {
  const { origin } = schema
  if (origin.kind === 'classes') {
    const patterns = origin.patterns.value.join(', ')
    const [only] = schema.sources
    return schema.sources.length === 1 && only !== undefined && origin.patterns.value.length === 1
      ? only.file
      : `${patterns} (${counted(schema.sources.length, 'file')})`
  }
  const first = schema.sources[0]?.file ?? origin.location.path
  return origin.location.kind === 'file'
    ? first
    : `${origin.location.path} (${counted(schema.files.length, 'file')})`
}
