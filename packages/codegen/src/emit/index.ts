// Public API of the emitters: schema IR in, generated files out.
export type { GenerateOptions, ImportExtension } from './emit-context.js'
export { type GeneratedFiles, generate } from './generate.js'
