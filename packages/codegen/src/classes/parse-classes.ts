import type { SchemaConfigIR } from '@parquetframe/runtime/schema'
import type { SourceFile } from 'ts-morph'
import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { hasErrors, sortDiagnostics } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'
import type { SchemaParseResult } from '../pfschema/parse-schema.js'
import { checkClasses } from './class-checker.js'
import { lowerClasses } from './class-lowering.js'
import { type ClassSource, type LoadedClassFiles, loadClassFiles, loadClassSources } from './class-project.js'
import {
  findEntityClasses,
  type ReadContext,
  readEntityClass,
  warnAboutStrayClasses,
} from './class-reader.js'
import { type DecoratorSetup, readDecoratorSetup } from './decorator-setup.js'

/** Options of `parseClasses` and `parseClassSources`. */
export interface ClassParseOptions {
  /** The IR's config (classes have no config block); `format` is the default entity format. Default `{}`. */
  readonly config?: SchemaConfigIR
  /** Modules the decorators are imported from. Default `['@parquetframe/runtime']`. */
  readonly runtimeModules?: readonly string[]
  /** Directory relative paths and globs start from. Default `process.cwd()`. */
  readonly cwd?: string
  /**
   * Check the classes as the runtime types them when they are imported directly (not through generated code):
   * a field without an explicit type it cannot type is an error (PF6207). `'tsconfig'` reads the setup from the
   * nearest tsconfig.json from `cwd`. Default: not checked (generated code registers the inferred types itself).
   */
  readonly directImport?: DecoratorSetup | 'tsconfig'
}

/**
 * Reads classes decorated with the runtime's decorators (`@entity`, `@id`, `@field`, `@unique`, `@index`, `@rel`)
 * from files or globs, without running them, into the same IR as a `.pfschema`. Never throws for a mistake in the
 * classes: problems come back as diagnostics at their TypeScript source location.
 */
export function parseClasses(
  files: string | readonly string[],
  options: ClassParseOptions = {},
): SchemaParseResult {
  const patterns = typeof files === 'string' ? [files] : files
  return parseLoaded(loadClassFiles(patterns, options.cwd), options, patterns.join(', '))
}

/** Like `parseClasses`, for sources given as text (an in-memory project: relative imports between them resolve). */
export function parseClassSources(
  sources: readonly ClassSource[],
  options: ClassParseOptions = {},
): SchemaParseResult {
  return parseLoaded(loadClassSources(sources), options, sources.map((s) => s.file).join(', '))
}

function parseLoaded(loaded: LoadedClassFiles, options: ClassParseOptions, what: string): SchemaParseResult {
  const diagnostics: Diagnostic[] = [...loaded.diagnostics]
  const ctx: ReadContext = {
    runtime: { modules: new Set(options.runtimeModules ?? ['@parquetframe/runtime']) },
    names: loaded.names,
    diagnostics,
    ...(options.directImport === undefined
      ? {}
      : {
          directImport:
            options.directImport === 'tsconfig'
              ? readDecoratorSetup(options.cwd ?? process.cwd())
              : options.directImport,
        }),
  }
  const found = findEntityClasses(loaded.files, ctx)
  warnAboutStrayClasses(found, ctx)
  const byClass = new Map(found.entities.map((e) => [e.declaration, e]))
  const entities = found.entities.map((e) => readEntityClass(e, byClass, ctx))
  if (entities.length === 0 && loaded.diagnostics.length === 0) {
    const [first] = loaded.files
    const file = first === undefined ? what : nameOf(first, loaded)
    diagnostics.push(messages.noEntityClasses({ file, line: 1, column: 1, length: 1 }, what || 'no files'))
  }
  const checked = checkClasses(entities, diagnostics, options.config)
  const sources = loaded.files.map((f) => nameOf(f, loaded))
  const finished = sortDiagnostics(diagnostics)
  return {
    ir: hasErrors(finished) ? undefined : lowerClasses(checked, options.config ?? {}, sources),
    diagnostics: finished,
    sources: new Map(loaded.files.map((f) => [nameOf(f, loaded), f.getFullText()])),
  }
}

function nameOf(file: SourceFile, loaded: LoadedClassFiles): string {
  return loaded.names.get(file.getFilePath()) ?? file.getFilePath()
}
