#!/usr/bin/env node
// The `pf` binary: runs the built CLI (packages/cli/dist). Exit code 0 ok, 1 user error, 2 internal error.
import { main } from '../dist/index.js'

process.exitCode = await main(process.argv.slice(2))
