// Test support: writes generated files to a temp project that resolves the
// workspace packages, and type-checks them with the TypeScript compiler API
// under the repo's strict flags.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { strictCheckOptions } from '../../../../../test/support/strict-compiler-options.js'

/** The repository root (where node_modules lives). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..')

/** The repo's strict compiler flags (tsconfig.base.json), for a check without emit. */
export const STRICT_OPTIONS: ts.CompilerOptions = {
  ...strictCheckOptions(),
  // Resolve @parquetframe/* to their TypeScript sources, as vitest does, so no build is needed.
  customConditions: ['@parquetframe/source'],
}

/** A temp directory laid out as an ESM TypeScript project whose node_modules is the repo's. */
export function makeTempProject(prefix = 'pf-codegen-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n')
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return dir
}

export function removeTempProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** Writes files (relative path → contents) under dir; returns their absolute paths. */
export function writeFiles(dir: string, files: ReadonlyMap<string, string>): string[] {
  const paths: string[] = []
  for (const [rel, contents] of files) {
    const path = join(dir, rel)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, contents)
    paths.push(path)
  }
  return paths
}

/** One compiler diagnostic in a file of the temp project. */
export interface CompileDiagnostic {
  /** Path relative to the project directory. */
  readonly file: string
  readonly line: number
  readonly code: number
  readonly message: string
}

/**
 * Type-checks the given root files; returns the diagnostics in files under `dir` only. Only those files are
 * checked (dependencies are read for their types, not checked), which keeps this fast.
 */
export function typeCheck(dir: string, rootFiles: readonly string[]): CompileDiagnostic[] {
  const program = ts.createProgram({ rootNames: [...rootFiles], options: STRICT_OPTIONS })
  const root = resolve(dir)
  const out: CompileDiagnostic[] = []
  const general = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]
  for (const d of general) out.push({ file: '', line: 0, code: d.code, message: flatten(d) })
  for (const sf of program.getSourceFiles()) {
    if (!resolve(sf.fileName).startsWith(root)) continue
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const line = d.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(d.start).line + 1
      out.push({ file: resolve(sf.fileName).slice(root.length + 1), line, code: d.code, message: flatten(d) })
    }
  }
  return out
}

function flatten(d: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(d.messageText, '\n')
}

/** Diagnostics rendered one per line, for readable assertion failures. */
export function renderDiagnostics(diagnostics: readonly CompileDiagnostic[]): string {
  return diagnostics.map((d) => `${d.file}:${d.line} TS${d.code}: ${d.message}`).join('\n')
}
