import { SCALAR_TYPE_NAMES, type ScalarTypeName, schemaRuleMessages } from '@parquetframe/runtime/schema'
import type { Diagnostic, DiagnosticSpan } from '../diagnostics/diagnostic.js'
import { diagnosticFromIssue, messages } from '../diagnostics/messages.js'
import {
  bindBlockAttribute,
  bindEntityAttributes,
  bindFieldAttributes,
  checkFormatName,
} from './attribute-binder.js'
import type {
  BoundConfig,
  BoundEntity,
  BoundEnum,
  BoundField,
  BoundFieldList,
  BoundSchema,
  Located,
  ResolvedType,
} from './bound-schema.js'
import { closestName } from './edit-distance.js'
import type {
  ConfigNode,
  EntityNode,
  EnumNode,
  NameNode,
  SchemaFileNode,
  TypeRefNode,
} from './pfschema-ast.js'
import { toDiagnosticSpan } from './pfschema-ast.js'
import { reservedFieldReason, reservedTypeReason } from './reserved-names.js'

/** Keys a `config` block may hold. */
export const CONFIG_KEYS = ['storage', 'format', 'output'] as const

const nameSpan = (name: NameNode): DiagnosticSpan => toDiagnosticSpan(name.span)

/**
 * Resolves names across all files of a schema: declares entities and enums, resolves field types, binds attributes
 * and the config block. Reports duplicates, unknown types and reserved names; never throws.
 */
export function bindSchema(files: readonly SchemaFileNode[], diagnostics: Diagnostic[]): BoundSchema {
  const declared = new Map<string, NameNode>()
  const entityNodes: EntityNode[] = []
  const enumNodes: EnumNode[] = []
  const configNodes: ConfigNode[] = []
  for (const file of files) {
    for (const declaration of file.declarations) {
      if (declaration.kind === 'config') {
        configNodes.push(declaration)
        continue
      }
      const name = declaration.name
      if (name.text === '') continue // a syntax error was reported
      const first = declared.get(name.text)
      if (first !== undefined) {
        diagnostics.push(messages.duplicateTypeName(nameSpan(name), name.text, nameSpan(first)))
        continue
      }
      declared.set(name.text, name)
      checkTypeName(declaration.kind, name, diagnostics)
      if (declaration.kind === 'entity') entityNodes.push(declaration)
      else enumNodes.push(declaration)
    }
  }

  const enums = enumNodes.map((node) => bindEnum(node, diagnostics))
  const enumByName = new Map(enums.map((e) => [e.name, e]))
  const entityNames = new Set(entityNodes.map((e) => e.name.text))
  const entities = entityNodes.map((node) => bindEntity(node, enumByName, entityNames, diagnostics))
  return {
    config: bindConfig(configNodes, diagnostics),
    enums,
    entities,
    entityByName: new Map(entities.map((e) => [e.name, e])),
    enumByName,
    files: files.map((f) => f.file),
  }
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Reports a non-ASCII name (PF2009); true when the name is plain. */
function checkPlainName(kind: string, name: NameNode, diagnostics: Diagnostic[]): boolean {
  if (PLAIN_NAME.test(name.text)) return true
  diagnostics.push(messages.invalidName(nameSpan(name), kind, name.text))
  return false
}

function checkTypeName(kind: 'entity' | 'enum', name: NameNode, diagnostics: Diagnostic[]): void {
  if (!checkPlainName(kind, name, diagnostics)) return
  const reason = reservedTypeReason(name.text)
  if (reason !== undefined) {
    diagnostics.push(
      messages.reservedName(nameSpan(name), kind, name.text, reason, `rename it, e.g. ${name.text}Entry`),
    )
  } else if (/^[a-z_]/.test(name.text)) {
    const suggestion = name.text.replace(/^_+/, '').replace(/^./, (c) => c.toUpperCase())
    diagnostics.push(messages.nameStyle(nameSpan(name), kind, name.text, suggestion))
  }
}

function bindEnum(node: EnumNode, diagnostics: Diagnostic[]): BoundEnum {
  const values: string[] = []
  for (const value of node.values) {
    if (!checkPlainName('enum value', value.name, diagnostics)) continue
    if (values.includes(value.name.text)) {
      diagnostics.push(messages.duplicateEnumValue(nameSpan(value.name), node.name.text, value.name.text))
    } else {
      values.push(value.name.text)
    }
  }
  if (node.values.length === 0 && node.close !== undefined)
    diagnostics.push(messages.emptyEnum(nameSpan(node.name), node.name.text))
  return { node, name: node.name.text, values }
}

function resolveType(
  name: string,
  enums: ReadonlyMap<string, BoundEnum>,
  entityNames: ReadonlySet<string>,
): ResolvedType {
  if ((SCALAR_TYPE_NAMES as readonly string[]).includes(name))
    return { kind: 'scalar', name: name as ScalarTypeName }
  if (enums.has(name)) return { kind: 'enum', name }
  if (entityNames.has(name)) return { kind: 'entity', name }
  return { kind: 'unknown', name }
}

/** `Decimal(p)` / `Decimal(p, s)`: whole-number arguments, on Decimal only (ranges are the shared rules' PF2014). */
function bindTypeArguments(
  ref: TypeRefNode,
  type: ResolvedType,
  diagnostics: Diagnostic[],
): { precision: number; scale: number } | undefined {
  const args = ref.args
  if (args === undefined) return undefined
  const span = toDiagnosticSpan(ref.span)
  if (type.kind !== 'scalar' || type.name !== 'Decimal') {
    if (type.kind !== 'unknown')
      diagnostics.push(messages.typeArguments(span, type.name, 'takes no arguments'))
    return undefined
  }
  const numbers = args.map((a) =>
    a.name === undefined && a.value.kind === 'number' && /^\d+$/.test(a.value.raw)
      ? Number(a.value.raw)
      : undefined,
  )
  const [precision, scale = 0] = numbers
  if (numbers.length < 1 || numbers.length > 2 || precision === undefined || numbers.includes(undefined)) {
    diagnostics.push(messages.typeArguments(span, 'Decimal', 'expects (precision) or (precision, scale)'))
    return undefined
  }
  return { precision, scale }
}

function bindEntity(
  node: EntityNode,
  enums: ReadonlyMap<string, BoundEnum>,
  entityNames: ReadonlySet<string>,
  diagnostics: Diagnostic[],
): BoundEntity {
  const entity = node.name.text
  const attributes = bindEntityAttributes(node, diagnostics)
  const fields: BoundField[] = []
  const indexes: BoundFieldList[] = []
  const uniques: BoundFieldList[] = []
  const seen = new Set<string>()
  for (const member of node.members) {
    if (member.kind === 'blockAttribute') {
      const bound = bindBlockAttribute(member.attribute, diagnostics)
      if (bound?.kind === 'index') indexes.push(bound.list)
      if (bound?.kind === 'unique') uniques.push(bound.list)
      continue
    }
    const name = member.name.text
    const duplicate = seen.has(name)
    if (duplicate)
      diagnostics.push(
        diagnosticFromIssue(nameSpan(member.name), schemaRuleMessages.duplicateField(entity, name)),
      )
    seen.add(name)
    const reason = checkPlainName('field', member.name, diagnostics) ? reservedFieldReason(name) : undefined
    if (reason !== undefined) {
      diagnostics.push(
        messages.reservedName(
          nameSpan(member.name),
          'field',
          name,
          reason,
          `rename it and keep the column with @map("${name}")`,
        ),
      )
    }
    const bound = bindFieldAttributes(member, entity, diagnostics)
    if (member.type === undefined || duplicate) continue // a syntax error or the duplicate was reported
    const type = resolveType(member.type.name.text, enums, entityNames)
    if (type.kind === 'unknown') {
      const candidates = [...SCALAR_TYPE_NAMES, ...enums.keys(), ...entityNames]
      diagnostics.push(
        messages.unknownType(nameSpan(member.type.name), type.name, closestName(type.name, candidates)),
      )
    }
    if (member.type.listDepth > 1)
      diagnostics.push(messages.nestedList(toDiagnosticSpan(member.type.span), name))
    fields.push({
      node: member,
      name,
      type,
      typeSpan: member.type.span,
      listDepth: member.type.listDepth,
      optional: member.type.optional,
      decimal: bindTypeArguments(member.type, type, diagnostics),
      ...bound,
    })
  }
  return { node, name: entity, fields, ...attributes, indexes, uniques }
}

function bindConfig(nodes: readonly ConfigNode[], diagnostics: Diagnostic[]): BoundConfig {
  const config: {
    storage?: Located<string>
    format?: Located<'parquet' | 'avro'>
    output?: Located<string>
  } = {}
  const first = nodes[0]
  for (const node of nodes.slice(1)) {
    if (first !== undefined)
      diagnostics.push(
        messages.duplicateConfig(nameSpan(node.keyword), 'a config block', nameSpan(first.keyword)),
      )
  }
  const seen = new Map<string, NameNode>()
  for (const entry of first?.entries ?? []) {
    const key = entry.key.text
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      diagnostics.push(messages.unknownConfigKey(nameSpan(entry.key), key, closestName(key, CONFIG_KEYS)))
      continue
    }
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      diagnostics.push(messages.duplicateConfig(nameSpan(entry.key), `config "${key}"`, nameSpan(earlier)))
      continue
    }
    seen.set(key, entry.key)
    const value = entry.value
    if (value === undefined) continue // a syntax error was reported
    if (key === 'format') {
      const name = value.kind === 'ident' ? value.name : undefined
      if (name === undefined) {
        diagnostics.push(
          messages.invalidConfigValue(toDiagnosticSpan(value.span), key, 'a format name, parquet or avro'),
        )
        continue
      }
      const format = checkFormatName(name, value.span, diagnostics)
      if (format !== undefined) config.format = format
    } else if (value.kind === 'string') {
      config[key as 'storage' | 'output'] = { value: value.value, span: value.span }
    } else {
      diagnostics.push(
        messages.invalidConfigValue(toDiagnosticSpan(value.span), key, 'a string, e.g. "./data"'),
      )
    }
  }
  return { storage: config.storage, format: config.format, output: config.output }
}
