// Public API of the emitters: schema IR in, generated files out.
export type { GenerateOptions } from './emit-context.js'
export { type GeneratedFiles, generate } from './generate.js'
