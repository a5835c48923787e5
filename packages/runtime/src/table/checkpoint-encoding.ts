import { type DeltaCheckpointAction, encodeCheckpoint } from '../delta/checkpoint-parquet.js'
import { maintenanceThread } from './maintenance-thread.js'

/**
 * A Delta checkpoint's Parquet bytes (`encodeCheckpoint`), encoded on the maintenance thread (maintenance-thread.ts)
 * so loading parquet-wasm and the Arrow/Parquet encoding never block this thread's event loop; here when that
 * thread cannot (its error, e.g. a CheckpointFormatError, is then this thread's).
 */
export async function encodeCheckpointOffThread(
  actions: readonly DeltaCheckpointAction[],
  file: string,
): Promise<Uint8Array> {
  const bytes = await maintenanceThread.tryRun({ kind: 'checkpoint', actions, file })
  return bytes ?? encodeCheckpoint(actions, { file })
}
