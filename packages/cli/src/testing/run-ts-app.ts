// Running a generated app's TypeScript as a user would, in tests: node + tsx on the workspace sources.
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

/** Runs a TypeScript file with tsx on the workspace sources from `cwd`; its stdout. The base path and NODE_OPTIONS
 * of the test's environment are not passed on; `env` is added. */
export async function runTsApp(file: string, cwd: string, env: Record<string, string> = {}): Promise<string> {
  const childEnv: Record<string, string | undefined> = { ...process.env }
  delete childEnv.PARQUETFRAME_ENTITY_BASE_PATH
  delete childEnv.NODE_OPTIONS
  Object.assign(childEnv, env)
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@parquetframe/source', '--import', TSX, file],
    { cwd, env: childEnv },
  )
  return stdout
}
