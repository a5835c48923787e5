import { ParquetFrameError } from '../errors/pf-error.js'

/**
 * A Delta table another writer created that an entity cannot adopt: one problem per field, column, configuration
 * key or stored row that does not fit (`Ticket.id: column id is double in the Delta table, ...`). Nothing was
 * written. Protocol features pf cannot write are TableProtocolError instead.
 */
export class TableAdoptionError extends ParquetFrameError {
  constructor(
    /** The table folder. */
    readonly table: string,
    readonly problems: readonly string[],
  ) {
    super(
      'PF_TABLE_ADOPTION',
      `Cannot adopt the Delta table at ${table}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    )
  }
}
