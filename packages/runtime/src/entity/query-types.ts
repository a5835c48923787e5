/*
 * Types of queries, derived from the entity class itself: a typo in a where/orderBy/select/include key fails to
 * compile. Fields are the instance's non-method string keys; relations are its methods returning a Promise of an
 * entity, an entity list or null (excluding the base methods save/delete/reload).
 */

import type { DATE_ONLY } from './date-only.js'

/** Declares the create input of a class when it differs from the default (e.g. fields with defaults): `declare readonly [CREATE_INPUT]?: UserCreate`. */
export const CREATE_INPUT: unique symbol = Symbol('parquetframe.createInput')
/** Declares the primary-key type of a class whose key field is not `id`: `declare readonly [PRIMARY_KEY]?: string`. */
export const PRIMARY_KEY: unique symbol = Symbol('parquetframe.primaryKey')

/** Methods of the Entity base class, never relations. */
export type EntityBaseMethod = 'save' | 'delete' | 'reload' | 'toJSON'

/** The stored fields of T: string keys whose values are not functions. */
export type FieldKeys<T> = {
  [K in keyof T]-?: K extends string ? (T[K] extends (...args: never[]) => unknown ? never : K) : never
}[keyof T]

/** The relation accessors of T: methods returning a Promise of an entity, a list of entities or null. */
export type RelationKeys<T> = {
  [K in keyof T]-?: K extends string
    ? K extends EntityBaseMethod
      ? never
      : T[K] extends (...args: never[]) => Promise<infer R>
        ? [R] extends [object | null]
          ? K
          : never
        : never
    : never
}[keyof T]

/** The entity type at the other end of relation K of T. */
export type RelationTargetOf<T, K extends keyof T> = T[K] extends (...args: never[]) => Promise<infer R>
  ? R extends readonly (infer E)[]
    ? E
    : Exclude<R, null>
  : never

/** The plain data of an entity: its stored fields. */
export type EntityData<T> = { [K in FieldKeys<T>]: T[K] }

type NullableKeys<T> = {
  [K in FieldKeys<T>]-?: null extends T[K] ? K : undefined extends T[K] ? K : never
}[FieldKeys<T>]

/**
 * Default create input: nullable fields may be omitted (or undefined: undefined means absent, so a schema's
 * `.partial()` output fits under exactOptionalPropertyTypes), the others are required.
 */
export type DefaultCreateInput<T> = { [K in Exclude<FieldKeys<T>, NullableKeys<T>>]: T[K] } & {
  [K in NullableKeys<T>]?: T[K] | null | undefined
}

/** The data `create`/`upsert` accept: the class's declared `[CREATE_INPUT]` type, else DefaultCreateInput. */
export type CreateInput<T> = T extends { readonly [CREATE_INPUT]?: infer C } ? C : DefaultCreateInput<T>

/** The primary-key value type: the declared `[PRIMARY_KEY]` type, else the type of `id`, else string | number | bigint. */
export type PrimaryKeyOf<T> = T extends { readonly [PRIMARY_KEY]?: infer K }
  ? K
  : T extends { readonly id: infer K }
    ? K
    : string | number | bigint

/** `null` when the field type admits null (an optional field), else never. */
export type NullOf<V> = null extends V ? null : undefined extends V ? null : never

/** `isNull`, only on optional fields (N = null). */
export type NullFilter<N> = [N] extends [never] ? unknown : { isNull?: boolean | undefined }

/** Equality operators (every scalar but Boolean): equals, in, notIn. N is null on optional fields. */
export type EqualityFilter<V, N> = {
  equals?: V | N | undefined
  in?: readonly (V | N)[] | undefined
  notIn?: readonly (V | N)[] | undefined
} & NullFilter<N>

/** Operators on a number, bigint or Date field: equality, in/notIn, not, gt/gte/lt/lte. */
export type ComparableFilter<V, N = never> = EqualityFilter<V, N> & {
  not?: V | N | ComparableFilter<V, N> | undefined
  gt?: V | undefined
  gte?: V | undefined
  lt?: V | undefined
  lte?: V | undefined
}

/** Operators on a string field (also Decimal, and Date fields typed `string` rather than `DateOnly`): those of ComparableFilter plus text matching. */
export type StringFilter<N = never> = EqualityFilter<string, N> & {
  not?: string | N | StringFilter<N> | undefined
  gt?: string | undefined
  gte?: string | undefined
  lt?: string | undefined
  lte?: string | undefined
  contains?: string | undefined
  startsWith?: string | undefined
  endsWith?: string | undefined
}

/** Operators on a date-only field (`DateOnly`, 'YYYY-MM-DD'): equality, in/notIn, not, gt/gte/lt/lte — no text matching. */
export type DateOnlyFilter<N = never> = EqualityFilter<string, N> & {
  not?: string | N | DateOnlyFilter<N> | undefined
  gt?: string | undefined
  gte?: string | undefined
  lt?: string | undefined
  lte?: string | undefined
}

/** Operators on an enum field (a string-literal union): equality, in/notIn, not. */
export type EnumFilter<V, N = never> = EqualityFilter<V, N> & { not?: V | N | EnumFilter<V, N> }

/** Operators on a Boolean field: equals and not only. */
export type BooleanFilter<N = never> = {
  equals?: boolean | N | undefined
  not?: boolean | N | BooleanFilter<N> | undefined
} & NullFilter<N>

/** The operators of a scalar field type V (without null); N is null on optional fields. */
export type ScalarFilter<V, N = never> = [V] extends [boolean]
  ? BooleanFilter<N>
  : [V] extends [string]
    ? typeof DATE_ONLY extends keyof V
      ? DateOnlyFilter<N>
      : string extends V
        ? StringFilter<N>
        : EnumFilter<V, N>
    : ComparableFilter<V, N>

/** Filter operators on a list field (`isNull` only when the field is optional). */
export type ListFilter<E, N = never> = { has?: E | undefined; isEmpty?: boolean | undefined } & NullFilter<N>

/**
 * What a field accepts in `where`: a value (equality), null (optional fields: is null), or the operators of its
 * type — gt/gte/lt/lte on numbers, bigints, Dates and strings; contains/startsWith/endsWith on strings; only
 * equals/not on booleans; equality and in/notIn on enums; has/isEmpty on lists; only null/isNull on Json and Bytes.
 */
export type FieldFilter<V> = [NonNullable<V>] extends [readonly (infer E)[]]
  ? ListFilter<E, NullOf<V>> | NullOf<V>
  : [NonNullable<V>] extends [boolean | string | number | bigint | Date]
    ? NonNullable<V> | NullOf<V> | ScalarFilter<NonNullable<V>, NullOf<V>>
    : [NullOf<V>] extends [never]
      ? never
      : null | { isNull?: boolean | undefined }

/** A `where` object: field conditions (ANDed), plus AND / OR / NOT; `undefined` values are no condition. */
export type WhereInput<T> = { [K in FieldKeys<T>]?: FieldFilter<T[K]> | undefined } & {
  AND?: WhereInput<T> | readonly WhereInput<T>[] | undefined
  OR?: readonly WhereInput<T>[] | undefined
  NOT?: WhereInput<T> | readonly WhereInput<T>[] | undefined
}

/** Sort direction. Nulls sort last in both directions. */
export type SortOrder = 'asc' | 'desc'

/** `orderBy`: one object (keys in order) or a list of them. */
export type OrderByInput<T> =
  | { [K in FieldKeys<T>]?: SortOrder }
  | readonly { [K in FieldKeys<T>]?: SortOrder }[]

/** `select`: the fields to load (the primary key is always loaded). */
export type SelectInput<T> = { [K in FieldKeys<T>]?: boolean }

/** What each relation of `include` loads: everything (`true`) or a query on the target. */
export type IncludeInput<T> = {
  [K in RelationKeys<T>]?: true | IncludeQuery<RelationTargetOf<T, K>>
}

/** A query on included (related) entities. */
export interface IncludeQuery<T> {
  where?: WhereInput<T>
  orderBy?: OrderByInput<T>
  /** Per parent: at most this many related entities. */
  limit?: number
  include?: IncludeInput<T>
}

/** The query a relation accessor accepts: `user.posts({ where, orderBy, limit, offset })`. */
export interface RelationQuery<T> {
  where?: WhereInput<T>
  orderBy?: OrderByInput<T>
  limit?: number
  offset?: number
}

/** `findMany` options. */
export interface FindManyQuery<T> {
  where?: WhereInput<T>
  orderBy?: OrderByInput<T>
  /** Default: no limit. */
  limit?: number
  /** Default 0. */
  offset?: number
  select?: SelectInput<T>
  /** Relations to load with one batched query each; afterwards `entity.rel()` answers without a query. */
  include?: IncludeInput<T>
}

/** `stream` options. */
export interface StreamQuery<T> extends Omit<FindManyQuery<T>, 'include'> {
  /** Entities per batch. Default 10,000. */
  batchSize?: number
}

type SelectedKeys<S> = { [K in keyof S]: S[K] extends true ? K : never }[keyof S]

/** The keys of an `include` object that load a relation (present and not optional). */
export type IncludedKeys<I> = {
  [K in keyof I]-?: Record<never, never> extends Pick<I, K> ? never : K
}[keyof I]

/**
 * What relation K of T holds once included with spec S (`true` or a query, possibly with its own `include`):
 * `Post[]` for a list relation, `User | null` for a single one — each narrowed by the nested include.
 */
export type LoadedRelation<T, K extends keyof T, S> = T[K] extends (...args: never[]) => Promise<infer R>
  ? [R] extends [readonly (infer E)[]]
    ? WithIncludes<E, S extends { include: infer I } ? I : unknown>[]
    :
        | WithIncludes<Exclude<R, null>, S extends { include: infer I } ? I : unknown>
        | (null extends R ? null : never)
  : never

/**
 * An entity (or its selected part, `Base`) with the relations of `include` loaded: each included relation is an
 * own property holding the loaded value, which shadows the accessor method — hence `Omit<T, K> & { K: … }`, not
 * `T & { … }` (that would claim `posts` is both a method and an array). Without included keys: `Base` itself.
 */
export type WithIncludes<T, I, Base = T> = [IncludedKeys<I>] extends [never]
  ? Base
  : Omit<Base, IncludedKeys<I>> & {
      [K in Extract<IncludedKeys<I>, keyof T>]: LoadedRelation<T, K, I[K & keyof I]>
    }

/** The selected fields of T (all of T without `select`). */
export type SelectResult<T, Q> = Q extends { select: infer S }
  ? Pick<T, Extract<SelectedKeys<S>, keyof T>>
  : T

/**
 * The result type of a `findMany`: T, or the selected fields of T; with `include`, the included relations are
 * properties holding the loaded values: `findMany({ include: { posts: true } })` gives
 * `Omit<User, 'posts'> & { posts: Post[] }`.
 */
export type FindResult<T, Q> = Q extends { include: infer I }
  ? WithIncludes<T, I, SelectResult<T, Q>>
  : SelectResult<T, Q>
