import type { FieldType } from '@parquetframe/runtime/schema'
import type { DecoratorSetup } from './decorator-setup.js'
import type { ResolvedType } from './field-type-resolver.js'
import type { TsShape } from './ts-type-shape.js'

/**
 * Why the runtime, running the classes themselves, cannot type a field that has no explicit type (undefined when
 * it can). It mirrors the runtime's `typeFromDesignType`: without design-time metadata nothing is known; with it,
 * `design:type` is String, Boolean, Date, BigInt or Uint8Array, or Number on an `@id`; arrays, objects,
 * intersections (`DateOnly`) and properties without a type annotation come as Array or Object.
 */
export function runtimeTypingGap(
  setup: DecoratorSetup,
  shape: TsShape,
  annotated: boolean,
  isId: boolean,
): string | undefined {
  if (!setup.designTypes) {
    const where =
      setup.tsconfig === undefined
        ? 'no tsconfig.json, so no design-time type metadata'
        : `${setup.tsconfig} does not turn on both experimentalDecorators and emitDecoratorMetadata, so no design-time type metadata`
    return `${where}; tsx, esbuild and standard decorators never emit it`
  }
  if (!annotated) return 'without a type annotation design:type is Object'
  switch (shape.kind) {
    case 'string':
    case 'literals':
    case 'boolean':
    case 'date':
    case 'bigint':
    case 'bytes':
      return undefined
    case 'number':
      return isId ? undefined : "design:type Number could be 'int' or 'float'"
    case 'list':
      return 'design:type of an array is Array'
    case 'dateOnly':
      return 'design:type of DateOnly (a branded string) is Object'
    case 'unsupported':
      return 'its TypeScript type has no storage type'
  }
}

/** The explicit type spec for a resolved type, as written in a decorator: `'int?'`, `listOf('string')`, `enumOf(...)`. */
export function specText(resolved: ResolvedType): string {
  const text = (type: FieldType): string => {
    if (type.kind === 'list') return `listOf(${text(type.element)})`
    if (type.kind === 'enum') {
      const values = resolved.enums.find((e) => e.name === type.name)?.values ?? []
      return `enumOf('${type.name}', [${values.map((v) => `'${v}'`).join(', ')}])`
    }
    return `'${type.name.toLowerCase()}'`
  }
  const base = text(resolved.type)
  return resolved.optional && resolved.type.kind === 'scalar' ? `${base.slice(0, -1)}?'` : base
}
