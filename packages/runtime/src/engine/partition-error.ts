import { ParquetFrameError } from '../errors/pf-error.js'

/** A partition of the partitioned engine failed (a damaged file, a query error on its data). */
export class PartitionError extends ParquetFrameError {
  /** The partition's file, or `(in memory)`. */
  readonly partition: string
  constructor(partition: string, message: string, options?: { cause?: unknown }) {
    super('PF_PARTITION', `Partition ${partition} failed: ${message}`, options)
    this.partition = partition
  }
}
