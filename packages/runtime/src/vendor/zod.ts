// zod for the runtime's own modules, from its CommonJS build: `import 'zod'` makes Node 20's ESM loader open zod's
// ~60 files at once (EMFILE under ulimit -n 64), and require() of its ES module build would race an app's
// concurrent import('zod'). The same instance as the ./zod entry that generated code uses (zod-entry.ts).
import { createRequire } from 'node:module'
import type * as Zod from 'zod'

/** zod's `z` (values). */
export const z: typeof Zod.z = (createRequire(import.meta.url)('zod') as typeof Zod).z

/** The zod types the runtime names as `z.X`. */
export declare namespace z {
  export type ZodType = Zod.z.ZodType
  export type ZodObject = Zod.z.ZodObject
}
