import { describe, expect, it } from 'vitest'
import { UsageError } from '../cli/cli-error.js'
import { parseArgv } from './argv-parser.js'
import type { OptionSpec } from './option-spec.js'

const specs: OptionSpec[] = [
  { name: 'schema', short: 's', type: 'string', valueName: 'PATH', description: '' },
  { name: 'check', type: 'boolean', description: '' },
]

describe('parseArgv', () => {
  it('reads --flag value, --flag=value, -s value, booleans and positionals', () => {
    expect(parseArgv(['--schema', 'a.pfschema', 'x', '--check'], specs)).toEqual({
      values: { schema: 'a.pfschema', check: true },
      positionals: ['x'],
    })
    expect(parseArgv(['--schema=b.pfschema'], specs).values).toEqual({ schema: 'b.pfschema' })
    expect(parseArgv(['-s', 'c'], specs).values).toEqual({ schema: 'c' })
  })

  it('collects the values of a flag that may be repeated, in order', () => {
    const withList: OptionSpec[] = [
      ...specs,
      { name: 'classes', type: 'string', multiple: true, description: '' },
    ]
    expect(parseArgv(['--classes', 'a.ts', '--classes=src/*.ts'], withList).values).toEqual({
      classes: ['a.ts', 'src/*.ts'],
    })
    expect(parseArgv(['--classes', 'a.ts'], withList).values).toEqual({ classes: ['a.ts'] })
    expect(() => parseArgv(['--classes'], withList)).toThrow('Option --classes needs a value')
  })

  it('treats everything after -- as positional', () => {
    expect(parseArgv(['--', '--check', '-s'], specs)).toEqual({ values: {}, positionals: ['--check', '-s'] })
  })

  it('suggests the nearest flag for a misspelt one, and nothing when none is close', () => {
    expect(() => parseArgv(['--shema', 'x'], specs, 'validate')).toThrow(
      'Unknown option --shema for "pf validate". Did you mean --schema?',
    )
    expect(() => parseArgv(['--chekc'], specs)).toThrow('Unknown option --chekc. Did you mean --check?')
    expect(() => parseArgv(['--CHECK'], specs)).toThrow('Did you mean --check?')
    expect(() => parseArgv(['--verbose'], specs)).toThrow(/^Unknown option --verbose$/)
  })

  it('names the bad flag', () => {
    expect(() => parseArgv(['--shema', 'x'], specs, 'validate')).toThrow(
      'Unknown option --shema for "pf validate"',
    )
    expect(() => parseArgv(['-x'], specs)).toThrow('Unknown option -x')
    expect(() => parseArgv(['--schema'], specs)).toThrow('Option --schema needs a value: --schema PATH')
    expect(() => parseArgv(['--schema', '--check'], specs)).toThrow('Option --schema needs a value')
    expect(() => parseArgv(['--check=yes'], specs)).toThrow('Option --check takes no value')
    expect(() => parseArgv(['-s', 'a', '--schema', 'b'], specs)).toThrow('Option --schema is given twice')
    expect(() => parseArgv(['--schema='], specs)).toThrow('needs a non-empty value')
    expect(() => parseArgv(['--nope'], specs, 'format')).toThrow(UsageError)
  })
})
