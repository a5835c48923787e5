// Links the runtime's compiled modules (dist/, from `tsc -b`) into the few ES modules of dist/bundle/ that the
// package's entries point at (package.json "exports"). Importing ~300 separate modules cost a fresh process ~170 ms
// in Node's module loader (resolve, stat, read, compile and link each: docs/design/fast-durable-commits.md, "A fresh
// process"); one graph of a few files costs ~15 ms. Every entry shares one copy of each module (code splitting: a
// module two entries import lives in a chunk both load), so `Entity` from `.` is `Entity` of `./testing`, and one
// module-level cache serves them all. Nothing of another package is bundled (`packages: 'external'`): zod,
// apache-arrow, polars … are the app's own node_modules, required where the runtime requires them. tsc stays the
// only compiler: esbuild reads its JavaScript and source maps (the bundle's map leads to src/*.ts) and keeps class
// and function names (errors are told apart by name).
import { rm } from 'node:fs/promises'
import { build } from 'esbuild'

const dist = new URL('../dist/', import.meta.url)
const out = new URL('bundle/', dist)

/** Bundle entry name → compiled module. `partition-worker` sits beside the chunks: the worker pool starts it by a
 * path relative to its own module (engine/worker-pool.ts). */
const entries = {
  index: 'index.js',
  internal: 'internal.js',
  testing: 'testing.js',
  schema: 'schema/index.js',
  'avro-schema': 'format/avro-entity-schema.js',
  'project-config': 'config/project-config.js',
  zod: 'zod-entry.js',
  'partition-worker': 'engine/partition-worker.js',
}

await rm(out, { recursive: true, force: true })
await build({
  entryPoints: Object.fromEntries(
    Object.entries(entries).map(([name, file]) => [name, new URL(file, dist).pathname]),
  ),
  outdir: out.pathname,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  keepNames: true,
  sourcemap: 'linked',
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
})
