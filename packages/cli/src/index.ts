// Public API of @parquetframe/cli: the `pf` command (bin/pf.js runs `main`). Everything else is private to the
// package; tools run the command. test/packaging/public-api.test.ts lists these names.

export { main } from './main.js'
