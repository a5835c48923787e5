import { type StorageFormatName, withDecimalArguments } from '@parquetframe/runtime/schema'
import {
  type ClassDeclaration,
  type Decorator,
  type MethodDeclaration,
  Node,
  type PropertyDeclaration,
  type SourceFile,
  SyntaxKind,
} from 'ts-morph'
import type { Diagnostic, DiagnosticSpan } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'
import { readDefault } from './class-default.js'
import type { ClassEntity, ClassField, ClassRelation, DeclaredEnum, Spanned } from './class-model.js'
import { DecoratorOptions } from './decorator-options.js'
import type { DecoratorSetup } from './decorator-setup.js'
import { runtimeTypingGap, specText } from './direct-import-typing.js'
import {
  type FieldContext,
  inferType,
  isDiagnostic,
  type ResolvedType,
  resolveSpec,
  specFits,
  withTypeDocs,
} from './field-type-resolver.js'
import { type FileNames, nodeSpan } from './node-span.js'
import { type RuntimeNames, runtimeExportName } from './runtime-import.js'
import { evaluate, type StaticValue } from './static-value.js'
import { docOf, readTypeNode, shapeText, type TsTypeReading } from './ts-type-shape.js'

const ENTITY_OPTIONS = ['storage', 'primaryKey', 'format', 'name', 'uniques', 'indexes', 'partitionBy', 'doc']
const FIELD_OPTIONS = ['type', 'optional', 'column', 'precision', 'scale', 'default', 'doc']
const REL_OPTIONS = ['foreignKey', 'reverse', 'references', 'through', 'targetKey']
const FIELD_DECORATORS = new Set(['id', 'field', 'unique', 'index'])
const FORMATS: readonly StorageFormatName[] = ['parquet', 'avro']

/** What the reader needs from around it. */
export interface ReadContext {
  readonly runtime: RuntimeNames
  readonly names: FileNames
  readonly diagnostics: Diagnostic[]
  /** Set when the classes are to be imported directly: fields the runtime cannot type then are errors. */
  readonly directImport?: DecoratorSetup
}

/** A class with `@entity()`, found before any of them is read (relations name each other). */
export interface EntityClass {
  readonly declaration: ClassDeclaration
  readonly decorator: Decorator
  readonly options: StaticValue | undefined
  readonly name: Spanned<string>
}

/** A runtime decorator on a declaration: which export, and its evaluated arguments. */
interface RuntimeDecorator {
  readonly kind: string
  readonly node: Decorator
  readonly args: readonly StaticValue[]
}

function runtimeDecorators(node: { getDecorators(): Decorator[] }, ctx: ReadContext): RuntimeDecorator[] {
  const out: RuntimeDecorator[] = []
  for (const decorator of node.getDecorators()) {
    const expression = decorator.getExpression()
    const call = Node.isCallExpression(expression) ? expression : undefined
    const kind = runtimeExportName(call?.getExpression() ?? expression, ctx.runtime)
    if (kind === undefined || !(kind === 'entity' || kind === 'rel' || FIELD_DECORATORS.has(kind))) continue
    if (call === undefined) {
      ctx.diagnostics.push(
        messages.misplacedDecorator(
          nodeSpan(decorator, ctx.names),
          `@${kind}`,
          'is not called',
          `write @${kind}(${kind === 'rel' ? "target, { foreignKey: '...' }" : ''})`,
        ),
      )
      continue
    }
    out.push({ kind, node: decorator, args: call.getArguments().map((a) => evaluate(a, ctx.runtime)) })
  }
  return out
}

/** The classes of the files: those with `@entity()`, and the others whose members carry runtime decorators. */
export interface FoundClasses {
  readonly entities: readonly EntityClass[]
  readonly decoratedOthers: readonly ClassDeclaration[]
}

/** Every class decorated with `@entity()` in the files, in file and declaration order. */
export function findEntityClasses(files: readonly SourceFile[], ctx: ReadContext): FoundClasses {
  const entities: EntityClass[] = []
  const decoratedOthers: ClassDeclaration[] = []
  for (const file of files) {
    for (const declaration of file.getDescendantsOfKind(SyntaxKind.ClassDeclaration)) {
      // `@entity` without a call is reported by runtimeDecorators; the class is skipped, not called stray.
      if (
        declaration
          .getDecorators()
          .some((d) => runtimeExportName(d.getExpression(), ctx.runtime) === 'entity')
      ) {
        runtimeDecorators(declaration, ctx)
        continue
      }
      const decorator = runtimeDecorators(declaration, ctx).find((d) => d.kind === 'entity')
      if (decorator === undefined) {
        const quiet: ReadContext = { ...ctx, diagnostics: [] }
        if (
          declaration
            .getMembers()
            .some((m) => Node.isDecoratable(m) && runtimeDecorators(m, quiet).length > 0)
        )
          decoratedOthers.push(declaration)
        continue
      }
      const options = decorator.args[0]
      const given = options?.kind === 'object' ? options.entries.get('name')?.value : undefined
      const nameNode = declaration.getNameNode() ?? decorator.node
      const name =
        given?.kind === 'string'
          ? { value: given.value, span: nodeSpan(given.node, ctx.names) }
          : { value: declaration.getName() ?? '(anonymous class)', span: nodeSpan(nameNode, ctx.names) }
      entities.push({ declaration, decorator: decorator.node, options, name })
    }
  }
  return { entities, decoratedOthers }
}

/** Warns about decorated classes that are neither entities nor ancestors of one (the runtime ignores them). */
export function warnAboutStrayClasses(found: FoundClasses, ctx: ReadContext): void {
  const ancestors = new Set(found.entities.flatMap((e) => classChain(e.declaration)))
  for (const declaration of found.decoratedOthers) {
    if (ancestors.has(declaration)) continue
    const at = nodeSpan(declaration.getNameNode() ?? declaration, ctx.names)
    ctx.diagnostics.push(
      messages.decoratedClassWithoutEntity(at, declaration.getName() ?? '(anonymous class)'),
    )
  }
}

/** Decorated ancestors first, like the runtime's metadata merge. */
function classChain(declaration: ClassDeclaration): ClassDeclaration[] {
  const chain: ClassDeclaration[] = []
  const seen = new Set<ClassDeclaration>()
  for (
    let c: ClassDeclaration | undefined = declaration;
    c !== undefined && !seen.has(c);
    c = c.getBaseClass()
  ) {
    seen.add(c)
    chain.unshift(c)
  }
  return chain
}

/** Everything the field decorators of one property say, merged bottom-up as decorators apply. */
interface PendingField {
  spec?: StaticValue
  optional?: boolean
  column?: Spanned<string>
  precision?: number
  scale?: number
  default?: StaticValue
  doc?: string
  id?: DiagnosticSpan
  unique: boolean
  index: boolean
}

/** Reads one entity class: options, stored fields (with their types) and relations. */
export function readEntityClass(
  entity: EntityClass,
  byClass: ReadonlyMap<ClassDeclaration, EntityClass>,
  ctx: ReadContext,
): ClassEntity {
  const name = entity.name.value
  const options = new DecoratorOptions(
    entity.options,
    '@entity()',
    ENTITY_OPTIONS,
    ctx.names,
    ctx.diagnostics,
  )
  const format = options.string('format', '"parquet" or "avro"')
  if (format !== undefined && !FORMATS.includes(format.value as StorageFormatName))
    ctx.diagnostics.push(
      messages.invalidDecoratorOption(format.span, '@entity()', 'format', '"parquet" or "avro"'),
    )
  options.string('name')
  const doc = options.string('doc')?.value ?? docOf(entity.declaration).doc
  const fields: ClassField[] = []
  const relations: ClassRelation[] = []
  const enums: DeclaredEnum[] = []
  const seen = new Set<string>()
  for (const declaration of classChain(entity.declaration)) {
    for (const member of declaration.getMembers()) {
      if (!Node.isDecoratable(member)) continue
      const decorators = runtimeDecorators(member, ctx)
      if (decorators.length === 0) continue
      const memberName =
        Node.isPropertyDeclaration(member) || Node.isMethodDeclaration(member) ? member.getName() : undefined
      const misplaced = (d: RuntimeDecorator, problem: string, hint: string) =>
        ctx.diagnostics.push(
          messages.misplacedDecorator(nodeSpan(d.node, ctx.names), `@${d.kind}()`, problem, hint),
        )
      const valid = decorators.filter((d) => {
        if (d.kind === 'entity') misplaced(d, 'decorates classes, not members', 'move it to the class')
        else if (
          memberName === undefined ||
          member.getFirstChildByKind(SyntaxKind.PrivateIdentifier) !== undefined
        )
          misplaced(d, 'applies to named instance properties', 'decorate a property such as name!: string')
        else if (Node.isPropertyDeclaration(member) && member.isStatic())
          misplaced(d, 'applies to instance properties, not to static ones', 'remove "static"')
        else if (Node.isMethodDeclaration(member) && d.kind !== 'rel')
          misplaced(d, 'applies to properties, not to methods', 'decorate a property such as name!: string')
        else if (Node.isMethodDeclaration(member) && member.isStatic())
          misplaced(d, 'applies to instance members, not to static ones', 'remove "static"')
        else return true
        return false
      })
      if (memberName === undefined || valid.length === 0) continue
      const doc = docOf(member as PropertyDeclaration).doc
      const rel = valid.find((d) => d.kind === 'rel')
      const fieldDecorators = valid.filter((d) => d.kind !== 'rel')
      const memberSpan = nodeSpan(
        (member as PropertyDeclaration | MethodDeclaration).getNameNode(),
        ctx.names,
      )
      if (seen.has(memberName) || (rel !== undefined && fieldDecorators.length > 0)) {
        ctx.diagnostics.push(messages.relationNameClash(memberSpan, name, memberName))
        continue
      }
      seen.add(memberName)
      if (rel !== undefined) {
        relations.push(readRelation(rel, name, memberName, memberSpan, doc, byClass, ctx))
        continue
      }
      if (!Node.isPropertyDeclaration(member)) continue
      const field = readField(member, fieldDecorators, name, ctx, doc)
      fields.push(field.field)
      enums.push(...field.enums)
    }
  }
  return {
    name,
    span: entity.name.span,
    storage: options.string('storage'),
    format:
      format !== undefined && FORMATS.includes(format.value as StorageFormatName)
        ? (format.value as StorageFormatName)
        : undefined,
    primaryKey: options.string('primaryKey'),
    partitionBy: options.fieldNames('partitionBy'),
    uniques: options.groups('uniques'),
    indexes: options.groups('indexes'),
    ...(doc === undefined ? {} : { doc }),
    fields,
    relations,
    enums,
  }
}

function pendingOf(decorators: readonly RuntimeDecorator[], ctx: ReadContext): PendingField {
  const pending: PendingField = { unique: false, index: false }
  // Decorators apply bottom-up, so the one written first has the last word.
  for (const d of [...decorators].reverse()) {
    if (d.kind === 'id') pending.id = nodeSpan(d.node, ctx.names)
    if (d.kind === 'unique') pending.unique = true
    if (d.kind === 'index') pending.index = true
    const label = `@${d.kind}()`
    const [first, second] = d.args
    const spec = first !== undefined && (first.kind === 'string' || first.kind === 'call') ? first : undefined
    const options = new DecoratorOptions(
      spec === undefined ? first : undefined,
      label,
      FIELD_OPTIONS,
      ctx.names,
      ctx.diagnostics,
    )
    const extra =
      d.kind === 'field' && second !== undefined
        ? new DecoratorOptions(second, label, FIELD_OPTIONS, ctx.names, ctx.diagnostics)
        : undefined
    for (const o of extra === undefined ? [options] : [options, extra]) {
      const type = o.raw('type')
      if (type !== undefined) pending.spec = type
      const optional = o.boolean('optional')
      if (optional !== undefined) pending.optional = optional
      const column = o.string('column')
      if (column !== undefined) pending.column = column
      const precision = o.wholeNumber('precision')
      if (precision !== undefined) pending.precision = precision
      const scale = o.wholeNumber('scale')
      if (scale !== undefined) pending.scale = scale
      const def = o.raw('default')
      if (def !== undefined) pending.default = def
      const doc = o.string('doc')
      if (doc !== undefined) pending.doc = doc.value
    }
    if (spec !== undefined && extra?.raw('type') === undefined) pending.spec = spec
  }
  return pending
}

function readProperty(property: PropertyDeclaration): TsTypeReading {
  const node = property.getTypeNode()
  const reading: TsTypeReading = node !== undefined ? readTypeNode(node) : inferredReading(property)
  return property.hasQuestionToken() ? { ...reading, optional: true } : reading
}

/** A property without a type annotation: what its initializer makes it (`count = 0` is a number). */
function inferredReading(property: PropertyDeclaration): TsTypeReading {
  const type = property.getType()
  const kind =
    type.isNumber() || type.isNumberLiteral()
      ? 'number'
      : type.isString() || type.isStringLiteral()
        ? 'string'
        : type.isBoolean() || type.isBooleanLiteral()
          ? 'boolean'
          : type.isBigInt() || type.isBigIntLiteral()
            ? 'bigint'
            : undefined
  if (kind !== undefined) return { shape: { kind }, optional: false }
  return { shape: { kind: 'unsupported', why: 'add a type annotation to the property' }, optional: false }
}

function readField(
  property: PropertyDeclaration,
  decorators: readonly RuntimeDecorator[],
  entity: string,
  ctx: ReadContext,
  jsDoc: string | undefined,
): { field: ClassField; enums: readonly DeclaredEnum[] } {
  const name = property.getName()
  const pending = pendingOf(decorators, ctx)
  const typeNode = property.getTypeNode()
  const typeSpan = nodeSpan(typeNode ?? property.getNameNode(), ctx.names)
  const reading = readProperty(property)
  const fieldCtx: FieldContext = {
    entity,
    field: name,
    isId: pending.id !== undefined,
    decorator: pending.id !== undefined ? 'id' : (decorators[decorators.length - 1]?.kind ?? 'field'),
    typeSpan,
    typeText: typeNode?.getText() ?? shapeText(reading.shape),
    names: ctx.names,
  }
  let resolved: ResolvedType | undefined
  if (pending.spec !== undefined) {
    const fromSpec = resolveSpec(pending.spec, `@${decorators[0]?.kind ?? 'field'}()`, ctx.names)
    if (isDiagnostic(fromSpec)) ctx.diagnostics.push(fromSpec)
    else if (!specFits(fromSpec.type, reading.shape))
      ctx.diagnostics.push(
        messages.typeSpecMismatch(
          nodeSpan(pending.spec.node, ctx.names),
          entity,
          name,
          typeLabel(fromSpec),
          fieldCtx.typeText,
        ),
      )
    else
      resolved = {
        ...fromSpec,
        type: withDecimalArguments(fromSpec.type, pending.precision, pending.scale),
        optional: (pending.optional ?? reading.optional) || fromSpec.optional,
        enums: withTypeDocs(fromSpec.enums, reading.shape),
      }
  } else {
    const inferred = inferType(reading, fieldCtx)
    if (isDiagnostic(inferred)) ctx.diagnostics.push(inferred)
    else {
      resolved = {
        ...inferred,
        type: withDecimalArguments(inferred.type, pending.precision, pending.scale),
        optional: pending.optional ?? inferred.optional,
      }
      const why =
        ctx.directImport &&
        runtimeTypingGap(ctx.directImport, reading.shape, typeNode !== undefined, fieldCtx.isId)
      if (why) {
        ctx.diagnostics.push(
          messages.untypedForDirectImport(
            typeSpan,
            entity,
            name,
            why,
            `@${fieldCtx.decorator}(${specText(resolved)})`,
          ),
        )
      }
    }
  }
  let defaultValue: ClassField['default']
  if (pending.default !== undefined && resolved !== undefined) {
    const type = resolved.type
    const enumValues =
      type.kind === 'enum' ? resolved.enums.find((e) => e.name === type.name)?.values : undefined
    const read = readDefault(
      pending.default,
      { entity, field: name, type: resolved.type, optional: resolved.optional, enumValues },
      ctx.names,
    )
    if ('code' in read) ctx.diagnostics.push(read)
    else defaultValue = read
  }
  const doc = pending.doc ?? jsDoc
  return {
    field: {
      name,
      span: nodeSpan(property.getNameNode(), ctx.names),
      type: resolved?.type,
      typeSpan,
      optional: resolved?.optional ?? false,
      id: pending.id,
      unique: pending.unique,
      index: pending.index,
      column: pending.column?.value ?? name,
      default: defaultValue,
      ...(doc === undefined ? {} : { doc }),
    },
    enums: resolved?.enums ?? [],
  }
}

function typeLabel(resolved: ResolvedType): string {
  const label = (t: ResolvedType['type']): string => (t.kind === 'list' ? `${label(t.element)}[]` : t.name)
  return `${label(resolved.type)}${resolved.optional ? '?' : ''}`
}

function readRelation(
  d: RuntimeDecorator,
  entity: string,
  name: string,
  span: DiagnosticSpan,
  doc: string | undefined,
  byClass: ReadonlyMap<ClassDeclaration, EntityClass>,
  ctx: ReadContext,
): ClassRelation {
  const where = `${entity}.${name}`
  const [targetArg, optionsArg] = d.args
  let target: Spanned<string> | undefined
  let targetIsClass = false
  if (targetArg === undefined) {
    ctx.diagnostics.push(
      messages.invalidRelation(
        nodeSpan(d.node, ctx.names),
        where,
        'has no target',
        "write @rel(() => Post, { foreignKey: 'postId' })",
      ),
    )
  } else if (targetArg.kind === 'string') {
    target = { value: targetArg.value, span: nodeSpan(targetArg.node, ctx.names) }
  } else if (targetArg.kind === 'class') {
    const targetSpan = nodeSpan(targetArg.node, ctx.names)
    const found = byClass.get(targetArg.declaration)
    if (found === undefined)
      ctx.diagnostics.push(
        messages.unknownRelationTarget(
          targetSpan,
          where,
          targetArg.declaration.getName() ?? '(anonymous class)',
        ),
      )
    else {
      target = { value: found.name.value, span: targetSpan }
      targetIsClass = true
    }
  } else {
    ctx.diagnostics.push(
      targetArg.kind === 'unknown'
        ? messages.nonStaticArgument(nodeSpan(targetArg.node, ctx.names), '@rel()', 'the target')
        : messages.invalidDecoratorOption(
            nodeSpan(targetArg.node, ctx.names),
            '@rel()',
            'target',
            'an entity name, a class or () => Class',
          ),
    )
  }
  const options = new DecoratorOptions(optionsArg, '@rel()', REL_OPTIONS, ctx.names, ctx.diagnostics)
  const foreignKey = options.string('foreignKey')
  if (foreignKey === undefined && options.raw('foreignKey') === undefined)
    ctx.diagnostics.push(
      messages.invalidRelation(
        nodeSpan(d.node, ctx.names),
        where,
        'has no foreignKey',
        "name the key field: @rel(target, { foreignKey: '...' })",
      ),
    )
  const reverse = options.boolean('reverse') ?? false
  const references = options.string('references')
  const through = options.string('through')
  const targetKey = options.string('targetKey')
  if (through !== undefined && targetKey === undefined)
    ctx.diagnostics.push(
      messages.invalidRelation(
        through.span,
        where,
        'goes through a join entity but has no targetKey',
        'add targetKey: the join field pointing at the target',
      ),
    )
  return {
    name,
    span,
    target,
    targetIsClass,
    kind: reverse || through !== undefined ? 'many' : 'one',
    foreignKey,
    references,
    through: through === undefined ? undefined : { entity: through, targetKey },
    ...(doc === undefined ? {} : { doc }),
  }
}
