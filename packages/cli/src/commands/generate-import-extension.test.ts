// `pf generate --import-extension ts` / pf.config.json "importExtension": the flag wins, the config fills in.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CliError, UsageError } from '../cli/cli-error.js'
import { parseFileConfig } from '../config/file-config.js'
import { resolveOptions } from '../config/resolve-options.js'
import { runPf } from '../testing/spawn-pf.js'

const SAMPLE = resolve(fileURLToPath(import.meta.url), '../../../../../schema/samples/inventory.pfschema')

function generateOptions(argv: string, file?: Parameters<typeof resolveOptions>[2]): object {
  const r = resolveOptions(argv.split(' '), {}, file)
  if (r.kind !== 'run') throw new Error(`expected a command, got ${r.kind}`)
  return r.command.options as object
}

describe('pf generate --import-extension', () => {
  it('takes ts or js from the flag, else from the config file, else leaves the default (js)', () => {
    expect(generateOptions('generate --import-extension ts')).toMatchObject({ importExtension: 'ts' })
    const file = parseFileConfig({ importExtension: 'ts' }, 'pf.config.json')
    expect(generateOptions('generate', file)).toMatchObject({ importExtension: 'ts' })
    expect(generateOptions('generate --import-extension js', file)).toMatchObject({ importExtension: 'js' })
    expect(generateOptions('generate')).not.toHaveProperty('importExtension')
  })

  it('refuses other values, naming the flag or the config file', () => {
    expect(() => generateOptions('generate --import-extension mjs')).toThrow(UsageError)
    expect(() => generateOptions('generate --import-extension mjs')).toThrow(
      '--import-extension must be "js" or "ts", got "mjs"',
    )
    expect(() => parseFileConfig({ importExtension: 'tsx' }, 'pf.config.json')).toThrow(CliError)
    expect(() => parseFileConfig({ importExtension: 'tsx' }, 'pf.config.json')).toThrow(
      'pf.config.json: "importExtension" must be "js" or "ts", got "tsx"',
    )
  })

  it('is listed in the help', () => {
    const r = resolveOptions(['generate', '--help'])
    expect(r.kind === 'help' ? r.text : '').toContain('--import-extension js|ts')
  })
})

describe('pf generate with importExtension "ts" in pf.config.json', () => {
  it('writes generated modules that import each other as ./x.ts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pf-import-ext-'))
    try {
      cpSync(SAMPLE, join(dir, 'schema.pfschema'))
      writeFileSync(join(dir, 'pf.config.json'), JSON.stringify({ importExtension: 'ts' }))
      const result = await runPf(['generate'], { cwd: dir })
      expect(result.code).toBe(0)
      const index = readFileSync(join(dir, 'src/generated/index.ts'), 'utf8')
      expect(index).toContain("export * from './stock-item.ts'")
      expect(readFileSync(join(dir, 'src/generated/stock-item.ts'), 'utf8')).toContain(
        "from './warehouse.ts'",
      )
      expect(index).not.toContain(".js'")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
