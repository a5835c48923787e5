import { ParquetFrameError } from '../errors/pf-error.js'
import type { SchemaIssue } from '../schema/schema-issue.js'
import { schemaRuleMessages } from '../schema/schema-rule-messages.js'

/** A mistake in how an entity is declared (decorators or `registerEntity`): names the class and field. */
export class EntityDeclarationError extends ParquetFrameError {
  /** The broken rule's diagnostic code (`PF3004`...), as `pf validate` reports it, when a shared rule was broken. */
  readonly rule: string | undefined
  /** Every shared-rule error found in the declaration (the message names the first). */
  readonly issues: readonly SchemaIssue[]
  constructor(message: string, issues: readonly SchemaIssue[] = []) {
    super('PF_ENTITY_DECLARATION', message)
    this.issues = issues
    this.rule = issues[0]?.code
  }

  /** The error for broken shared rules: the first one's code and message, as the codegen front-ends word it. */
  static fromIssues(issues: readonly SchemaIssue[]): EntityDeclarationError {
    const [first] = issues
    if (first === undefined) throw new TypeError('EntityDeclarationError.fromIssues needs an issue')
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
    return new EntityDeclarationError(`${first.code}: ${first.message}${more}`, issues)
  }

  /** PF3002 for each field marked as primary key after the first, as the shared rules word it. */
  static multiplePrimaryKeys(entity: string, marked: readonly string[]): EntityDeclarationError {
    const [first = '', ...rest] = marked
    return EntityDeclarationError.fromIssues(
      rest.map((f) => schemaRuleMessages.multiplePrimaryKeys(entity, f, first)),
    )
  }

  /** PF3001, as the shared rules word it. */
  static missingPrimaryKey(entity: string): EntityDeclarationError {
    return EntityDeclarationError.fromIssues([schemaRuleMessages.missingPrimaryKey(entity)])
  }

  /** A field without an explicit type whose TypeScript type the runtime cannot see or map: why, and what to write. */
  static unknownType(entity: string, field: string, why: string, suggestion: string): EntityDeclarationError {
    return new EntityDeclarationError(
      `${entity}.${field}: cannot tell the storage type (${why}). Write it in the decorator: ${suggestion}. (Code written by \`pf generate --classes\` registers the types itself and needs none.)`,
    )
  }

  static unsupportedType(entity: string, field: string, type: string): EntityDeclarationError {
    return new EntityDeclarationError(
      `${entity}.${field}: unsupported field type '${type}'. Supported: int, bigint, float, decimal, string, boolean, datetime, date, json, bytes, listOf(type), enumOf(name, values)`,
    )
  }
}

/** A relation whose target entity is not (or not unambiguously) registered. */
export class EntityNotRegisteredError extends ParquetFrameError {
  readonly target: string
  constructor(target: string, detail?: string) {
    super(
      'PF_ENTITY_NOT_REGISTERED',
      `Target entity '${target}' is not registered${detail ? `: ${detail}` : ''}`,
    )
    this.target = target
  }
}

/** A query (`where`, `orderBy`, `select`, `include`) that does not fit the entity. */
export class QueryError extends ParquetFrameError {
  constructor(message: string) {
    super('PF_QUERY', message)
  }

  /** An `include` key that is not a relation of the entity: names Entity.relation and the known relations. */
  static unknownInclude(entity: string, name: string, relations: readonly string[]): QueryError {
    return new QueryError(
      `${entity}.${name}: unknown relation in include. Relations: ${relations.join(', ') || '(none)'}`,
    )
  }

  /** A delete whose where-clause holds no condition: it would remove every row, which only deleteAll() does. */
  static emptyDelete(entity: string, operation: string, where: unknown): QueryError {
    return new QueryError(
      `${entity}: ${operation} needs a where-clause with at least one condition, got ${describeWhere(where)} (undefined values, empty operator objects and empty AND/NOT lists are no conditions). To delete every ${entity}, call deleteAll()`,
    )
  }
}

/** A where-clause for a message: its JSON, bigints as `2n`, undefined values shown. */
function describeWhere(where: unknown): string {
  if (where === undefined) return 'undefined'
  const text = JSON.stringify(where, (_k, v: unknown) =>
    v === undefined ? '(undefined)' : typeof v === 'bigint' ? `${v}n` : v,
  )
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}

/** One problem found while validating an entity's values. */
export interface ValidationIssue {
  /** `Entity.field` (or `Entity` for record-level problems). */
  readonly path: string
  readonly message: string
}

/** Values that do not fit the declared schema; nothing was written. */
export class ValidationError extends ParquetFrameError {
  readonly issues: readonly ValidationIssue[]
  constructor(issues: readonly ValidationIssue[]) {
    super('PF_VALIDATION', issues.map((i) => `${i.path}: ${i.message}`).join('; '))
    this.issues = issues
  }
}

/** A write that would store two rows with the same value of a `@unique` field (or the same primary key twice). */
export class UniqueConstraintError extends ParquetFrameError {
  readonly entity: string
  readonly field: string
  readonly value: unknown
  constructor(entity: string, field: string, value: unknown) {
    super('PF_UNIQUE', `${entity}.${field}: value ${formatValue(value)} is already used (unique)`)
    this.entity = entity
    this.field = field
    this.value = value
  }
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (value instanceof Date) return value.toISOString()
  return String(value)
}

/** A stored table whose schema differs from the entity's declaration: it needs a migration. */
export class EntitySchemaError extends ParquetFrameError {
  readonly path: string
  readonly problems: readonly string[]
  constructor(path: string, problems: readonly string[]) {
    super(
      'PF_ENTITY_SCHEMA',
      `Table ${path} does not match its entity: ${problems.join('; ')}. Migrate the table (pf migrate) or give the entity another storage path`,
    )
    this.path = path
    this.problems = problems
  }
}
