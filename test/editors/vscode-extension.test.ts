// The VS Code extension as `vsce package` sees it: its build produces every file its package.json points at, the
// grammar is the repository's one grammar, and the bundled client is one CommonJS file that leaves `vscode` to the
// editor. And which `pf` it starts.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pfCommand } from '../../editors/vscode/src/pf-command.js'

const ROOT = resolve(import.meta.dirname, '../..')
const EXTENSION = join(ROOT, 'editors/vscode')

interface ExtensionManifest {
  main: string
  engines: { vscode: string }
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string }[]
    grammars: { language: string; scopeName: string; path: string }[]
    configuration: { properties: Record<string, unknown> }
    commands: { command: string }[]
  }
}

describe('editors/vscode', () => {
  const manifest = JSON.parse(readFileSync(join(EXTENSION, 'package.json'), 'utf8')) as ExtensionManifest

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [join(EXTENSION, 'scripts/bundle.mjs')], { cwd: EXTENSION })
  })

  it('contributes the pfschema language with files the build produced', () => {
    const [language] = manifest.contributes.languages
    expect(language).toMatchObject({ id: 'pfschema', extensions: ['.pfschema'] })
    const configuration = JSON.parse(readFileSync(join(EXTENSION, language?.configuration ?? ''), 'utf8'))
    expect(configuration.comments).toEqual({ lineComment: '//' })
    const [grammar] = manifest.contributes.grammars
    const copied = readFileSync(join(EXTENSION, grammar?.path ?? ''), 'utf8')
    expect(copied).toBe(readFileSync(join(ROOT, 'schema/pfschema.tmLanguage.json'), 'utf8'))
    expect(JSON.parse(copied).scopeName).toBe(grammar?.scopeName)
    expect(manifest.contributes.configuration.properties).toHaveProperty('pf.path')
    expect(manifest.contributes.commands.map((c) => c.command)).toEqual(['pf.restartServer'])
  })

  it('bundles the client into one CommonJS file that requires only vscode and Node built-ins', () => {
    const bundle = readFileSync(join(EXTENSION, manifest.main), 'utf8')
    const required = new Set([...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))
    const outside = [...required].filter((name) => name !== 'vscode' && !name?.startsWith('node:'))
    const builtins = new Set(builtinModules)
    expect(outside.filter((name) => !builtins.has(name ?? ''))).toEqual([])
    expect(required.has('vscode')).toBe(true)
  })

  describe('which pf it starts', () => {
    let project: string
    beforeAll(() => {
      project = mkdtempSync(join(tmpdir(), 'pf-vscode-'))
    })
    afterAll(() => rmSync(project, { recursive: true, force: true }))

    it('the pf.path setting, else the project’s node_modules/.bin/pf, else pf on the PATH', () => {
      expect(pfCommand('/opt/pf/bin/pf', project, 'linux')).toEqual({
        command: '/opt/pf/bin/pf',
        shell: false,
      })
      expect(pfCommand('', project, 'linux')).toEqual({ command: 'pf', shell: false })
      expect(pfCommand('', undefined, 'win32')).toEqual({ command: 'pf', shell: true })
      mkdirSync(join(project, 'node_modules/.bin'), { recursive: true })
      writeFileSync(join(project, 'node_modules/.bin/pf'), '#!/bin/sh\n')
      expect(pfCommand('  ', project, 'linux')).toEqual({
        command: join(project, 'node_modules/.bin/pf'),
        shell: false,
      })
    })
  })
})
