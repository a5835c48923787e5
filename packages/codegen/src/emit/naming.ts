import type { EntityIR } from '@parquetframe/runtime'

/** `BlogPost` → `blog-post`, `HTTPRequest` → `http-request`. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase()
}

/** `BlogPost` → `blogPost`. */
export function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}

/** The module an entity is emitted to, without extension: `blog-post`. */
export function entityModule(entity: Pick<EntityIR, 'name'>): string {
  return kebabCase(entity.name)
}

/** The names of everything emitted for one entity, so cross-references agree. */
export interface EntityNames {
  readonly cls: string
  readonly fields: string
  readonly createInput: string
  readonly where: string
  readonly orderBy: string
  readonly include: string
  /** The entity with some relations loaded: `UserWith<{ posts: true }>`. */
  readonly withIncludes: string
  readonly select: string
  readonly findManyArgs: string
  readonly schema: string
  readonly createSchema: string
  readonly ir: string
  readonly module: string
}

export function entityNames(entity: Pick<EntityIR, 'name'>): EntityNames {
  const n = entity.name
  return {
    cls: n,
    fields: `${n}Fields`,
    createInput: `${n}CreateInput`,
    where: `${n}Where`,
    orderBy: `${n}OrderBy`,
    include: `${n}Include`,
    withIncludes: `${n}With`,
    select: `${n}Select`,
    findManyArgs: `${n}FindManyArgs`,
    schema: `${n}Schema`,
    createSchema: `${n}CreateSchema`,
    ir: `${camelCase(n)}Entity`,
    module: entityModule(entity),
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** A property key as written in an object type or literal: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : quote(name)
}

/** A single-quoted string literal. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`
}

/** Files `generate` writes whatever the schema (`json-value.ts` only when a field is Json, reserved always). */
export const FIXED_GENERATED_FILES: readonly string[] = ['enums.ts', 'index.ts', 'json-value.ts']

/**
 * Names generated modules import or declare whatever the schema, with where they come from: a schema declaration
 * that generates one of them would not compile. (Runtime imports are aliased to `Pf<name>` when the schema declares
 * the name, so they are not listed; see `rt` in emit-context.ts.)
 */
export const RESERVED_GENERATED_NAMES: ReadonlyMap<string, string> = new Map([
  ['z', "the zod import ('@parquetframe/runtime/zod')"],
  ['pfz', "the stored types' zod schemas ('@parquetframe/runtime/zod')"],
  ['pl', 'the nodejs-polars namespace'],
  ['enums', 'the list of enums in enums.ts'],
  ['JsonValue', 'the JSON value type in json-value.ts'],
])

/** Longest entity or enum name: its derived names and file name must stay within file-system limits. */
export const MAX_GENERATED_NAME_LENGTH = 64

/** The `.ts` file an entity is emitted to. */
export function entityFileName(entity: Pick<EntityIR, 'name'>): string {
  return `${entityModule(entity)}.ts`
}

/** The top-level identifiers the module of an entity declares (all re-exported from index.ts). */
export function entityIdentifiers(entity: Pick<EntityIR, 'name'>): string[] {
  const { module: _, ...names } = entityNames(entity)
  return Object.values(names)
}

// Words whose first letter misleads: a vowel letter read as a consonant ("a User"), or a silent h ("an Hour").
const A_BEFORE_VOWEL = [
  'uni',
  'use',
  'usa',
  'usu',
  'uti',
  'ura',
  'uri',
  'uro',
  'uu',
  'eu',
  'ewe',
  'one',
  'once',
]
const AN_BEFORE_H = ['hour', 'honest', 'honor', 'honour', 'heir']

/** `Event` → `an Event`, `User` → `a User`: the article by the first letter, with a few exceptions by sound. */
export function withArticle(noun: string): string {
  const lower = noun.toLowerCase()
  const vowel = /^[aeiou]/.test(lower)
  const an = vowel
    ? !A_BEFORE_VOWEL.some((p) => lower.startsWith(p))
    : AN_BEFORE_H.some((p) => lower.startsWith(p))
  return `${an ? 'an' : 'a'} ${noun}`
}
