import { FaultyFileSystem } from '../faulty-file-system.js'
import type { WriteOptions } from '../file-system.js'

/** A FaultyFileSystem that also records which files `writeFile` flushes (every write not `durable: false`). */
export class DurableWrites extends FaultyFileSystem {
  readonly durable: string[] = []
  override async writeFile(path: string, data: Uint8Array | string, options?: WriteOptions): Promise<void> {
    if (options?.durable !== false) this.durable.push(path)
    return super.writeFile(path, data, options)
  }
}
