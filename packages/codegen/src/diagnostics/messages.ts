import { didYouMean, quoted as q, type SchemaIssue, severityFactories } from '@parquetframe/runtime/schema'
import type { Diagnostic, DiagnosticSeverity, DiagnosticSpan } from './diagnostic.js'

// All wording of schema diagnostics lives here, one factory per situation, so messages stay consistent and
// codes stay stable. Codes: PF0xxx loading, PF1xxx syntax and attributes, PF2xxx names and types,
// PF3xxx fields, keys and defaults, PF4xxx relations, PF5xxx storage, PF6xxx decorated classes.
// The entity rules both front-ends and the runtime share (keys, columns, groups, partitioning, storage, relation
// keys) are worded once in @parquetframe/runtime/schema (schema-rule-messages.ts) and arrive here as SchemaIssues;
// so do the quoting and "did you mean" wording (message-wording.ts). schema/README.md lists them all.

/** One diagnostic; no `hint` key without a hint. */
function make(
  severity: DiagnosticSeverity,
  code: string,
  span: DiagnosticSpan,
  message: string,
  hint: string | undefined,
): Diagnostic {
  return hint === undefined ? { code, severity, message, span } : { code, severity, message, span, hint }
}
const { error, warning } = severityFactories(make)

const oneOf = (names: readonly string[]) => names.map(q).join(', ')

/** `entity "User" (schema.pfschema:3:8)`: a declaration named in another one's diagnostic. */
export function declarationAt(kind: string, name: string, span: DiagnosticSpan): string {
  return `${kind} ${q(name)} (${span.file}:${span.line}:${span.column})`
}
const clip = (name: string) => (name.length > 40 ? `${name.slice(0, 40)}…` : name)

/** A shared entity rule's finding, at its place in the source: same code and wording as the runtime's error. */
export function diagnosticFromIssue(span: DiagnosticSpan, issue: SchemaIssue): Diagnostic {
  return make(issue.severity, issue.code, span, issue.message, issue.hint)
}

export const messages = {
  // PF0xxx: loading
  cannotReadSchema: (span: DiagnosticSpan, path: string, reason: string) =>
    error('PF0001', span, `cannot read schema ${q(path)}: ${reason}`),
  noSchemaFiles: (span: DiagnosticSpan, dir: string) =>
    error('PF0002', span, `no .pfschema files in directory ${q(dir)}`, 'add a file such as schema.pfschema'),
  notARegularFile: (span: DiagnosticSpan, path: string, kind: string) =>
    error('PF0003', span, `cannot read schema ${q(path)}: it is ${kind}, not a regular file`),
  schemaTooLarge: (span: DiagnosticSpan, path: string, size: number, limit: number) =>
    error(
      'PF0004',
      span,
      `cannot read schema ${q(path)}: it is ${size} bytes, more than the limit of ${limit} bytes`,
      'split the schema over several .pfschema files in a folder',
    ),
  invalidUtf8: (span: DiagnosticSpan, path: string) =>
    error(
      'PF0005',
      span,
      `schema ${q(path)} is not valid UTF-8 at line ${span.line}, column ${span.column}`,
      'save the file as UTF-8',
    ),

  // PF1xxx: syntax
  unexpectedCharacter: (span: DiagnosticSpan, char: string) =>
    error('PF1001', span, `unexpected character ${JSON.stringify(char)}`),
  unterminatedString: (span: DiagnosticSpan) =>
    error('PF1002', span, 'unterminated string', 'close the string with " on the same line'),
  invalidEscape: (span: DiagnosticSpan, sequence: string) =>
    error(
      'PF1003',
      span,
      `invalid escape sequence ${q(sequence)} in string`,
      'valid escapes are \\" \\\\ \\n \\t',
    ),
  unexpectedToken: (span: DiagnosticSpan, expected: string, found: string, hint?: string) =>
    error('PF1004', span, `expected ${expected}, found ${found}`, hint),
  unclosedBlock: (span: DiagnosticSpan, what: string) =>
    error('PF1005', span, `${what} is not closed`, 'add a closing "}"'),
  unknownDeclaration: (span: DiagnosticSpan, found: string, suggestion?: string) =>
    error(
      'PF1006',
      span,
      `expected "entity", "enum" or "config", found ${found}`,
      found === 'identifier "model"'
        ? 'declare entities with "entity" (not "model")'
        : found === 'identifier "type"'
          ? 'declare entities with "entity" and enumerations with "enum"'
          : didYouMean(suggestion),
    ),
  unclosedParenthesis: (span: DiagnosticSpan, found: string) =>
    error('PF1009', span, `"(" is not closed before ${found}`, 'add the closing ")"'),
  nestingTooDeep: (span: DiagnosticSpan, limit: number) =>
    error(
      'PF1010',
      span,
      `value is nested more than ${limit} levels deep`,
      'flatten the value; for deep data use a Json field with a string default',
    ),
  missingFieldType: (span: DiagnosticSpan, field: string) =>
    error(
      'PF1007',
      span,
      `field ${q(field)} has no type`,
      `write the type after the name, e.g. ${field} String`,
    ),
  attributeOnOwnLine: (span: DiagnosticSpan, attribute: string) =>
    error(
      'PF1008',
      span,
      `attribute ${q(attribute)} must follow a field on the same line`,
      'entity-level attributes start with "@@", e.g. @@index([a, b])',
    ),

  // PF11xx: attributes and config
  unknownAttribute: (span: DiagnosticSpan, attribute: string, where: string, suggestion?: string) =>
    error('PF1101', span, `unknown ${where} attribute ${q(attribute)}`, didYouMean(suggestion)),
  attributeNotAllowedHere: (span: DiagnosticSpan, attribute: string, where: string, hint: string) =>
    error('PF1102', span, `attribute ${q(attribute)} cannot be used on ${where}`, hint),
  duplicateAttribute: (span: DiagnosticSpan, attribute: string, owner: string) =>
    error('PF1103', span, `attribute ${q(attribute)} is given twice on ${owner}`),
  invalidAttributeArguments: (span: DiagnosticSpan, attribute: string, expected: string, example: string) =>
    error('PF1104', span, `${attribute} expects ${expected}`, `for example ${example}`),
  unknownConfigKey: (span: DiagnosticSpan, key: string, suggestion?: string) =>
    error(
      'PF1105',
      span,
      `unknown config key ${q(key)}`,
      didYouMean(suggestion) ?? 'config keys are "storage", "format" and "output"',
    ),
  invalidConfigValue: (span: DiagnosticSpan, key: string, expected: string) =>
    error('PF1106', span, `config ${q(key)} expects ${expected}`),
  duplicateConfig: (span: DiagnosticSpan, what: string, first: DiagnosticSpan) =>
    error('PF1107', span, `${what} is already given at ${first.file}:${first.line}:${first.column}`),
  unknownFormat: (span: DiagnosticSpan, format: string, known: readonly string[], suggestion?: string) =>
    error(
      'PF1108',
      span,
      `unknown storage format ${q(format)}`,
      didYouMean(suggestion) ?? `formats are ${oneOf(known)}`,
    ),

  // PF2xxx: names and types
  duplicateTypeName: (span: DiagnosticSpan, name: string, first: DiagnosticSpan) =>
    error('PF2001', span, `${q(name)} is already declared at ${first.file}:${first.line}:${first.column}`),
  duplicateEnumValue: (span: DiagnosticSpan, enumName: string, value: string) =>
    error('PF2003', span, `value ${q(value)} is declared twice in enum ${q(enumName)}`),
  reservedName: (span: DiagnosticSpan, kind: string, name: string, reason: string, hint: string) =>
    error('PF2004', span, `${kind} name ${q(name)} is reserved: ${reason}`, hint),
  unknownType: (span: DiagnosticSpan, type: string, suggestion?: string) =>
    error(
      'PF2005',
      span,
      `unknown type ${q(type)}`,
      didYouMean(suggestion) ??
        'use a scalar type (Int, String, ...), an enum or an entity declared in the schema',
    ),
  emptyEnum: (span: DiagnosticSpan, enumName: string) =>
    error(
      'PF2006',
      span,
      `enum ${q(enumName)} has no values`,
      `list the values, e.g. enum ${enumName} { A B }`,
    ),
  nameStyle: (span: DiagnosticSpan, kind: string, name: string, suggestion: string) =>
    warning(
      'PF2007',
      span,
      `${kind} name ${q(name)} should start with an upper-case letter`,
      `rename it to ${q(suggestion)}`,
    ),
  nestedList: (span: DiagnosticSpan, field: string) =>
    error(
      'PF2008',
      span,
      `field ${q(field)} is a list of lists, which is not supported`,
      'use Json for nested data',
    ),
  invalidName: (span: DiagnosticSpan, kind: string, name: string) =>
    error(
      'PF2009',
      span,
      `${kind} name ${q(name)} must use only ASCII letters, digits and "_"`,
      kind === 'field'
        ? 'Avro schemas and generated code need plain identifiers; keep the column name with @map("...")'
        : 'Avro schemas and generated code need plain identifiers',
    ),

  /** `other` names the declaration generating the same file (`declarationAt`), or is undefined for a file every schema gets. */
  generatedFileClash: (span: DiagnosticSpan, kind: string, name: string, file: string, other?: string) =>
    error(
      'PF2010',
      span,
      other === undefined
        ? `${kind} ${q(name)} would be generated into ${q(file)}, a file the generator writes for every schema`
        : `${kind} ${q(name)} is generated into ${q(file)}, as is ${other}`,
      'rename one of them: generated file names are compared ignoring case, as on macOS and Windows',
    ),
  /** `other` names the other declaration (`declarationAt`). */
  generatedNameClash: (span: DiagnosticSpan, kind: string, name: string, identifier: string, other: string) =>
    error(
      'PF2011',
      span,
      `${kind} ${q(name)} and ${other} both generate the name ${q(identifier)}`,
      'rename one of them: generated modules declare <Entity>, <Entity>Schema, <Entity>CreateInput, <Entity>Where... and <Enum>, <Enum>Schema',
    ),
  generatedNameReserved: (
    span: DiagnosticSpan,
    kind: string,
    name: string,
    identifier: string,
    why: string,
  ) =>
    error(
      'PF2012',
      span,
      `${kind} ${q(name)} generates the name ${q(identifier)}, which generated code already uses for ${why}`,
      'rename it',
    ),
  generatedNameTooLong: (span: DiagnosticSpan, kind: string, name: string, max: number) =>
    error(
      'PF2013',
      span,
      `${kind} name ${q(clip(name))} is ${name.length} characters long; generated file and type names allow ${max}`,
      'use a shorter name',
    ),

  typeArguments: (span: DiagnosticSpan, type: string, problem: string) =>
    error(
      'PF2015',
      span,
      `${q(type)} ${problem}`,
      'only Decimal takes arguments: Decimal(precision, scale) with whole numbers, e.g. Decimal(10, 2)',
    ),

  // PF3xxx: fields, keys and defaults
  defaultTypeMismatch: (span: DiagnosticSpan, entity: string, field: string, type: string, given: string) =>
    error('PF3005', span, `@default of ${entity}.${field} must be ${type}, got ${given}`),
  defaultNotEnumValue: (
    span: DiagnosticSpan,
    entity: string,
    field: string,
    enumName: string,
    value: string,
    values: readonly string[],
    suggestion?: string,
  ) =>
    error(
      'PF3006',
      span,
      `@default of ${entity}.${field}: ${q(value)} is not a value of enum ${q(enumName)}`,
      didYouMean(suggestion) ?? `values are ${oneOf(values)}`,
    ),
  nowOnNonDateTime: (span: DiagnosticSpan, entity: string, field: string, type: string) =>
    error('PF3007', span, `@default(now()) needs a DateTime field, but ${entity}.${field} is ${type}`),
  autoincrementOnNonInteger: (span: DiagnosticSpan, entity: string, field: string, type: string) =>
    error(
      'PF3008',
      span,
      `@default(autoincrement()) needs an Int or BigInt field, but ${entity}.${field} is ${type}`,
    ),
  uuidOnNonString: (span: DiagnosticSpan, entity: string, field: string, type: string) =>
    error('PF3009', span, `@default(uuid()) needs a String field, but ${entity}.${field} is ${type}`),
  attributeOnRelationField: (span: DiagnosticSpan, attribute: string, entity: string, field: string) =>
    error(
      'PF3013',
      span,
      `${attribute} cannot be used on relation field ${entity}.${field}`,
      'put it on the foreign key field instead',
    ),
  defaultOnList: (span: DiagnosticSpan, entity: string, field: string) =>
    error(
      'PF3015',
      span,
      `list field ${entity}.${field} cannot have a @default`,
      'a missing list is stored as empty',
    ),
  partitionById: (span: DiagnosticSpan, entity: string, field: string) =>
    warning(
      'PF3016',
      span,
      `partitioning ${q(entity)} by its @id ${q(field)} makes one directory per row`,
      'partition by a field with few distinct values (a date, a category)',
    ),

  // PF4xxx: relations
  relationOnNonEntity: (span: DiagnosticSpan, entity: string, field: string, type: string) =>
    error(
      'PF4001',
      span,
      `@relation on ${entity}.${field}, whose type ${q(type)} is not an entity`,
      'a relation field has an entity as its type, e.g. author User @relation(foreignKey: authorId)',
    ),
  relationWithoutForeignKey: (span: DiagnosticSpan, entity: string, field: string, hint: string) =>
    error('PF4002', span, `cannot tell which foreign key relation ${entity}.${field} uses`, hint),
  foreignKeyMissing: (
    span: DiagnosticSpan,
    holder: string,
    key: string,
    relation: string,
    suggestion?: string,
  ) =>
    error(
      'PF4003',
      span,
      `foreign key ${q(key)} of relation ${relation} is not a field of entity ${q(holder)}`,
      didYouMean(suggestion) ?? `add the field, e.g. ${key} Int, to ${holder}`,
    ),
  optionalListRelation: (span: DiagnosticSpan, entity: string, field: string) =>
    error(
      'PF4006',
      span,
      `list relation ${entity}.${field} cannot be optional`,
      'remove the "?": an empty list means none',
    ),
  manyToMany: (span: DiagnosticSpan, entity: string, field: string, target: string) =>
    error(
      'PF4007',
      span,
      `list relation ${entity}.${field} needs its foreign key on ${q(target)}`,
      `for many-to-many relations declare a join entity holding both keys (see PostTag in schema/samples/blog.pfschema)`,
    ),
  foreignKeyNotScalar: (span: DiagnosticSpan, relation: string, key: string, why: string) =>
    error(
      'PF4008',
      span,
      `foreign key ${q(key)} of relation ${relation} ${why}`,
      'a foreign key is a scalar field',
    ),
  referencesNotUnique: (span: DiagnosticSpan, relation: string, ref: string) =>
    warning(
      'PF4009',
      span,
      `relation ${relation} references ${ref}, which is neither @id nor @unique`,
      'reference the primary key or mark the field @unique',
    ),

  // PF6xxx: decorated classes (the ts-morph front-end); hints use decorator syntax
  cannotReadClassFile: (span: DiagnosticSpan, path: string, reason: string) =>
    error('PF6001', span, `cannot read classes from ${q(path)}: ${reason}`),
  noEntityClasses: (span: DiagnosticSpan, what: string) =>
    error(
      'PF6002',
      span,
      `no class decorated with @entity() in ${what}`,
      "decorate a class with @entity() imported from '@parquetframe/runtime'",
    ),
  nonStaticArgument: (span: DiagnosticSpan, decorator: string, what: string) =>
    error(
      'PF6101',
      span,
      `cannot evaluate ${what} of ${decorator} without running the code`,
      'write a literal (string, number, boolean, array, object), a const holding one, a class or () => Class',
    ),
  unknownDecoratorOption: (
    span: DiagnosticSpan,
    decorator: string,
    option: string,
    known: readonly string[],
    suggestion?: string,
  ) =>
    error(
      'PF6102',
      span,
      `unknown option ${q(option)} of ${decorator}`,
      didYouMean(suggestion) ?? `options are ${oneOf(known)}`,
    ),
  invalidDecoratorOption: (span: DiagnosticSpan, decorator: string, option: string, expected: string) =>
    error('PF6103', span, `option ${q(option)} of ${decorator} expects ${expected}`),
  misplacedDecorator: (span: DiagnosticSpan, decorator: string, problem: string, hint: string) =>
    error('PF6104', span, `${decorator} ${problem}`, hint),
  decoratedClassWithoutEntity: (span: DiagnosticSpan, className: string) =>
    warning(
      'PF6105',
      span,
      `class ${q(className)} has decorated fields but no @entity(), so it is not an entity`,
      'add @entity() to the class, or extend it from an entity class',
    ),
  unsupportedClassFieldType: (
    span: DiagnosticSpan,
    entity: string,
    field: string,
    type: string,
    hint: string,
  ) => error('PF6201', span, `${entity}.${field}: TypeScript type ${q(type)} has no storage type`, hint),
  ambiguousNumber: (span: DiagnosticSpan, entity: string, field: string, decorator = 'field') =>
    error(
      'PF6202',
      span,
      `${entity}.${field}: TypeScript type "number" could be Int or Float`,
      `give the storage type, e.g. @${decorator}('int') or @${decorator}('float')`,
    ),
  untypedForDirectImport: (span: DiagnosticSpan, entity: string, field: string, why: string, write: string) =>
    error(
      'PF6207',
      span,
      `${entity}.${field}: imported directly, the runtime cannot tell this field's storage type (${why})`,
      `write it in the decorator: ${write}; or import the code \`pf generate --classes\` writes instead of these classes: it registers the types itself`,
    ),
  typeSpecMismatch: (span: DiagnosticSpan, entity: string, field: string, spec: string, tsType: string) =>
    error(
      'PF6203',
      span,
      `${entity}.${field}: storage type ${spec} does not fit TypeScript type ${q(tsType)}`,
      'make the storage type and the property type agree',
    ),
  unknownTypeSpec: (span: DiagnosticSpan, spec: string, suggestion?: string) =>
    error(
      'PF6204',
      span,
      `unknown storage type ${q(spec)}`,
      didYouMean(suggestion) ??
        "types are int, bigint, float, decimal, string, boolean, datetime, date, json, bytes (a trailing '?' makes it optional), listOf(type), enumOf(name, values)",
    ),
  enumConflict: (span: DiagnosticSpan, enumName: string, first: DiagnosticSpan) =>
    error(
      'PF6205',
      span,
      `enum ${q(enumName)} is declared with other values at ${first.file}:${first.line}:${first.column}`,
      'declare its values once (a type alias or a string enum) and use it everywhere, or use another name',
    ),
  duplicateClassName: (span: DiagnosticSpan, kind: string, name: string, first: DiagnosticSpan) =>
    error(
      'PF6206',
      span,
      `${kind} name ${q(name)} is already used at ${first.file}:${first.line}:${first.column}`,
      "give one of them another name, e.g. @entity({ name: '...' })",
    ),
  primaryKeyDisagrees: (span: DiagnosticSpan, entity: string, key: string, idField: string) =>
    error(
      'PF6303',
      span,
      `@entity({ primaryKey: ${q(key)} }) of ${q(entity)} disagrees with @id() on ${q(idField)}`,
      'keep one of the two',
    ),
  classDefaultMismatch: (
    span: DiagnosticSpan,
    entity: string,
    field: string,
    expected: string,
    given: string,
  ) => error('PF6306', span, `default of ${entity}.${field} must be ${expected}, got ${given}`),
  unknownRelationTarget: (span: DiagnosticSpan, relation: string, target: string, suggestion?: string) =>
    error(
      'PF6401',
      span,
      `relation ${relation} points at ${q(target)}, which is not an entity`,
      didYouMean(suggestion) ?? "name an @entity() class: @rel(() => Post, ...) or @rel('Post', ...)",
    ),
  invalidRelation: (span: DiagnosticSpan, relation: string, problem: string, hint: string) =>
    error('PF6405', span, `relation ${relation} ${problem}`, hint),
  relationNameClash: (span: DiagnosticSpan, entity: string, name: string) =>
    error(
      'PF6406',
      span,
      `relation ${entity}.${name} has the name of a stored field or another relation`,
      'give the relation property its own name',
    ),
} as const
