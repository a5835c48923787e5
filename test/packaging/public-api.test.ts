// Every export of every package and subpath, listed: a new export fails this test until it is added here, which
// makes it a decision (public API in index.ts, ./internal for the CLI, codegen and language server, ./testing for
// test doubles, or private). A name a layer's index.ts exports (packages/*/src/<layer>/index.ts) that no entry
// exports must be named in PRIVATE; a new layer export is flagged with the question to decide. The last test checks
// the built declarations (npm run build first): with `stripInternal`, nothing public may refer to an `@internal` one.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const PACKAGES = ['runtime', 'codegen', 'cli', 'language-server'] as const

/** Each entry's names, sorted; a type-only export reads `type Name`. */
const API: Record<string, readonly string[]> = {
  '@parquetframe/runtime': [
    'adoptTable',
    'type AdoptTableOptions',
    'type AvroArraySchema',
    'type AvroDecimal',
    'type AvroEnumSchema',
    'type AvroField',
    'type AvroFixedSchema',
    'type AvroLogical',
    'type AvroMapSchema',
    'type AvroPrimitive',
    'type AvroRecordSchema',
    'avroSchemaForEntity',
    'type AvroType',
    'type BelongsTo',
    'type BooleanFilter',
    'type ChangeCost',
    'type ClassDecorator',
    'type Codec',
    'type ColumnPredicate',
    'ColumnRangeError',
    'type ColumnRef',
    'type CommitOptions',
    'type CommitResult',
    'commitTables',
    'type CommitTablesOptions',
    'type ComparableFilter',
    'Config',
    'CONFIG_KEYS',
    'ConfigError',
    'type ConfigInput',
    'configOrigin',
    'type ConfigOrigin',
    'type ConfigValues',
    'ConflictError',
    'type ConflictReason',
    'ContentChecksum',
    'type ContentDigest',
    'convertLegacyTable',
    'CREATE_INPUT',
    'type CreateInput',
    'createTable',
    'type CreateTableOptions',
    'DATE_ONLY',
    'type DateOnly',
    'type DateOnlyFilter',
    'declareEntityBasePath',
    'declareProjectConfig',
    'DEFAULT_CONFIG',
    'type DefaultCreateInput',
    'defaultRegistry',
    'defaultStore',
    'type DefaultValue',
    'delimitedFormat',
    'type DelimitedFormatSpec',
    'type DroppedFeature',
    'DuplicateKeyError',
    'ENGINE_ALIASES',
    'ENGINE_NAMES',
    'type EngineChoice',
    'type EngineExplanation',
    'type EngineName',
    'entity',
    'Entity',
    'type EntityBaseMethod',
    'type EntityClass',
    'type EntityData',
    'EntityDeclarationError',
    'type EntityFormat',
    'entityIR',
    'type EntityIR',
    'EntityNotRegisteredError',
    'type EntityOptions',
    'EntityRegistry',
    'EntitySchemaError',
    'EntityStore',
    'EntityTransaction',
    'type EnumFilter',
    'type EnumIR',
    'enumOf',
    'type EnumSpec',
    'type EqualityFilter',
    'type EvolveSchemaOptions',
    'type EvolveSchemaResult',
    'explainEngine',
    'type ExplainEngineOptions',
    'FeatureDropError',
    'field',
    'type FieldDecorator',
    'type FieldFilter',
    'type FieldIR',
    'type FieldKeys',
    'type FieldOptions',
    'type FieldType',
    'type FieldTypeSpec',
    'type FileSystem',
    'type FindManyQuery',
    'type FindResult',
    'type FormatCapabilities',
    'FormatError',
    'formatForPath',
    'type FormatName',
    'Frame',
    'FrameError',
    'FrameGroupBy',
    'getConfig',
    'getFormat',
    'type GroupByOptions',
    'type HasMany',
    'type HistoryEntry',
    'id',
    'type IncludedKeys',
    'type IncludeInput',
    'type IncludeQuery',
    'index',
    'type JoinOptions',
    'type Key',
    'type KeyValue',
    'LegacyConversionError',
    'type LegacyConversionOptions',
    'type LegacyConversionResult',
    'LegacyTableLogError',
    'type ListFilter',
    'listFormats',
    'listOf',
    'type ListSpec',
    'type LiveFile',
    'type LoadedRelation',
    'LockError',
    'nodeFileSystem',
    'NodeFileSystem',
    'NotFoundError',
    'type NullFilter',
    'type NullOf',
    'openStore',
    'openTable',
    'type OperationName',
    'type OrderByInput',
    'ParquetFrameError',
    'PartitionError',
    'planSchemaChanges',
    'type PredicateValue',
    'PRIMARY_KEY',
    'type PrimaryKeyOf',
    'QueryError',
    'type QueryPath',
    'read',
    'readAvro',
    'readCsv',
    'type ReadFrameOptions',
    'readIpc',
    'readNdjson',
    'ReadOptionError',
    'type ReadOptions',
    'readParquet',
    'readTsv',
    'registerEntity',
    'type RegisterEntityOptions',
    'registerFormat',
    'rel',
    'type RelationIR',
    'type RelationKeys',
    'type RelationQuery',
    'type RelationTargetOf',
    'type RelDecorator',
    'type RelOptions',
    'Repository',
    'resetConfig',
    'type RewriteCheck',
    'type RewriteOptions',
    'type RewriteProgress',
    'type RewriteResult',
    'RewriteVerificationError',
    'SCALAR_TYPE_NAMES',
    'type ScalarFilter',
    'type ScalarSpecName',
    'type ScalarTypeName',
    'type ScanOptions',
    'type SchemaChange',
    'type SchemaChangeOptions',
    'SchemaChangeRefusedError',
    'type SchemaConfigIR',
    'type SchemaIR',
    'type SelectInput',
    'type SelectResult',
    'setConfig',
    'Snapshot',
    'type SortOptions',
    'type SortOrder',
    'type SourceSpan',
    'type StorageFormat',
    'type StorageFormatName',
    'type StoreOptions',
    'type StoreStats',
    'type StreamQuery',
    'type StringFilter',
    'supportedExtensions',
    'Table',
    'TableAdoptionError',
    'TableCorruptError',
    'TableExistsError',
    'type TableMetadata',
    'TableNotFoundError',
    'type TableOptions',
    'TableProtocolError',
    'TableReadError',
    'TableSchemaError',
    'TableTransaction',
    'TableVersionExpiredError',
    'type TableWrite',
    'TableWriteError',
    'type ToAvroOptions',
    'transaction',
    'TxnUnpublishedError',
    'unique',
    'UniqueConstraintError',
    'type UniqueOptions',
    'UNREFERENCED_MIN_AGE_MS',
    'type UpdateMode',
    'type VacuumOptions',
    'type VacuumResult',
    'ValidationError',
    'type ValidationIssue',
    'type WhereInput',
    'withConfig',
    'type WithIncludes',
    'withRegistry',
    'type WriteFrameOptions',
    'type WriteOptions',
    'zodSchemaForEntity',
  ],
  '@parquetframe/runtime/internal': [
    'arrowColumnTypes',
    'type AvroContainerHeader',
    'describeParquetFile',
    'entryOf',
    'type ParquetFileFacts',
    'type ProjectSettings',
    'readContainerHeader',
    'type RegisteredEntity',
    'withProjectSettings',
  ],
  '@parquetframe/runtime/testing': ['type FaultRule', 'FaultyFileSystem', 'fsError', 'type FsOperation'],
  '@parquetframe/runtime/schema': [
    'checkEntityRules',
    'checkRelation',
    'checkSchemaRules',
    'closestName',
    'decimalFitProblem',
    'decimalLabel',
    'type DecimalSpec',
    'decimalSpecOf',
    'DEFAULT_DECIMAL',
    'defaultStoragePath',
    'type DefaultValue',
    'didYouMean',
    'editDistance',
    'type EntityIR',
    'type EnumIR',
    'type FieldIR',
    'type FieldType',
    'fieldTypeLabel',
    'KEY_TYPE_LABEL',
    'MAX_DECIMAL_PRECISION',
    'MAX_STORAGE_PATH_LENGTH',
    'MAX_STORAGE_SEGMENT_LENGTH',
    'quoted',
    'type RelationIR',
    'SCALAR_TYPE_NAMES',
    'type ScalarTypeName',
    'type SchemaConfigIR',
    'type SchemaIR',
    'type SchemaIssue',
    'type SchemaIssueLocation',
    'type SchemaIssuePart',
    'type SchemaIssueSeverity',
    'schemaRuleMessages',
    'severityFactories',
    'type SeverityFactory',
    'type SourceSpan',
    'storageClash',
    'storageContains',
    'type StorageFormatName',
    'storagePathProblem',
    'type StoragePathProblem',
    'withDecimalArguments',
  ],
  '@parquetframe/runtime/avro-schema': ['type AvroEntitySchemaOptions', 'avroSchemaForEntity'],
  '@parquetframe/runtime/project-config': [
    'parseProjectConfig',
    'PROJECT_CONFIG_KEYS',
    'PROJECT_RUNTIME_KEYS',
    'PROJECT_TOOL_KEYS',
    'type ProjectConfig',
    'type ProjectRuntimeKey',
  ],
  '@parquetframe/runtime/zod': ['pfz', 'z'],
  '@parquetframe/codegen': [
    'type Diagnostic',
    'DiagnosticError',
    'type DiagnosticSeverity',
    'type DiagnosticSpan',
    'type FormatResult',
    'formatSchema',
    'generate',
    'type GeneratedFiles',
    'type GenerateOptions',
    'hasErrors',
    'type ImportExtension',
    'loadSchema',
    'MAX_SCHEMA_FILE_BYTES',
    'parseSchema',
    'parseSchemaSources',
    'PFSCHEMA_EXTENSION',
    'readSchemaFile',
    'renderDiagnostic',
    'renderDiagnostics',
    'type RenderOptions',
    'type SchemaFileRead',
    'type SchemaParseResult',
    'type SchemaSource',
    'sortDiagnostics',
    'type SourceLookup',
    'summarizeDiagnostics',
  ],
  '@parquetframe/codegen/internal': [
    'type AttributeSymbol',
    'BLOCK_ATTRIBUTES',
    'collectSchemaSymbols',
    'CONFIG_KEYS',
    'type ConfigEntrySymbol',
    'type DeclarationSymbol',
    'ENTITY_ATTRIBUTES',
    'FIELD_ATTRIBUTES',
    'type FieldSymbol',
    'type FieldTypeSymbol',
    'type SchemaSymbols',
    'STORAGE_FORMATS',
    'type SymbolReference',
    'type SymbolSpan',
    'type SymbolTarget',
  ],
  '@parquetframe/codegen/classes': [
    'type ClassParseOptions',
    'type ClassSource',
    'type DecoratorSetup',
    'parseClasses',
    'parseClassSources',
    'readDecoratorSetup',
  ],
  '@parquetframe/cli': ['main'],
  '@parquetframe/language-server': [
    'type LanguageServerOptions',
    'type SchemaLocation',
    'startLanguageServer',
  ],
}

/** Names a layer's index.ts exports for the package's own use that no entry exports. */
const PRIVATE: Record<string, readonly string[]> = {
  'runtime/config': [
    'CONFIG_ENV_VARS',
    'EnvConfig',
    'ProgressReporter',
    'ProgressSink',
    'clearDeclaredEntityBasePaths',
    'clearDeclaredProjectConfigs',
    'configFromEnv',
    'declaredEntityBasePath',
    'describeConfigOrigin',
    'logVerbose',
    'readProjectSettings',
    'startProgress',
    'warn',
  ],
  // The Delta log codecs: the table layer's machinery; users see Delta through tables, errors through TableCorruptError.
  'runtime/delta': [
    'CommitSource',
    'decodeDeletionVectorFile',
    'decodeDeltaPath',
    'decodeDeltaStats',
    'decodeInlineDeletionVector',
    'deletionVectorAbsolutePath',
    'DeletionVectorCorruptError',
    'DeletionVectorDescriptorError',
    'DeletionVectorFile',
    'DeletionVectorFileOptions',
    'deletionVectorId',
    'deletionVectorRelativePath',
    'DeltaAction',
    'DeltaAdd',
    'DeltaCommit',
    'DeltaCommitInfo',
    'DeltaDeletionVector',
    'DeltaFormat',
    'DeltaMetaData',
    'DeltaProtocol',
    'DeltaRemove',
    'deltaStatKind',
    'DeltaStatKind',
    'DeltaTxn',
    'encodeDeletionVectorFile',
    'encodeDeltaCommit',
    'encodeDeltaPath',
    'encodeDeltaStats',
    'encodeInlineDeletionVector',
    'formatDeltaDate',
    'formatDeltaTimestamp',
    'MAX_ROW_INDEX',
    'MAX_STRING_STAT_LENGTH',
    'NULL_PARTITION_DIR',
    'parseDeltaCommit',
    'parseDeltaDate',
    'parseDeltaTimestamp',
    'partitionDirName',
    'partitionTimestamp',
    'readDeletionVector',
    'RoaringBitmapArray',
    'RoaringBitmapFormatError',
    'RowIndexError',
    'writeDeletionVectorFile',
    'z85Decode',
    'z85Encode',
    'Z85Error',
  ],
  'runtime/engine': [
    'AggregateSpec',
    'Dataset',
    'DatasetFile',
    'EngineFrame',
    'EngineThresholds',
    'HiveColumn',
    'HiveColumnType',
    'JoinHow',
    'JoinSpec',
    'MIB',
    'PartitionedDataset',
    'SortSpec',
    'UniqueSpec',
    'closeWorkerPools',
    'discoverDataset',
    'estimateParquetBytes',
    'selectEngine',
  ],
  'runtime/entity': [
    'RelationTarget',
    'ResolvedRelation',
    'compileWhere',
    'currentRegistry',
    'entityId',
    'zodForField',
    'zodForType',
  ],
  'runtime/errors': [],
  'runtime/format': [
    'AVRO_BLOCK_BYTES',
    'AVRO_CODECS',
    'AvroBlock',
    'AvroCodec',
    'AvroColumnMapping',
    'AvroContainerError',
    'AvroContainerWriter',
    'DEFAULT_AVRO_RECORD_NAME',
    'DELIMITED_INFER_SCHEMA_ROWS',
    'NDJSON_INFER_SCHEMA_ROWS',
    'SnappyError',
    'avroCodec',
    'avroColumnMapping',
    'avroFormat',
    'avroTypeForDtype',
    'avroWriteSchema',
    'compressBlock',
    'csvFormat',
    'decodeAvroFrame',
    'decompressBlock',
    'encodeAvroFrame',
    'inferAvroSchema',
    'ipcFormat',
    'isValidAvroName',
    'ndjsonFormat',
    'parquetFormat',
    'readContainerBlocks',
    'snappyCompress',
    'snappyDecompress',
    'toAvroName',
    'tsvFormat',
  ],
  'runtime/frame': ['dataFrameToRecords'],
  'runtime/schema': [],
  'runtime/table': [
    'AddAction',
    'ColumnMapping',
    'ColumnStats',
    'CommitInfo',
    'FileStats',
    'FillValue',
    'KeyIndexCache',
    'LogEntry',
    'ProtocolAction',
    'RemoveAction',
    'StatValue',
    'TableState',
    'TxnRef',
    'conformFrame',
    'errorCode',
    'evolveMetadata',
    'isAlreadyExists',
    'isNotFound',
    'polarsSchemaForEntity',
    'polarsTypeForField',
  ],
  'codegen/classes': [],
  'codegen/diagnostics': ['messages'],
  'codegen/emit': [],
  'codegen/pfschema': ['DecodedSchemaText', 'decodeSchemaText', 'defaultStoragePath'],
}

interface Entry {
  readonly specifier: string
  readonly source: string
  readonly types: string
}

/** The package.json "exports" of every package: each subpath's source file and built declarations. */
function entries(): Entry[] {
  return PACKAGES.flatMap((name) => {
    const dir = join(ROOT, 'packages', name)
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string
      exports: Record<string, Record<string, string>>
    }
    return Object.entries(pkg.exports).map(([subpath, targets]) => ({
      specifier: pkg.name + subpath.slice(1),
      source: join(dir, targets['@parquetframe/source'] ?? ''),
      types: join(dir, targets.types ?? ''),
    }))
  })
}

const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2023,
  customConditions: ['@parquetframe/source'],
  noEmit: true,
  skipLibCheck: true,
  types: ['node'],
}

/** The names a module exports, as API lists them, sorted. */
function exportsOf(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(file)
  const module = source === undefined ? undefined : checker.getSymbolAtLocation(source)
  if (module === undefined) throw new Error(`${file} is not a module`)
  const label = (s: ts.Symbol) => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s
    return target.flags & ts.SymbolFlags.Value ? s.name : `type ${s.name}`
  }
  const bare = (n: string) => n.replace(/^type /, '')
  return checker
    .getExportsOfModule(module)
    .map(label)
    .sort((a, b) => bare(a).localeCompare(bare(b)))
}

/** The layer indexes of a package: src/<layer>/index.ts. */
function layers(name: string): { layer: string; file: string }[] {
  const src = join(ROOT, 'packages', name, 'src')
  return readdirSync(src, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(src, d.name, 'index.ts')))
    .map((d) => ({ layer: `${name}/${d.name}`, file: join(src, d.name, 'index.ts') }))
}

describe('the public API of each package', () => {
  const all = entries()
  const sources = all.map((e) => e.source)
  const layerFiles = PACKAGES.flatMap(layers)
  const program = ts.createProgram([...sources, ...layerFiles.map((l) => l.file)], OPTIONS)

  it('has exactly the entries listed here (a new subpath is a decision too)', () => {
    expect(all.map((e) => e.specifier).sort()).toEqual(Object.keys(API).sort())
  })

  it.each(all)('$specifier exports exactly the names listed here', ({ specifier, source }) => {
    expect(
      exportsOf(program, source),
      `update API['${specifier}'] in this test if the change is meant`,
    ).toEqual(API[specifier])
  })

  it('decides on every name a layer exports: an entry exports it, or PRIVATE names it', () => {
    const bare = (n: string) => n.replace(/^type /, '')
    const undecided: string[] = []
    const stale: string[] = []
    for (const name of PACKAGES) {
      const exported = new Set(
        all
          .filter((e) => e.specifier.split('/')[1] === name)
          .flatMap((e) => exportsOf(program, e.source).map(bare)),
      )
      for (const { layer, file } of layers(name)) {
        const names = exportsOf(program, file).map(bare)
        const kept = new Set(PRIVATE[layer] ?? [])
        for (const n of names) if (!exported.has(n) && !kept.has(n)) undecided.push(`${layer}: ${n}`)
        for (const n of kept) if (!names.includes(n) || exported.has(n)) stale.push(`${layer}: ${n}`)
      }
    }
    expect(
      undecided,
      'layer exports no entry has decided on: public (index.ts), for the CLI, codegen or language server ' +
        '(internal.ts), a test double (testing.ts), or private (PRIVATE in this test)',
    ).toEqual([])
    expect(stale, 'PRIVATE names the layer no longer exports, or an entry now exports').toEqual([])
  })

  it('generated code imports only public names', () => {
    const files: string[] = []
    const walk = (dir: string): void => {
      for (const d of readdirSync(dir, { withFileTypes: true }))
        if (d.isDirectory()) walk(join(dir, d.name))
        else if (/\.ts(\.golden)?$/.test(d.name)) files.push(join(dir, d.name))
    }
    walk(join(ROOT, 'packages/codegen/src/emit/__golden__'))
    for (const example of readdirSync(join(ROOT, 'examples'))) {
      const generated = join(ROOT, 'examples', example, 'src/generated')
      if (existsSync(generated)) walk(generated)
    }
    expect(files.length).toBeGreaterThan(10)
    const offenders: string[] = []
    for (const file of files)
      for (const [, names, from] of readFileSync(file, 'utf8').matchAll(
        /^import (?:type )?\{([^}]*)\} from '(@parquetframe\/[^']+)'/gm,
      )) {
        const listed = new Set((API[from ?? ''] ?? []).map((n) => n.replace(/^type /, '')))
        if (from?.endsWith('/internal') || from?.endsWith('/testing')) offenders.push(`${file}: ${from}`)
        for (const n of names?.split(',') ?? []) {
          const name =
            n
              .trim()
              .replace(/^type /, '')
              .split(' as ')[0] ?? ''
          if (name !== '' && !listed.has(name)) offenders.push(`${file}: ${name} from ${from}`)
        }
      }
    expect(offenders).toEqual([])
  })

  // One program over every entry's .d.ts (a missing declaration is an error under any module resolution; the
  // packing test type-checks an app under nodenext and bundler). Slow: tsc reads polars', zod's and ts-morph's types.
  it('the built declarations of every entry type-check without skipLibCheck (nothing public refers to a stripped @internal one)', () => {
    const missing = all.filter((e) => !existsSync(e.types)).map((e) => e.types)
    expect(missing, 'run "npm run build" first').toEqual([])
    const built = ts.createProgram(
      all.map((e) => e.types),
      { ...OPTIONS, customConditions: [], strict: true, skipLibCheck: false },
    )
    const errors = ts
      .getPreEmitDiagnostics(built)
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`)
    expect(errors).toEqual([])
  }, 600_000)
})
