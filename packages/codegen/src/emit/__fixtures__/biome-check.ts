// Test support: runs the repo's formatter/linter (biome) over a directory outside the repo.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from './compile-harness.js'

/** Runs `biome check` (format + lint, no writes) in dir with the repo's rules; returns exit code and output. */
export function biomeCheck(
  dir: string,
  paths: readonly string[] = ['.'],
): { status: number | null; output: string } {
  const config = JSON.parse(readFileSync(join(REPO_ROOT, 'biome.json'), 'utf8')) as Record<string, unknown>
  // The temp dir is not a git checkout and holds only generated files: no VCS, no path filters.
  delete config.vcs
  delete config.$schema
  config.files = { ignoreUnknown: true }
  writeFileSync(join(dir, 'biome.json'), JSON.stringify(config))
  const result = spawnSync(
    join(REPO_ROOT, 'node_modules/.bin/biome'),
    ['check', '--max-diagnostics=50', ...paths],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  )
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}
