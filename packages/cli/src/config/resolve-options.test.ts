import { describe, expect, it } from 'vitest'
import { UsageError } from '../cli/cli-error.js'
import { isDebug, type Resolution, resolveOptions } from './resolve-options.js'

function run(argv: string, env: Record<string, string> = {}, file?: Parameters<typeof resolveOptions>[2]) {
  const r = resolveOptions(
    argv.split(' ').filter((a) => a !== ''),
    env,
    file,
  )
  if (r.kind !== 'run') throw new Error(`expected a command, got ${r.kind}`)
  return r
}

function help(argv: string): string {
  const r: Resolution = resolveOptions(argv.split(' ').filter((a) => a !== ''))
  if (r.kind !== 'help') throw new Error(`expected help, got ${r.kind}`)
  return r.text
}

describe('resolveOptions', () => {
  it('prints the main help with no arguments or --help, and the version with --version', () => {
    expect(help('')).toContain('Usage: pf <command> [options]')
    expect(help('--help')).toContain('migrate format')
    expect(resolveOptions(['--version'])).toEqual({ kind: 'version' })
    expect(resolveOptions(['-v'])).toEqual({ kind: 'version' })
  })

  it("prints a command's help, wherever --help is", () => {
    expect(help('validate --help')).toContain('Usage: pf validate [--schema PATH]')
    expect(help('--help generate')).toContain('--watch')
    expect(help('inspect -h')).toContain('PATH')
    expect(help('migrate format --to avro --help')).toContain('--dry-run')
    expect(help('migrate')).toContain('migrate status')
    expect(help('migrate --help')).toContain('migrate plan')
  })

  it('resolves a command and its options', () => {
    const r = run('format --check --schema app.pfschema')
    expect(r.command.name).toBe('format')
    expect(r.command.options).toEqual({
      settings: { schema: { value: 'app.pfschema', source: '--schema' } },
      check: true,
    })
    expect(r.debug).toBe(false)
    expect(run('inspect data/x.parquet --json').command.options).toEqual({
      path: 'data/x.parquet',
      json: true,
    })
    expect(run('generate --classes src/a.ts -c lib/*.ts').command.options).toEqual({
      settings: { classes: { value: ['src/a.ts', 'lib/*.ts'], source: '--classes' } },
      watch: false,
    })
    expect(help('generate --help')).toContain('-c, --classes GLOB')
    expect(run('generate -w -o out').command.options).toEqual({
      settings: { output: { value: 'out', source: '--out' } },
      watch: true,
    })
  })

  it('layers settings: flags > PARQUETFRAME_* > config file', () => {
    const file = {
      schema: 'file.pfschema',
      output: 'file-out',
      storage: 'file-data',
      format: 'avro' as const,
    }
    const env = { PARQUETFRAME_OUTPUT: 'env-out', PARQUETFRAME_ENTITY_BASE_PATH: 'env-data' }
    expect(run('generate --out flag-out', env, file).command.options).toEqual({
      settings: {
        schema: { value: 'file.pfschema', source: 'config file' },
        output: { value: 'flag-out', source: '--out' },
        storage: { value: 'env-data', source: '$PARQUETFRAME_ENTITY_BASE_PATH' },
        format: { value: 'avro', source: 'config file' },
      },
      watch: false,
    })
    expect(run('generate', env, file).command.options).toMatchObject({
      settings: { output: { value: 'env-out', source: '$PARQUETFRAME_OUTPUT' } },
    })
    expect(run('migrate format --all --to parquet', env, file).command.options).toMatchObject({
      settings: {
        schema: { value: 'file.pfschema', source: 'config file' },
        storage: { value: 'env-data', source: '$PARQUETFRAME_ENTITY_BASE_PATH' },
      },
      entities: [],
      all: true,
      to: 'parquet',
      dryRun: false,
    })
  })

  it('reads migrate format options', () => {
    expect(run('migrate format --entity User,Post --to avro --dry-run').command.options).toMatchObject({
      entities: ['User', 'Post'],
      all: false,
      to: 'avro',
      dryRun: true,
    })
    expect(run('migrate status -e User').command.options).toMatchObject({
      action: 'status',
      entities: ['User'],
    })
  })

  it('suggests the nearest command or option', () => {
    expect(() => run('genrate')).toThrow('Unknown command "genrate". Did you mean "pf generate"?')
    expect(() => run('--hepl')).toThrow(/^Unknown option --hepl. Did you mean --help\?$/)
    expect(() => run('generate --otu x')).toThrow(
      'Unknown option --otu for "pf generate". Did you mean --out?',
    )
    expect(() => run('validate --out x')).toThrow(/^Unknown option --out for "pf validate"$/)
    expect(() => run('frobnicate')).toThrow(/^Unknown command "frobnicate".$/)
  })

  it('rejects bad command lines with a message naming the problem', () => {
    const cases: [string, string][] = [
      ['valdate', 'Unknown command "valdate". Did you mean "pf validate"?'],
      ['validate --out x', 'Unknown option --out for "pf validate"'],
      ['--bogus', 'Unknown option --bogus'],
      ['inspect', 'Missing argument PATH for "pf inspect"'],
      ['inspect a b', 'Unexpected argument "b" for "pf inspect"'],
      ['migrate frmat', 'Unknown command "migrate frmat". Did you mean "pf migrate format"?'],
      ['migrate --all', '"pf migrate" needs a command'],
      ['migrate format --to avro', 'Name an entity with --entity NAME, or pass --all'],
      ['migrate format --all', 'Missing --to FORMAT'],
      ['migrate format --all --to orc', 'Option --to must be "parquet" or "avro", got "orc"'],
      ['migrate format --all --entity User --to avro', 'Give either --entity or --all'],
      ['--version validate', '--version takes no command'],
    ]
    for (const [argv, message] of cases) {
      expect(() => resolveOptions(argv.split(' ')), argv).toThrow(UsageError)
      expect(() => resolveOptions(argv.split(' ')), argv).toThrow(message)
    }
  })

  it('rejects an invalid format from the environment, naming the variable', () => {
    expect(() => run('migrate format --all --to avro', { PARQUETFRAME_ENTITY_FORMAT: 'orc' })).toThrow(
      'Format must be "parquet" or "avro", got "orc" (from $PARQUETFRAME_ENTITY_FORMAT)',
    )
  })

  it('turns on debug output with --debug or PARQUETFRAME_VERBOSE', () => {
    expect(run('validate --debug').debug).toBe(true)
    expect(run('--debug validate').debug).toBe(true)
    expect(run('validate', { PARQUETFRAME_VERBOSE: '1' }).debug).toBe(true)
    expect(isDebug(['validate'], { PARQUETFRAME_VERBOSE: 'false' })).toBe(false)
    expect(isDebug(['inspect', '--', '--debug'], {})).toBe(false)
  })
})
