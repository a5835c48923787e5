import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { tsImport } from 'tsx/esm/api'
import ts from 'typescript'
import { strictCheckOptions } from '../../../../../test/support/strict-compiler-options.js'

/**
 * Fixtures with decorators export functions taking the runtime module (they import only types), so the classes
 * they define register in the registry the test uses. vitest's transformer does not lower decorators; tsx
 * (esbuild, standard decorators — what users run) and the TypeScript compiler (both modes) do.
 */
export type FixtureModule = Record<string, unknown>

/** Loads a fixture through tsx: standard (TC39) decorators as esbuild compiles them. */
export async function loadWithTsx(name: string): Promise<FixtureModule> {
  return (await tsImport(`./${name}`, import.meta.url)) as FixtureModule
}

/** Options for compiling a fixture with tsc. */
export interface TscOptions {
  /** experimentalDecorators (legacy). Default false: standard decorators as tsc emits them (no Symbol.metadata). */
  readonly legacy?: boolean
  readonly emitDecoratorMetadata?: boolean
  readonly useDefineForClassFields?: boolean
}

/** Compiles a fixture with the TypeScript compiler and evaluates it (CommonJS, no runtime imports). */
export function loadWithTsc(name: string, options: TscOptions = {}): FixtureModule {
  const path = fileURLToPath(new URL(`./${name}`, import.meta.url))
  const out = ts.transpileModule(readFileSync(path, 'utf8'), {
    fileName: path,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      experimentalDecorators: options.legacy ?? false,
      emitDecoratorMetadata: options.emitDecoratorMetadata ?? false,
      ...(options.useDefineForClassFields !== undefined
        ? { useDefineForClassFields: options.useDefineForClassFields }
        : {}),
    },
  })
  const exports: FixtureModule = {}
  const require = (id: string) => {
    throw new Error(`fixture ${name} must import types only, it required ${id}`)
  }
  new Function('exports', 'require', out.outputText)(exports, require)
  return exports
}

/** Type-checks files with the repository's strict flags; returns the diagnostics as text (empty when clean). */
export function typeCheck(names: readonly string[], options: TscOptions = {}): string[] {
  const files = names.map((n) => fileURLToPath(new URL(`./${n}`, import.meta.url)))
  const program = ts.createProgram(files, {
    ...strictCheckOptions(),
    experimentalDecorators: options.legacy ?? false,
    emitDecoratorMetadata: options.emitDecoratorMetadata ?? false,
  })
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined
    const file = d.file ? d.file.fileName.split('/').pop() : ''
    return `${file}:${where ? where.line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
  })
}
