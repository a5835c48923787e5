/**
 * `commitInfo.engineInfo` of every commit pf writes: `parquetframe/<version of @parquetframe/runtime>`. A literal
 * rather than a read of package.json (bundled workers have none next to them); engine-info.test.ts keeps it equal.
 */
export const ENGINE_INFO = 'parquetframe/0.1.0'
