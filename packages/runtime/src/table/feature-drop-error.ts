import { ParquetFrameError } from '../errors/pf-error.js'

/** A Delta table feature cannot be dropped yet (a live file still needs it); the table is unchanged. */
export class FeatureDropError extends ParquetFrameError {
  constructor(
    readonly table: string,
    /** The feature, e.g. `pfAvroDataFiles`. */
    readonly feature: string,
    /** Why, naming the file or version. */
    readonly detail: string,
  ) {
    super('PF_FEATURE_DROP', `Table ${table}: cannot drop the Delta feature ${feature}: ${detail}`)
  }
}
