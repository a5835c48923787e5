import { isAbsolute, relative, resolve, sep } from 'node:path'
import type { EntityIR, EnumIR, SchemaIR } from '@parquetframe/runtime'
import { displaySources } from './header.js'
import { entityNames } from './naming.js'
import { enumSchemaName } from './zod-types.js'

/** Options of `generate`. */
export interface GenerateOptions {
  /** Module the generated code imports the runtime from. Default `'@parquetframe/runtime'`. */
  readonly runtimeModule?: string
  /**
   * Module the generated zod schemas import `z` and `pfz` (the runtime's schemas of stored types) from. Default
   * `'@parquetframe/runtime/zod'`: the runtime's zod, so the app needs none.
   */
  readonly zodModule?: string
  /** The output directory: source paths in headers are shown relative to it. Default: shown as given. */
  readonly outDir?: string
  /**
   * The folder the entity tables live in (the schema's `config { storage }` or pf.config.json's, resolved as
   * `pf` resolves it). Entity modules then declare it relative to their own location (with `outDir`), so the app
   * finds the tables `pf migrate` sees from any working directory. Default: none (the app's config or cwd decide).
   */
  readonly storageDir?: string
  /**
   * The project's pf.config.json (absolute). Entity modules then declare it relative to their own location (with
   * `outDir`), so the app applies its runtime settings (`updateMode` …) as `pf` does. Default: none.
   */
  readonly projectConfigFile?: string
  /**
   * Extension of the generated modules' imports of each other: `'js'` (default; what tsc's NodeNext output and
   * bundlers expect) or `'ts'` (Node's type stripping `node src/main.ts`, Deno, Bun; tsc then needs
   * `allowImportingTsExtensions` or `rewriteRelativeImportExtensions`).
   */
  readonly importExtension?: ImportExtension
}

/** Extension of relative import specifiers in generated code. */
export type ImportExtension = 'js' | 'ts'

/** What every emitter reads: the IR, resolved options and lookups. */
export interface EmitContext {
  readonly ir: SchemaIR
  readonly runtimeModule: string
  readonly zodModule: string
  readonly entities: ReadonlyMap<string, EntityIR>
  readonly enums: ReadonlyMap<string, EnumIR>
  /** Source files of the whole schema, as shown in headers. */
  readonly sources: readonly string[]
  /** The storage folder as a URL relative to a generated module (`'../../data/'`), or an absolute path. */
  readonly storageUrl: string | undefined
  /** The project's pf.config.json as a URL relative to a generated module (`'../../pf.config.json'`), or a path. */
  readonly projectConfigUrl: string | undefined
  /** Source files of one entity (its own file when the IR knows it, else the whole schema's). */
  sourcesOf(entity: EntityIR): readonly string[]
  /** The specifier of a sibling generated module: `./user.js` (or `./user.ts` with `importExtension: 'ts'`). */
  local(module: string): string
  /** The local name of a runtime export: the name itself, or `Pf<name>` when the schema defines that name too. */
  rt(name: string): string
}

/** Every name the generated modules declare for the schema's entities and enums. */
function declaredNames(ir: SchemaIR): Set<string> {
  const names = new Set<string>()
  for (const e of ir.entities) for (const n of Object.values(entityNames(e))) names.add(n)
  for (const e of ir.enums) names.add(e.name).add(enumSchemaName(e.name))
  return names
}

export function createEmitContext(ir: SchemaIR, options: GenerateOptions = {}): EmitContext {
  const sources = displaySources(ir.sources ?? [], options.outDir)
  const declared = declaredNames(ir)
  return {
    ir,
    runtimeModule: options.runtimeModule ?? '@parquetframe/runtime',
    zodModule: options.zodModule ?? '@parquetframe/runtime/zod',
    entities: new Map(ir.entities.map((e) => [e.name, e])),
    enums: new Map(ir.enums.map((e) => [e.name, e])),
    sources,
    storageUrl: storageUrl(options),
    projectConfigUrl: projectConfigUrl(options),
    sourcesOf: (entity) =>
      entity.span?.file !== undefined ? displaySources([entity.span.file], options.outDir) : sources,
    local: (module) => `./${module}.${options.importExtension ?? 'js'}`,
    rt: (name) => (declared.has(name) ? `Pf${name}` : name),
  }
}

/** `storageDir` as the generated modules name it: relative to `outDir` (a URL path ending in `/`), else absolute. */
function storageUrl(options: GenerateOptions): string | undefined {
  const { storageDir, outDir } = options
  if (storageDir === undefined) return undefined
  const url = moduleRelativeUrl(storageDir, outDir)
  return isAbsolute(url) ? url : url === '.' ? './' : `${url}/`
}

/** `projectConfigFile` as the generated modules name it: relative to `outDir`, else absolute. */
function projectConfigUrl(options: GenerateOptions): string | undefined {
  const { projectConfigFile, outDir } = options
  return projectConfigFile === undefined ? undefined : moduleRelativeUrl(projectConfigFile, outDir)
}

/** `target` as a URL relative to a module in `outDir` (`./x`, `../x`, `.` for outDir itself), else absolute. */
function moduleRelativeUrl(target: string, outDir: string | undefined): string {
  if (outDir === undefined) return resolve(target)
  const rel = relative(resolve(outDir), resolve(target))
  if (isAbsolute(rel)) return resolve(target) // another drive: no relative path exists
  const url = rel.split(sep).map(encodeURIComponent).join('/')
  return url === '' ? '.' : url.startsWith('..') ? url : `./${url}`
}
