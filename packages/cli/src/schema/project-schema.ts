import { readFile } from 'node:fs/promises'
import {
  type Diagnostic,
  parseSchemaSources,
  renderDiagnostics,
  type SchemaSource,
} from '@parquetframe/codegen'
import type { SchemaIR } from '@parquetframe/runtime/schema'
import { CliError } from '../cli/cli-error.js'
import { completeSettings, type PartialSettings, type ProjectSettings } from '../config/project-settings.js'
import { displayPath, listSchemaFiles, locateSchema, type SchemaLocation } from './schema-location.js'

/** A schema read from disk and checked. */
export interface ProjectSchema {
  readonly location: SchemaLocation
  /** Absolute paths of the schema files, sorted. */
  readonly files: readonly string[]
  /** The sources as given to the parser (file names relative to the working directory). */
  readonly sources: readonly SchemaSource[]
  /** Undefined when there is an error. */
  readonly ir: SchemaIR | undefined
  readonly diagnostics: readonly Diagnostic[]
  /** Diagnostics with source lines and carets, and a count line; empty when there are none. */
  readonly rendered: string
  /** Settings completed with the schema's config block (defaults only, when the schema has errors). */
  readonly settings: ProjectSettings
}

/** Finds, reads and checks the schema (all files at once), and completes the settings from its config block. */
export async function loadProjectSchema(partial: PartialSettings, cwd: string): Promise<ProjectSchema> {
  const location = await locateSchema(partial.schema, cwd)
  const files = await listSchemaFiles(location)
  const sources: SchemaSource[] = []
  for (const path of files) sources.push({ file: displayPath(path, cwd), text: await readFile(path, 'utf8') })
  const result = parseSchemaSources(sources)
  const rendered = result.diagnostics.length > 0 ? renderDiagnostics(result.diagnostics, result.sources) : ''
  const settings = completeSettings(partial, result.ir?.config ?? {}, {
    cwd,
    schemaPath: location.path,
    schemaDir: location.baseDir,
  })
  return { location, files, sources, ir: result.ir, diagnostics: result.diagnostics, rendered, settings }
}

/** The IR of a schema without errors; otherwise CliError carrying the rendered diagnostics. */
export function requireValidSchema(schema: ProjectSchema): SchemaIR {
  if (schema.ir) return schema.ir
  throw new CliError('PF_CLI_SCHEMA_INVALID', `Schema ${schemaLabel(schema)} has errors:`, {
    details: schema.rendered,
  })
}

/** `schema.pfschema`, or `schema/ (3 files)`. */
export function schemaLabel(schema: ProjectSchema): string {
  const first = schema.sources[0]?.file ?? schema.location.path
  return schema.location.kind === 'file' ? first : `${schema.location.path} (${schema.files.length} files)`
}
