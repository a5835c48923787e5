import { ParquetFrameError } from '../errors/pf-error.js'

/** A Delta `schemaString` that is not valid JSON or not the spec's schema serialization; `path` names the field. */
export class DeltaSchemaError extends ParquetFrameError {
  constructor(
    /** Where the schema came from (table path, log file), when known. */
    readonly source: string | undefined,
    /** The field path inside the schema, e.g. `fields[2].type.elementType`. */
    readonly path: string,
    detail: string,
  ) {
    super(
      'PF_DELTA_SCHEMA',
      `Delta schema${source === undefined ? '' : ` of ${source}`}, at ${path}: ${detail}`,
    )
  }
}
