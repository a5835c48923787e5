import type { DefaultValue, FieldType, StorageFormatName } from '@parquetframe/runtime/schema'
import type { DiagnosticSpan } from '../diagnostics/diagnostic.js'

// What the class reader found, with spans, before the cross-entity checks and the lowering to the IR.

/** A value and where it was written. */
export interface Spanned<T> {
  readonly value: T
  readonly span: DiagnosticSpan
}

/** An enum a field's type declares: a string-literal union, a string enum, or `enumOf(name, values)`. */
export interface DeclaredEnum {
  readonly name: string
  readonly values: readonly string[]
  readonly doc?: string
  readonly span: DiagnosticSpan
}

/** A stored field: a property with `@id()`, `@field()`, `@unique()` or `@index()`. */
export interface ClassField {
  readonly name: string
  readonly span: DiagnosticSpan
  /** Undefined when the type could not be read (already reported). */
  readonly type: FieldType | undefined
  readonly typeSpan: DiagnosticSpan
  readonly optional: boolean
  /** Where `@id()` is, when it is there. */
  readonly id: DiagnosticSpan | undefined
  readonly unique: boolean
  readonly index: boolean
  readonly column: string
  /** The default, already checked against the type. */
  readonly default: DefaultValue | undefined
  readonly doc?: string
}

/** A relation: a property (or method) with `@rel(target, options)`. */
export interface ClassRelation {
  readonly name: string
  readonly span: DiagnosticSpan
  /** The target entity's name, or undefined when it could not be read (already reported). */
  readonly target: Spanned<string> | undefined
  /** A class target names its entity for sure; a string may name nothing. */
  readonly targetIsClass: boolean
  readonly kind: 'one' | 'many'
  readonly foreignKey: Spanned<string> | undefined
  readonly references: Spanned<string> | undefined
  /** `targetKey` is undefined only when it was forgotten (already reported). */
  readonly through:
    | { readonly entity: Spanned<string>; readonly targetKey: Spanned<string> | undefined }
    | undefined
  readonly doc?: string
}

/** A group of field names given in `@entity({ uniques, indexes, partitionBy })`. */
export interface FieldGroup {
  readonly fields: readonly Spanned<string>[]
  readonly span: DiagnosticSpan
}

/** A class decorated with `@entity()`. */
export interface ClassEntity {
  readonly name: string
  /** The class name (or its `name` option). */
  readonly span: DiagnosticSpan
  readonly storage: Spanned<string> | undefined
  readonly format: StorageFormatName | undefined
  readonly primaryKey: Spanned<string> | undefined
  readonly partitionBy: readonly Spanned<string>[]
  readonly uniques: readonly FieldGroup[]
  readonly indexes: readonly FieldGroup[]
  readonly doc?: string
  readonly fields: readonly ClassField[]
  readonly relations: readonly ClassRelation[]
  readonly enums: readonly DeclaredEnum[]
}
