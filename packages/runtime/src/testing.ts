// @parquetframe/runtime/testing: test doubles for an app's own tests (a file system that fails on purpose).
// test/packaging/public-api.test.ts lists these names.

export { type FaultRule, FaultyFileSystem, type FsOperation, fsError } from './table/index.js'
