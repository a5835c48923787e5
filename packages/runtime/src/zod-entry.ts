// The `./zod` entry (bundled as dist/bundle/zod.js: scripts/bundle.mjs; types from zod.d.ts). `export { z } from 'zod'` would make
// Node 20's ESM loader open zod's ~60 files at once (EMFILE under ulimit -n 64: package-entry.test.ts). zod's
// CommonJS build is required instead: read one file at a time, and, unlike require() of its ES module build, never
// racing an import('zod') in flight. zod 4 recognises its schemas across the two builds (instanceof by traits).
import { createRequire } from 'node:module'
import type * as Zod from 'zod'

const zod = createRequire(import.meta.url)('zod') as typeof Zod

/** zod's `z`, as generated code validates with it. */
export const { z } = zod
export { pfz } from './entity/scalar-zod.js'
