import type { SchemaIR, SourceSpan } from '@parquetframe/runtime/schema'
import type { Diagnostic, DiagnosticSpan } from '../diagnostics/diagnostic.js'
import { declarationAt, messages } from '../diagnostics/messages.js'
import { reservedFieldReason, reservedTypeReason } from '../pfschema/reserved-names.js'
import { avroSchemaFileName } from './avro-schema-emitter.js'
import { COMPACT_IR_TYPES } from './compact-ir-emitter.js'
import { ENTITY_TYPE_IMPORTS } from './entity-types-emitter.js'
import {
  entityFileName,
  entityIdentifiers,
  FIXED_GENERATED_FILES,
  MAX_GENERATED_NAME_LENGTH,
  RESERVED_GENERATED_NAMES,
} from './naming.js'
import { enumSchemaName } from './zod-types.js'

/**
 * Every name generated modules import from the runtime. The emitters import one as `Pf<name>` when the schema
 * declares `<name>` (`rt` in emit-context.ts), so a schema declaring both `<name>` and `Pf<name>` breaks.
 * name-collisions.test.ts checks this list against the imports of generated code.
 */
export const RUNTIME_IMPORTED_NAMES: readonly string[] = [
  'CREATE_INPUT',
  'DateOnly',
  'Entity',
  'EntityIR',
  'EnumIR',
  'PRIMARY_KEY',
  'RelationQuery',
  'WithIncludes',
  'registerEntity',
  ...COMPACT_IR_TYPES,
  ...ENTITY_TYPE_IMPORTS,
]

/** A schema declaration that generates files and names. */
interface Declaration {
  readonly kind: 'entity' | 'enum'
  readonly name: string
  readonly span: DiagnosticSpan
}

const toSpan = (span: SourceSpan | undefined, name: string, sources: readonly string[]): DiagnosticSpan =>
  span === undefined
    ? { file: sources[0] ?? 'schema', line: 1, column: 1, length: 1 }
    : { file: span.file, line: span.line, column: span.column, length: span.length ?? name.length }

/**
 * What `generate` would get wrong about a valid IR: reserved names (PF2004), two declarations generating one file (compared ignoring case,
 * as on macOS and Windows) or one top-level name, a declaration generating a name the generated modules import,
 * and names too long for a file name. The names come from the emitter's own naming functions, so this rule
 * cannot drift from what is emitted. Pure.
 */
export function checkGeneratedNames(ir: SchemaIR): Diagnostic[] {
  const sources = ir.sources ?? []
  const diagnostics: Diagnostic[] = []
  const declarations: Declaration[] = [
    ...ir.enums.map(
      (e): Declaration => ({ kind: 'enum', name: e.name, span: toSpan(e.span, e.name, sources) }),
    ),
    ...ir.entities.map(
      (e): Declaration => ({ kind: 'entity', name: e.name, span: toSpan(e.span, e.name, sources) }),
    ),
  ]
  // Reserved words and names the generated classes and modules use (the same list for both front-ends).
  for (const d of declarations) {
    const reason = reservedTypeReason(d.name)
    if (reason !== undefined)
      diagnostics.push(
        messages.reservedName(d.span, d.kind, d.name, reason, `rename it, e.g. ${d.name}Entry`),
      )
  }
  for (const entity of ir.entities) {
    for (const member of [...entity.fields, ...entity.relations]) {
      const reason = reservedFieldReason(member.name)
      if (reason === undefined) continue
      const kind = 'column' in member ? 'field' : 'relation'
      const hint =
        kind === 'field' ? 'rename it and keep the stored column name (@map, column:)' : 'rename the relation'
      diagnostics.push(
        messages.reservedName(toSpan(member.span, member.name, sources), kind, member.name, reason, hint),
      )
    }
  }
  const tooLong = new Set<Declaration>()
  for (const d of declarations) {
    if (d.name.length <= MAX_GENERATED_NAME_LENGTH) continue
    tooLong.add(d)
    diagnostics.push(messages.generatedNameTooLong(d.span, d.kind, d.name, MAX_GENERATED_NAME_LENGTH))
  }

  const files = new Map<string, Declaration>()
  const claimFile = (file: string, by: Declaration) => {
    const key = file.toLowerCase()
    if (FIXED_GENERATED_FILES.includes(key)) {
      diagnostics.push(messages.generatedFileClash(by.span, by.kind, by.name, file))
      return
    }
    const first = files.get(key)
    if (first === undefined) files.set(key, by)
    else
      diagnostics.push(
        messages.generatedFileClash(
          by.span,
          by.kind,
          by.name,
          file,
          declarationAt(first.kind, first.name, first.span),
        ),
      )
  }
  for (const entity of ir.entities) {
    const by = declarations.find((d) => d.kind === 'entity' && d.name === entity.name) as Declaration
    if (tooLong.has(by)) continue
    claimFile(entityFileName(entity), by)
    if (entity.format === 'avro') claimFile(avroSchemaFileName(entity), by)
  }

  const identifiers = new Map<string, Declaration>()
  for (const d of declarations) {
    if (tooLong.has(d)) continue
    const names = d.kind === 'entity' ? entityIdentifiers(d) : [d.name, enumSchemaName(d.name)]
    for (const identifier of names) {
      const reserved = RESERVED_GENERATED_NAMES.get(identifier)
      if (reserved !== undefined) {
        diagnostics.push(messages.generatedNameReserved(d.span, d.kind, d.name, identifier, reserved))
        continue
      }
      const first = identifiers.get(identifier)
      if (first === undefined) identifiers.set(identifier, d)
      else if (first !== d)
        diagnostics.push(
          messages.generatedNameClash(
            d.span,
            d.kind,
            d.name,
            identifier,
            declarationAt(first.kind, first.name, first.span),
          ),
        )
    }
  }
  // A runtime import is aliased `Pf<name>` when the schema declares `<name>`: declaring `Pf<name>` too clashes.
  for (const identifier of RUNTIME_IMPORTED_NAMES) {
    const d = identifiers.get(identifier)
    const aliased = identifiers.get(`Pf${identifier}`)
    if (d !== undefined && aliased !== undefined && aliased !== d)
      diagnostics.push(
        messages.generatedNameClash(
          aliased.span,
          aliased.kind,
          aliased.name,
          `Pf${identifier}`,
          declarationAt(d.kind, d.name, d.span),
        ),
      )
  }
  return diagnostics
}
