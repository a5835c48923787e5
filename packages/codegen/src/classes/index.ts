// The decorated-classes front-end: TypeScript classes using the runtime's decorators → the schema IR.
export type { ClassSource } from './class-project.js'
export type { DecoratorSetup } from './decorator-setup.js'
export { readDecoratorSetup } from './decorator-setup.js'
export type { ClassParseOptions } from './parse-classes.js'
export { parseClasses, parseClassSources } from './parse-classes.js'
