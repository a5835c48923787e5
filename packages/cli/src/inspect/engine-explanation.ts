import type { EngineInfo } from './file-inspection.js'

type ExplainEngine = (path: string) => Promise<EngineInfo>

/**
 * Which engine `read(path)` would choose and why, through the runtime's `explainEngine`;
 * undefined when this build of the runtime does not export it yet.
 */
export async function explainEngineFor(path: string): Promise<EngineInfo | undefined> {
  const runtime = (await import('@parquetframe/runtime')) as { explainEngine?: unknown }
  if (typeof runtime.explainEngine !== 'function') return undefined
  const { engine, estimatedBytes, reason } = await (runtime.explainEngine as ExplainEngine)(path)
  return { engine, estimatedBytes, reason }
}
