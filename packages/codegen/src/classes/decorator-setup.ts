import { relative, resolve } from 'node:path'
import { ts } from 'ts-morph'

/**
 * How the project compiles decorators, read from its tsconfig: whether classes imported directly get design-time
 * types (`design:type`), which the runtime uses for fields without an explicit type.
 */
export interface DecoratorSetup {
  /** True when `experimentalDecorators` and `emitDecoratorMetadata` are both on (the TypeORM set-up, under tsc). */
  readonly designTypes: boolean
  /** The tsconfig read (relative to `cwd`), for messages; undefined when none was found. */
  readonly tsconfig: string | undefined
}

/** Reads the nearest tsconfig.json from `cwd` upwards (following `extends`). No tsconfig: no design-time types. */
export function readDecoratorSetup(cwd: string): DecoratorSetup {
  const path = ts.findConfigFile(resolve(cwd), ts.sys.fileExists)
  if (path === undefined) return { designTypes: false, tsconfig: undefined }
  const host: ts.ParseConfigFileHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} }
  const options = ts.getParsedCommandLineOfConfigFile(path, {}, host)?.options ?? {}
  return {
    designTypes: options.experimentalDecorators === true && options.emitDecoratorMetadata === true,
    tsconfig: relative(resolve(cwd), path).replace(/\\/g, '/'),
  }
}
