import { SCALAR_TYPE_NAMES } from '@parquetframe/runtime/schema'

// Names a schema may not use, with the reason shown in the diagnostic. Generated code turns entities into classes,
// fields into properties and parameters, so words that break or confuse that code are refused up front.

const words = (list: string): ReadonlySet<string> => new Set(list.trim().split(/\s+/))

/** JavaScript/TypeScript reserved and strict-mode words. */
export const JS_RESERVED_WORDS = words(`
  arguments await break case catch class const continue debugger default delete do else enum eval export extends
  false finally for function if implements import in instanceof interface let new null package private protected
  public return static super switch this throw true try typeof undefined var void while with yield
`)

/**
 * Members the generated entity classes inherit from the runtime's `Entity` (every instance member, whatever its
 * visibility, and every static), members of the generated classes and repositories, and object internals.
 */
export const GENERATED_MEMBER_NAMES = words(`
  save delete related repository
  repo create find findAll findBy findOne findMany count exists saveAll upsert deleteBy deleteAll stream
  findFirst createMany update reload toJSON constructor prototype __proto__ then
`)

/** Global names an entity or enum would shadow in generated modules (besides the scalar type names). */
export const RESERVED_TYPE_NAMES = words(`
  Array BigInt Boolean Date Error Function JSON Map Math Number Object Omit Partial Pick Promise Readonly Record
  RegExp Required Set String Symbol Uint8Array
`)

/** Why `name` cannot name a field or relation, or undefined when it can. */
export function reservedFieldReason(name: string): string | undefined {
  if (JS_RESERVED_WORDS.has(name)) return 'it is a JavaScript reserved word'
  if (GENERATED_MEMBER_NAMES.has(name)) return 'it clashes with a member of the generated entity class'
  return undefined
}

/** Why `name` cannot name an entity or enum, or undefined when it can. */
export function reservedTypeReason(name: string): string | undefined {
  if (JS_RESERVED_WORDS.has(name)) return 'it is a JavaScript reserved word'
  if ((SCALAR_TYPE_NAMES as readonly string[]).includes(name)) return 'it is a built-in scalar type'
  if (RESERVED_TYPE_NAMES.has(name)) return 'it would shadow a JavaScript global in generated code'
  return undefined
}
