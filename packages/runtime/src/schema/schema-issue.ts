/**
 * A finding of the shared entity rules, as data: the codegen front-ends turn it into a diagnostic at the span of
 * `at`, the runtime into an EntityDeclarationError. No wording here: see schema-rule-messages.ts.
 */

/** How bad an issue is: an `error` stops generation and registration, a `warning` does not. */
export type SchemaIssueSeverity = 'error' | 'warning'

/** Which part of a declaration an issue points at, so each front-end can find the source span. */
export type SchemaIssuePart =
  | 'name' // the entity's (or enum's) name, or the field's when `field` is set
  | 'type' // the field's type
  | 'key' // the field's `@id` (or the primary-key option)
  | 'column' // the field's column (`@map`, `column:`)
  | 'default' // the field's default
  | 'unique' // the field's `@unique`
  | 'index' // the field's `@index`
  | 'storage' // the entity's storage path
  | 'primaryKey' // an entity-level primary-key option naming `item`
  | 'partitionBy' // `item` in the entity's partition list
  | 'uniques' // `item` in one of the entity's unique groups
  | 'indexes' // `item` in one of the entity's index groups
  | 'relation' // the relation named by `field`
  | 'foreignKey' // the foreign key of the relation named by `field`
  | 'references' // the referenced field of the relation named by `field`
  | 'target' // the target (or join) entity `item` of the relation named by `field`

/** Where an issue points: an entity, optionally one of its fields or relations, and a part of it. */
export interface SchemaIssueLocation {
  readonly entity: string
  /** The field or relation, when the issue is about one. */
  readonly field?: string
  readonly part: SchemaIssuePart
  /** The name listed in a group (`partitionBy`, `uniques`, `indexes`, `primaryKey`) the issue is about. */
  readonly item?: string
}

/** One finding about an entity declaration. */
export interface SchemaIssue {
  /** Stable code, `PF` and four digits (schema/README.md lists them). */
  readonly code: string
  readonly severity: SchemaIssueSeverity
  readonly message: string
  readonly hint?: string
  readonly at: SchemaIssueLocation
}
