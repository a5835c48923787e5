import { explainEngine } from '@parquetframe/runtime'
import type { EngineInfo } from './file-inspection.js'

/** Which engine `read(path)` would choose and why (the runtime's `explainEngine`, with its size estimate). */
export async function explainEngineFor(path: string): Promise<EngineInfo> {
  const { engine, estimatedBytes, reason } = await explainEngine(path)
  return { engine, estimatedBytes, reason }
}
