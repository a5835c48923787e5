// The setup the test/delta files share: the spec oracle and a temp folder per test file, the Person entity registered
// with its tables in that folder, and entities parsed from schema text as a user writes it.
import { parseSchema } from '@parquetframe/codegen'
import {
  type EntityClass,
  type EntityIR,
  EntityRegistry,
  type EnumIR,
  registerEntity,
  resetConfig,
  setConfig,
  withRegistry,
} from '@parquetframe/runtime'
import { afterAll, beforeAll } from 'vitest'
import { useSharedTempDir } from '../../packages/runtime/src/table/__fixtures__/temp-dir.js'
import { registerPerson } from './person-entity.js'
import { SpecDeltaReader } from './spec-delta-reader.js'

/** What the tests of one file share: read them inside tests (they exist between beforeAll and afterAll). */
export interface OracleWorkspace {
  /** The spec oracle. */
  readonly oracle: SpecDeltaReader
  /** A temp folder of this test file. */
  readonly dir: string
}

/** Opens the oracle and makes a temp folder named `<prefix>…` before the file's tests; closes and removes them after. */
export function useOracleWorkspace(prefix: string): OracleWorkspace {
  let oracle: SpecDeltaReader | undefined
  // Removed with the retries a table's background work (a state cache written after commits pause) needs.
  const tmp = useSharedTempDir(prefix)
  beforeAll(async () => {
    oracle = await SpecDeltaReader.open()
  })
  afterAll(() => {
    oracle?.close()
  })
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`the workspace's ${name} is used outside its tests`)
    return value
  }
  return {
    get oracle() {
      return ready(oracle, 'oracle')
    },
    get dir() {
      return tmp.dir
    },
  }
}

/** An oracle workspace whose folder is the entity base path, with Person registered in `registry`. */
export function usePersonWorkspace(prefix: string): OracleWorkspace & { readonly registry: EntityRegistry } {
  const workspace = useOracleWorkspace(prefix)
  const registry = new EntityRegistry()
  beforeAll(() => {
    setConfig({ entityBasePath: workspace.dir })
    registerPerson(registry)
  })
  afterAll(() => resetConfig())
  return {
    get oracle() {
      return workspace.oracle
    },
    get dir() {
      return workspace.dir
    },
    registry,
  }
}

/** The one entity of a schema text and the text's enums; throws with the parser's diagnostics when it has none. */
export function schemaOf(schema: string): { readonly entity: EntityIR; readonly enums: readonly EnumIR[] } {
  const parsed = parseSchema(schema)
  const entity = parsed.ir?.entities[0]
  if (!parsed.ir || !entity) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'))
  return { entity, enums: parsed.ir.enums }
}

/** The one entity of a schema text; throws with the parser's diagnostics when it has none. */
export function entityOf(schema: string): EntityIR {
  return schemaOf(schema).entity
}

/** A new registry holding `ctor` registered with the one entity of `schema`, as generated code does. */
export function registryOf(ctor: EntityClass, schema: string): EntityRegistry {
  const { entity, enums } = schemaOf(schema)
  const registry = new EntityRegistry()
  withRegistry(registry, () => registerEntity(ctor, entity, enums))
  return registry
}
