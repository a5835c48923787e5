// Runs the blog example the way `npm run example` does (real CLI, real files) and checks what it prints.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const run = (args: string[]) =>
  execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

describe('examples/blog', () => {
  it('generates its code with pf generate and runs against local files', () => {
    const generated = run([
      '--conditions=@parquetframe/source',
      '--import',
      'tsx',
      'packages/cli/bin/pf.js',
      'generate',
      '--schema',
      'examples/blog/blog.pfschema',
    ])
    expect(generated).toMatch(/Generated \d+ files in examples\/blog\/src\/generated/)
    // The app and the generated code type-check under the repo's strict flags.
    run([
      'node_modules/typescript/bin/tsc',
      '-p',
      'examples/blog',
      '--customConditions',
      '@parquetframe/source',
      '--allowImportingTsExtensions',
    ])
    const out = run(['--conditions=@parquetframe/source', '--import', 'tsx', 'examples/blog/src/main.ts'])
    const value = (label: string) =>
      out
        .split('\n')
        .find((l) => l.startsWith(label))
        ?.slice(34)
        .trim()
    expect(value('users created')).toBe('3 (ids 1, 2, …)')
    expect(value('posts saved in one commit')).toBe('12')
    expect(value('adults')).toBe('Alice')
    expect(value('published posts, page 2 (3 a page)')).toBe('8, 7, 6')
    expect(value('posts by Bob')).toBe('Post number 1; Post number 4; Post number 7; Post number 10')
    expect(value('users without an age')).toBe('Carol')
    expect(value('admins or editors')).toBe('2')
    expect(value('post 2 author')).toBe('Alice')
    expect(value('post 2 comments')).toBe('Thanks Bob | Nice post!')
    expect(value('posts tagged news')).toBe('Post number 1; Post number 3; Post number 5')
    expect(value('bob is now')).toBe('18 years old')
    expect(value('draft posts deleted')).toBe('3')
    expect(value('posts left')).toBe('9')
    expect(value('one commit, two tables')).toBe('10 posts, 3 comments')
    expect(value('refused transaction')).toBe(
      'User.email: value "alice@example.com" is already used (unique)',
    )
    expect(value('posts after it')).toBe('10')
  }, 180_000)
})
