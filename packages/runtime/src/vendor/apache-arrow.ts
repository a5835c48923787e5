// apache-arrow's values for the runtime, from its CommonJS build: `import 'apache-arrow'` makes Node 20's ESM
// loader open its ~80 files at once (EMFILE under ulimit -n 64: package-entry.test.ts). Types come from the package.
// Loaded on first use, not at import: requiring it takes ~60 ms (a third of the runtime's import), which an app
// that never meets a Bytes, Decimal or Avro column, a Delta checkpoint or Parquet field ids should not pay. Each
// name below stands for the package's own value: a class (constructed, extended, its statics read, `instanceof`)
// or an enum through a Proxy that loads the package when first touched, a function through a wrapper.
import { createRequire } from 'node:module'
import type * as Arrow from 'apache-arrow'

type ArrowModule = typeof Arrow

let loaded: ArrowModule | undefined

/** The package's exports, required the first time. */
function arrow(): ArrowModule {
  loaded ??= createRequire(import.meta.url)('apache-arrow') as ArrowModule
  return loaded
}

/** A class or enum of the package: what is done to the stand-in (read, call, construct, `instanceof`) is done to it. */
function lazyValue<K extends keyof ArrowModule>(name: K): ArrowModule[K] {
  const real = () => arrow()[name] as unknown as new (...args: unknown[]) => object
  // A function target, so that the stand-in of a class can be called and constructed.
  const standIn: object = new Proxy(function standIn() {}, {
    get: (_target, key) => Reflect.get(real(), key),
    apply: (_target, self, args) => Reflect.apply(real(), self, args),
    construct: (_target, args, newTarget) =>
      Reflect.construct(real(), args, newTarget === standIn ? real() : newTarget),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  })
  return standIn as ArrowModule[K]
}

/** A function of the package, called through a wrapper that loads it. */
function lazyFunction<K extends keyof ArrowModule>(name: K): ArrowModule[K] {
  return ((...args: unknown[]) => (arrow()[name] as (...a: unknown[]) => unknown)(...args)) as ArrowModule[K]
}

export const Binary = lazyValue('Binary')
export const Bool = lazyValue('Bool')
export const DataType = lazyValue('DataType')
export const Decimal = lazyValue('Decimal')
export const Field = lazyValue('Field')
export const Float32 = lazyValue('Float32')
export const Float64 = lazyValue('Float64')
export const Int32 = lazyValue('Int32')
export const Int64 = lazyValue('Int64')
export const LargeUtf8 = lazyValue('LargeUtf8')
export const List = lazyValue('List')
export const Map_ = lazyValue('Map_')
export const Message = lazyValue('Message')
export const MessageReader = lazyValue('MessageReader')
export const Precision = lazyValue('Precision')
export const Schema = lazyValue('Schema')
export const Struct = lazyValue('Struct')
export const Table = lazyValue('Table')
export const Type = lazyValue('Type')
export const Utf8 = lazyValue('Utf8')
export const makeData = lazyFunction('makeData')
export const makeVector = lazyFunction('makeVector')
export const tableFromIPC = lazyFunction('tableFromIPC')
export const tableToIPC = lazyFunction('tableToIPC')
export const vectorFromArray = lazyFunction('vectorFromArray')
/** An Arrow data type (the class `DataType` describes). */
export type DataType = Arrow.DataType
