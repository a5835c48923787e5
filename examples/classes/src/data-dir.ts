import { fileURLToPath } from 'node:url'

/** Where the example keeps its tables: $EXAMPLE_DATA_DIR, else examples/classes/data. */
export const dataDir = process.env.EXAMPLE_DATA_DIR ?? fileURLToPath(new URL('../data', import.meta.url))

/** Prints one result line: a padded label, then the value. */
export const line = (label: string, value: unknown): void => console.log(`${label.padEnd(36)} ${value}`)
