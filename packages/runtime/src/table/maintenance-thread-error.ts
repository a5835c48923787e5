import { ParquetFrameError } from '../errors/pf-error.js'

/**
 * The maintenance thread could not run a job (it could not start, died, or the job failed there). Never a user's
 * error: the job then runs in the calling thread, which raises the job's own error if it has one.
 */
export class MaintenanceThreadError extends ParquetFrameError {
  constructor(
    readonly job: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('PF_MAINTENANCE_THREAD', `Maintenance thread could not run ${job}: ${detail}`, options)
  }
}
