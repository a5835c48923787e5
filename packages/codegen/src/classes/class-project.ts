import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { Project, type SourceFile, ts } from 'ts-morph'
import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'

/** One source file given as text (tests, editors). */
export interface ClassSource {
  readonly file: string
  readonly text: string
}

/** The files of a class-first schema, loaded into one ts-morph project. */
export interface LoadedClassFiles {
  readonly files: readonly SourceFile[]
  /** ts-morph path → the name the caller used (for spans and headers). */
  readonly names: ReadonlyMap<string, string>
  readonly diagnostics: readonly Diagnostic[]
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  noLib: true,
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
}

// No lib files and no packages: reading them costs seconds, and the front-end maps type nodes itself, using the
// checker only to follow names (aliases, imports, enums, consts) to their declarations in the user's own files.
function newProject(inMemory: boolean): Project {
  return new Project({
    useInMemoryFileSystem: inMemory,
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    resolutionHost: (host) => ({
      resolveModuleNames: (moduleNames, containingFile) =>
        moduleNames.map((name) =>
          name.startsWith('.') || name.startsWith('/')
            ? ts.resolveModuleName(name, containingFile, COMPILER_OPTIONS, host).resolvedModule
            : undefined,
        ),
    }),
    compilerOptions: COMPILER_OPTIONS,
  })
}

const GLOB = /[*?[\]{}]/

/** Loads files and globs from disk (relative to `cwd`, default the process's). Missing files become diagnostics. */
export function loadClassFiles(patterns: readonly string[], cwd = process.cwd()): LoadedClassFiles {
  const project = newProject(false)
  const diagnostics: Diagnostic[] = []
  const names = new Map<string, string>()
  const files: SourceFile[] = []
  const add = (file: SourceFile, name: string) => {
    if (names.has(file.getFilePath())) return
    names.set(file.getFilePath(), name)
    files.push(file)
  }
  for (const pattern of patterns) {
    const at = { file: pattern, line: 1, column: 1, length: 1 }
    if (GLOB.test(pattern)) {
      const found = project.addSourceFilesAtPaths(resolve(cwd, pattern).replace(/\\/g, '/'))
      if (found.length === 0) diagnostics.push(messages.cannotReadClassFile(at, pattern, 'no file matches'))
      const sorted = [...found].sort((a, b) => (a.getFilePath() < b.getFilePath() ? -1 : 1))
      for (const file of sorted) add(file, file.getFilePath())
      continue
    }
    const path = resolve(cwd, pattern)
    if (!existsSync(path)) {
      diagnostics.push(messages.cannotReadClassFile(at, pattern, 'no such file'))
      continue
    }
    try {
      add(project.addSourceFileAtPath(path), pattern)
    } catch (error) {
      diagnostics.push(messages.cannotReadClassFile(at, pattern, (error as Error).message))
    }
  }
  return { files, names, diagnostics }
}

/** Loads sources given as text into an in-memory project (their names are used as given). */
export function loadClassSources(sources: readonly ClassSource[]): LoadedClassFiles {
  const project = newProject(true)
  const names = new Map<string, string>()
  const files = sources.map((source) => {
    const file = project.createSourceFile(toProjectPath(source.file), source.text, { overwrite: true })
    names.set(file.getFilePath(), source.file)
    return file
  })
  return { files, names, diagnostics: [] }
}

function toProjectPath(name: string): string {
  const slashed = name.replace(/\\/g, '/')
  return slashed.startsWith('/') ? slashed : `/${slashed}`
}
