// Reads one file with `read()` + `toRecords()` and prints the outcome as one JSON line: run in a child process
// by the tests, so that a file which takes the process down shows up as a signal instead of killing the runner.
import { writeFileSync } from 'node:fs'
import { ParquetFrameError, read } from '../../index.js'

/** JSON for the values toRecords() returns, with the types JSON lacks tagged. */
function tagged(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key]
  if (raw instanceof Date) return { $date: Number.isNaN(raw.getTime()) ? 'invalid' : raw.toISOString() }
  if (typeof value === 'bigint') return { $bigint: String(value) }
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('hex') }
  if (typeof value === 'number' && !Number.isFinite(value)) return { $float: String(value) }
  return value
}

const [path, out] = process.argv.slice(2)
let result: unknown
try {
  const records = await (await read(path as string)).toRecords()
  result = { ok: true, records }
} catch (error) {
  const e = error as Error
  result = {
    ok: false,
    name: e.constructor.name,
    code: error instanceof ParquetFrameError ? error.code : null,
    message: e.message,
  }
}
const text = JSON.stringify(result, tagged)
if (out) writeFileSync(out, text)
else process.stdout.write(`${text}\n`)
