// The packed VS Code extension: opens the .vsix that `npm run package -w editors/vscode` (@vscode/vsce) wrote and
// checks what VS Code will load from it. Not part of `vitest run`: vsce needs Node >= 22 and is not a dependency
// (its @vscode/vsce-sign has an install script), so .ci/node24 installs it with --ignore-scripts, packs, and runs
// this file with editors/vscode/vitest.vsix.config.ts. PF_VSIX names another .vsix.
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { zipEntries } from './zip-entries.js'

const ROOT = resolve(import.meta.dirname, '../..')
const EXTENSION = join(ROOT, 'editors/vscode')
const VSIX = process.env.PF_VSIX ?? join(EXTENSION, 'dist/pfschema.vsix')

interface Manifest {
  name: string
  publisher: string
  version: string
  main: string
  engines: { vscode: string }
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string }[]
    grammars: { language: string; scopeName: string; path: string }[]
  }
}

describe(`the packed extension ${VSIX}`, () => {
  const files = zipEntries(readFileSync(VSIX))
  const text = (path: string): string => {
    const file = files.get(path)
    if (file === undefined) throw new Error(`${VSIX} has no ${path}: ${[...files.keys()].join(', ')}`)
    return file.toString('utf8')
  }
  const source = JSON.parse(readFileSync(join(EXTENSION, 'package.json'), 'utf8')) as Manifest
  const packed = JSON.parse(text('extension/package.json')) as Manifest
  const inside = (path: string) => `extension/${path.replace(/^\.\//, '')}`

  it('holds only what runs: the manifest, the bundle, the grammar, the language configuration, readme, licence', () => {
    expect([...files.keys()].sort()).toEqual([
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/LICENSE.txt',
      'extension/dist/extension.cjs',
      'extension/dist/syntaxes/pfschema.tmLanguage.json',
      'extension/language-configuration.json',
      'extension/package.json',
      'extension/readme.md',
    ])
  })

  it('has the extension’s identity, engine and contributions, and every file they point at', () => {
    expect(packed).toEqual(source)
    const vsixManifest = text('extension.vsixmanifest')
    expect(vsixManifest).toContain(
      `<Identity Language="en-US" Id="${source.name}" Version="${source.version}" Publisher="${source.publisher}" />`,
    )
    expect(vsixManifest).toContain(
      `<Property Id="Microsoft.VisualStudio.Code.Engine" Value="${source.engines.vscode}" />`,
    )
    const [language] = packed.contributes.languages
    expect(language).toMatchObject({ id: 'pfschema', extensions: ['.pfschema'] })
    expect(JSON.parse(text(inside(language?.configuration ?? ''))).comments).toEqual({ lineComment: '//' })
    expect(files.has(inside(packed.main))).toBe(true)
  })

  it('carries the repository’s grammar for the pfschema scope', () => {
    const [grammar] = packed.contributes.grammars
    expect(grammar).toMatchObject({ language: 'pfschema', scopeName: 'source.pfschema' })
    const packedGrammar = text(inside(grammar?.path ?? ''))
    expect(packedGrammar).toBe(readFileSync(join(ROOT, 'schema/pfschema.tmLanguage.json'), 'utf8'))
    expect(JSON.parse(packedGrammar).scopeName).toBe('source.pfschema')
  })

  it('bundles the language client, which starts `pf lsp`, needing only vscode and Node built-ins', () => {
    const bundle = text(inside(packed.main))
    const required = new Set([...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] ?? ''))
    const builtins = new Set(builtinModules)
    expect(
      [...required].filter((name) => name !== 'vscode' && !builtins.has(name.replace(/^node:/, ''))),
    ).toEqual([])
    expect(required.has('vscode')).toBe(true)
    expect(bundle).toMatch(/args:\["lsp"\]/)
    expect(bundle).toContain('"node_modules",".bin"')
  })
})
