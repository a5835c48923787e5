import { CodeWriter } from './code-writer.js'
import type { EmitContext } from './emit-context.js'
import { headerLine } from './header.js'

/**
 * `types.ts`, the types every entity shares: JSON values, the operator objects a `where` accepts (one type per
 * kind of field, so each entity's `…Where` lists exactly the operators its fields support), and the result
 * narrowing of `select` / `include`.
 */
export function emitSharedTypes(ctx: EmitContext): string {
  const w = new CodeWriter()
  w.line(headerLine(ctx.sources))
  w.blank()
  w.doc('A JSON value, as `Json` fields hold it.')
  w.line(
    'export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }',
  )
  w.blank()
  w.doc('Equality operators, for every field that can be compared for equality.')
  w.block('export interface EqualityFilter<V> {', () => {
    w.line('equals?: V')
    w.line('in?: readonly V[]')
    w.line('notIn?: readonly V[]')
    w.line('not?: V | EqualityFilter<V>')
  })
  w.blank()
  w.doc('Equality and ordering operators, for numbers, bigints, dates and date strings.')
  w.block('export interface ComparableFilter<V> extends EqualityFilter<V> {', () => {
    w.line('gt?: NonNullable<V>')
    w.line('gte?: NonNullable<V>')
    w.line('lt?: NonNullable<V>')
    w.line('lte?: NonNullable<V>')
    w.line('not?: V | ComparableFilter<V>')
  })
  w.blank()
  w.doc('Comparable operators plus substring matching, for strings (case-sensitive).')
  w.block(
    'export interface StringFilter<V extends string | null = string> extends ComparableFilter<V> {',
    () => {
      w.line('contains?: string')
      w.line('startsWith?: string')
      w.line('endsWith?: string')
      w.line('not?: V | StringFilter<V>')
    },
  )
  w.blank()
  w.doc('Operators on a list field.')
  w.block('export interface ListFilter<E> {', () => {
    w.doc('The list contains this element.')
    w.line('has?: E')
    w.line('isEmpty?: boolean')
  })
  w.blank()
  w.doc('Null test, for optional fields: `{ isNull: true }` matches missing values.')
  w.block('export interface NullFilter {', () => {
    w.line('isNull?: boolean')
  })
  w.blank()
  w.doc('The keys of `S` whose value is `true`.')
  w.line('export type TrueKeys<S> = { [K in keyof S]-?: S[K] extends true ? K : never }[keyof S]')
  w.blank()
  w.doc('`T` narrowed to the fields `select` names and the primary key `P` (all of `T` without `select`).')
  w.lines([
    'export type Selected<T, P extends keyof T, A> = A extends { select: infer S }',
    '  ? Pick<T, Extract<TrueKeys<S>, keyof T> | P>',
    '  : T',
  ])
  w.blank()
  w.doc('The relations `include` names, loaded: `{ posts: Post[] }` (nothing without `include`).')
  w.lines([
    'export type Included<R, A> = A extends { include: infer I }',
    '  ? { [K in Extract<TrueKeys<I>, keyof R>]: R[K] }',
    '  : unknown',
  ])
  return w.toString()
}
