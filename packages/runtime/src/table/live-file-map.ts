import type { LiveFile } from './table-state.js'

/**
 * A checkpoint's live files in order, each built on first use: an open of a table with 10,000 live files need not
 * allocate 10,000 objects (they cost more than reading the checkpoint). `fileAt` returns the same object each time.
 */
export interface LiveFileColumns {
  readonly size: number
  /** Visible rows of all the files (their rows less their deleted rows). */
  readonly rows: number
  pathAt(i: number): string
  fileAt(i: number): LiveFile
}

/** Paths to their index in columns, built once per columns on the first lookup by path. */
const indexes = new WeakMap<LiveFileColumns, ReadonlyMap<string, number>>()

function indexOf(columns: LiveFileColumns, path: string): number | undefined {
  let index = indexes.get(columns)
  if (!index) {
    const built = new Map<string, number>()
    for (let i = 0; i < columns.size; i++) built.set(columns.pathAt(i), i)
    index = built
    indexes.set(columns, index)
  }
  return index.get(path)
}

/** Changes past this many (and past a quarter of the base) make the next edit copy the files into one map. */
const MIN_FLATTEN = 256

/**
 * The live files of a state by path, in the order a Map of them would hold (an add of a live path keeps its
 * place; a removed path added again comes last): a checkpoint's columns (`base`, files built on use) and the
 * changes replayed after it. Immutable: replay edits a copy of the changes only (not of every live file).
 */
export class LiveFileMap implements ReadonlyMap<string, LiveFile> {
  private constructor(
    private readonly base: LiveFileColumns | undefined,
    /** Base indices removed (or removed and added again: then in `tail`). */
    private readonly hidden: ReadonlySet<number>,
    /** Base indices whose path was added again while live (in place). */
    private readonly replaced: ReadonlyMap<number, LiveFile>,
    /** Files after the base, in order. */
    private readonly tail: ReadonlyMap<string, LiveFile>,
  ) {}

  /** The files of checkpoint columns. */
  static of(columns: LiveFileColumns): LiveFileMap {
    return new LiveFileMap(columns, new Set(), new Map(), new Map())
  }

  /** A map to replay changes onto, starting from `files` (none when undefined). */
  static editing(files: ReadonlyMap<string, LiveFile> | undefined): LiveFileMapEditor {
    if (files instanceof LiveFileMap) return files.edit()
    return new LiveFileMapEditor(undefined, new Set(), new Map(), new Map(files))
  }

  get size(): number {
    return (this.base?.size ?? 0) - this.hidden.size + this.tail.size
  }

  get(path: string): LiveFile | undefined {
    const t = this.tail.get(path)
    if (t) return t
    const i = this.baseIndex(path)
    return i === undefined ? undefined : (this.replaced.get(i) ?? this.base?.fileAt(i))
  }

  has(path: string): boolean {
    return this.get(path) !== undefined
  }

  /** The live base index of a path. */
  private baseIndex(path: string): number | undefined {
    if (!this.base) return undefined
    const i = indexOf(this.base, path)
    return i === undefined || this.hidden.has(i) ? undefined : i
  }

  *entries(): MapIterator<[string, LiveFile]> {
    for (const file of this.values()) yield [file.add.path, file]
  }

  *keys(): MapIterator<string> {
    const base = this.base
    if (base) for (let i = 0; i < base.size; i++) if (!this.hidden.has(i)) yield base.pathAt(i)
    yield* this.tail.keys()
  }

  *values(): MapIterator<LiveFile> {
    const base = this.base
    if (base) {
      for (let i = 0; i < base.size; i++) {
        if (!this.hidden.has(i)) yield this.replaced.get(i) ?? base.fileAt(i)
      }
    }
    yield* this.tail.values()
  }

  [Symbol.iterator](): MapIterator<[string, LiveFile]> {
    return this.entries()
  }

  forEach(
    callback: (value: LiveFile, key: string, map: ReadonlyMap<string, LiveFile>) => void,
    thisArg?: unknown,
  ): void {
    for (const [path, file] of this.entries()) callback.call(thisArg, file, path, this)
  }

  /** An editor over a copy of the changes; over one map of every file once the changes outgrow the base. */
  private edit(): LiveFileMapEditor {
    const changes = this.hidden.size + this.replaced.size + this.tail.size
    if (this.base && changes > MIN_FLATTEN && changes > this.base.size / 4)
      return new LiveFileMapEditor(undefined, new Set(), new Map(), new Map(this.entries()))
    return new LiveFileMapEditor(this.base, new Set(this.hidden), new Map(this.replaced), new Map(this.tail))
  }

  /** @internal The editor's result. */
  static built(
    base: LiveFileColumns | undefined,
    hidden: ReadonlySet<number>,
    replaced: ReadonlyMap<number, LiveFile>,
    tail: ReadonlyMap<string, LiveFile>,
  ): LiveFileMap {
    return new LiveFileMap(base, hidden, replaced, tail)
  }
}

/** Changes to live files with a Map's semantics (see LiveFileMap), then `done` for the immutable result. */
export class LiveFileMapEditor {
  constructor(
    private readonly base: LiveFileColumns | undefined,
    private readonly hidden: Set<number>,
    private readonly replaced: Map<number, LiveFile>,
    private readonly tail: Map<string, LiveFile>,
  ) {}

  get size(): number {
    return (this.base?.size ?? 0) - this.hidden.size + this.tail.size
  }

  private baseIndex(path: string): number | undefined {
    if (!this.base) return undefined
    const i = indexOf(this.base, path)
    return i === undefined || this.hidden.has(i) ? undefined : i
  }

  get(path: string): LiveFile | undefined {
    const t = this.tail.get(path)
    if (t) return t
    const i = this.baseIndex(path)
    return i === undefined ? undefined : (this.replaced.get(i) ?? this.base?.fileAt(i))
  }

  set(path: string, file: LiveFile): void {
    if (this.tail.has(path)) {
      this.tail.set(path, file)
      return
    }
    const i = this.baseIndex(path)
    if (i === undefined) this.tail.set(path, file)
    else this.replaced.set(i, file)
  }

  delete(path: string): void {
    if (this.tail.delete(path)) return
    const i = this.baseIndex(path)
    if (i === undefined) return
    this.hidden.add(i)
    this.replaced.delete(i)
  }

  /** The files as they are now (the editor must not be used after). */
  done(): LiveFileMap {
    return LiveFileMap.built(this.base, this.hidden, this.replaced, this.tail)
  }
}
