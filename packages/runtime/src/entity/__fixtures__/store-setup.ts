// The set-up of the tests that drive a store through the entity API, written once: an entity class registered in
// a registry of its own, and a file system counting the data files a query touches.
import { sep } from 'node:path'
import type { EntityIR } from '../../schema/schema-ir.js'
import type { FileSystem } from '../../table/file-system.js'
import { nodeFileSystem } from '../../table/node-file-system.js'
import {
  type EntityClass,
  EntityRegistry,
  type EntityStore,
  type Repository,
  registerEntity,
  withRegistry,
} from '../index.js'

/** The repository of `ctor` in `store`, the class registered with `ir` in a fresh registry (names never clash). */
export function registeredRepository<T extends object>(
  store: EntityStore,
  ctor: EntityClass<T>,
  ir: EntityIR,
): Repository<T> {
  const registry = new EntityRegistry()
  withRegistry(registry, () => registerEntity(ctor, ir))
  return withRegistry(registry, () => store.repository(ctor))
}

/** The data files read (stat or bytes) through the store's file-system seam, index files excluded. */
export function countingFileSystem(): { fs: FileSystem; touched: Set<string> } {
  const touched = new Set<string>()
  const isData = (p: string) => p.includes('part-') && !p.includes(`${sep}_pf${sep}`) && !p.endsWith('.tmp')
  const fs: FileSystem = Object.create(nodeFileSystem)
  fs.readFile = (p) => {
    if (isData(p)) touched.add(p)
    return nodeFileSystem.readFile(p)
  }
  fs.stat = (p) => {
    if (isData(p)) touched.add(p)
    return nodeFileSystem.stat(p)
  }
  return { fs, touched }
}
