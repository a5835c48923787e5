#!/usr/bin/env node
// The `pf` binary. Imports the package by its own name, which resolves to the built ./dist/index.js
// (or, under `node --conditions=@parquetframe/source --import tsx`, to the TypeScript sources).
// Exit code 0 ok, 1 user error, 2 internal error.
import { main } from '@parquetframe/cli'

process.exitCode = await main(process.argv.slice(2))
