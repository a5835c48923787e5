// Development entry: `node --conditions=@parquetframe/source --import tsx packages/cli/src/bin.ts …`.
import { main } from './main.js'

process.exitCode = await main(process.argv.slice(2))
