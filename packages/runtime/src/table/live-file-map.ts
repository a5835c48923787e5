import type { Range } from './file-stats.js'
import { rememberKeyRange } from './key-range.js'
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
  /** File i's key range without building the file, where the columns hold it (undefined: may hold any key). */
  keyRangeAt?(i: number): Range | undefined
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

/** Files already built, as columns (the base a map is flattened into). */
function columnsOf(files: readonly LiveFile[]): LiveFileColumns {
  let rows: number | undefined
  return {
    size: files.length,
    get rows() {
      rows ??= files.reduce((n, f) => n + f.add.stats.numRows - f.deletedRows, 0)
      return rows
    },
    pathAt: (i) => (files[i] as LiveFile).add.path,
    fileAt: (i) => files[i] as LiveFile,
  }
}

/** A path's newest change: its file (undefined: removed) and its place in the order (a base file's is its index). */
interface Change {
  readonly file: LiveFile | undefined
  readonly place: number
}

/** Layers of changes, newest first; each is frozen once made and shared by every map built on it. */
type Layers = readonly ReadonlyMap<string, Change>[]

/** The newest change of a path in the layers, else its base index (a base file no layer changed), else undefined. */
function find(base: LiveFileColumns | undefined, layers: Layers, path: string): Change | number | undefined {
  for (const layer of layers) {
    const change = layer.get(path)
    if (change) return change
  }
  return base ? indexOf(base, path) : undefined
}

/** The order of a map's files: base files changed (undefined: gone) by index, then the files after the base. */
interface Order {
  readonly changed: ReadonlyMap<number, LiveFile | undefined>
  readonly tail: readonly LiveFile[]
}

/** Changes past this many (and past half the base) make the next map flatten every file into new columns. */
const MIN_FLATTEN = 256

/**
 * The live files of a state by path, in the order a Map of them would hold (an add of a live path keeps its
 * place; a removed path added again comes last): base columns (a checkpoint's, files built on use) and layers of
 * the changes replayed after them. Immutable and persistent: an edit adds a layer and merges a layer into the next
 * only while it is at least half that one's size, so a commit copies O(log n) changes amortized, not the live
 * files; past `MIN_FLATTEN` changes and half the base they are flattened into new columns (O(1) amortized).
 */
export class LiveFileMap implements ReadonlyMap<string, LiveFile> {
  /** The order of iteration, worked out on first use: base files hidden or replaced, then the files after them. */
  #order: Order | undefined | undefined

  private constructor(
    private readonly base: LiveFileColumns | undefined,
    private readonly layers: Layers,
    readonly size: number,
    /** The place the next new path takes (after every place in use). */
    private readonly nextPlace: number,
  ) {}

  /** The files of checkpoint columns. */
  static of(columns: LiveFileColumns): LiveFileMap {
    return new LiveFileMap(columns, [], columns.size, columns.size)
  }

  /** A map to replay changes onto, starting from `files` (none when undefined). */
  static editing(files: ReadonlyMap<string, LiveFile> | undefined): LiveFileMapEditor {
    if (files instanceof LiveFileMap)
      return new LiveFileMapEditor(files.base, files.layers, files.size, files.nextPlace)
    const base = files && files.size > 0 ? columnsOf([...files.values()]) : undefined
    return new LiveFileMapEditor(base, [], base?.size ?? 0, base?.size ?? 0)
  }

  /** @internal The editor's result: its changes as the newest layer, layers merged, flattened past many changes. */
  static built(
    base: LiveFileColumns | undefined,
    older: Layers,
    top: ReadonlyMap<string, Change>,
    size: number,
    nextPlace: number,
  ): LiveFileMap {
    let layers: ReadonlyMap<string, Change>[] = top.size > 0 ? [top, ...older] : [...older]
    // A layer is merged into the next while it is at least half that one's size: sizes fall geometrically.
    for (;;) {
      const [newest, next] = layers
      if (!newest || !next || next.size > 2 * newest.size) break
      const merged = new Map(next)
      for (const [path, change] of newest) merged.set(path, change)
      layers = [merged, ...layers.slice(2)]
    }
    const map = new LiveFileMap(base, layers, size, nextPlace)
    const changes = layers.reduce((n, layer) => n + layer.size, 0)
    if (changes > MIN_FLATTEN && changes > (base?.size ?? 0) / 2)
      return LiveFileMap.of(columnsOf([...map.values()]))
    return map
  }

  get(path: string): LiveFile | undefined {
    const found = find(this.base, this.layers, path)
    return typeof found === 'number' ? this.base?.fileAt(found) : found?.file
  }

  has(path: string): boolean {
    const found = find(this.base, this.layers, path)
    return typeof found === 'number' || found?.file !== undefined
  }

  private order(): Order {
    if (this.#order) return this.#order
    const newest = new Map<string, Change>()
    for (let i = this.layers.length - 1; i >= 0; i--)
      for (const [p, c] of this.layers[i] ?? []) newest.set(p, c)
    const changed = new Map<number, LiveFile | undefined>()
    const tail: Change[] = []
    for (const [path, change] of newest) {
      const i = this.base ? indexOf(this.base, path) : undefined
      // A base path changed in place, removed, or removed and added again (then it comes after the base).
      if (i !== undefined) changed.set(i, change.place === i ? change.file : undefined)
      if (change.file && change.place !== i) tail.push(change)
    }
    tail.sort((a, b) => a.place - b.place)
    this.#order = { changed, tail: tail.map((c) => c.file as LiveFile) }
    return this.#order
  }

  *entries(): MapIterator<[string, LiveFile]> {
    for (const file of this.values()) yield [file.add.path, file]
  }

  *keys(): MapIterator<string> {
    const { changed, tail } = this.order()
    const base = this.base
    if (base) {
      for (let i = 0; i < base.size; i++) {
        if (!changed.has(i)) yield base.pathAt(i)
        else if (changed.get(i)) yield base.pathAt(i)
      }
    }
    for (const file of tail) yield file.add.path
  }

  *values(): MapIterator<LiveFile> {
    const { changed, tail } = this.order()
    const base = this.base
    if (base) {
      for (let i = 0; i < base.size; i++) {
        if (!changed.has(i)) yield base.fileAt(i)
        else {
          const file = changed.get(i)
          if (file) yield file
        }
      }
    }
    yield* tail
  }

  /**
   * The files in order, less base files whose key range (`keyRangeAt`, read without building them) `fits` says
   * cannot hold the key: a find by key builds only its candidates. Every other file is yielded for the caller to
   * check itself.
   */
  *valuesMayHold(fits: (range: Range) => boolean): Generator<LiveFile> {
    const { changed, tail } = this.order()
    const base = this.base
    if (base) {
      for (let i = 0; i < base.size; i++) {
        if (!changed.has(i)) {
          const range = base.keyRangeAt?.(i)
          if (!range || fits(range)) {
            const file = base.fileAt(i)
            // Its range is known: the caller's keyRangeOf parses none of its statistics for it.
            if (range) rememberKeyRange(file.add, range)
            yield file
          }
        } else {
          const file = changed.get(i)
          if (file) yield file
        }
      }
    }
    yield* tail
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

  /** Changes held in layers over the base (what an edit's merges and a flatten work through). */
  get changeCount(): number {
    return this.layers.reduce((n, layer) => n + layer.size, 0)
  }
}

/** Changes to live files with a Map's semantics (see LiveFileMap), then `done` for the immutable result. */
export class LiveFileMapEditor {
  /** This edit's changes: the new map's newest layer. */
  private readonly top = new Map<string, Change>()

  constructor(
    private readonly base: LiveFileColumns | undefined,
    private readonly layers: Layers,
    private count: number,
    private nextPlace: number,
  ) {}

  get size(): number {
    return this.count
  }

  private find(path: string): Change | number | undefined {
    return this.top.get(path) ?? find(this.base, this.layers, path)
  }

  get(path: string): LiveFile | undefined {
    const found = this.find(path)
    return typeof found === 'number' ? this.base?.fileAt(found) : found?.file
  }

  set(path: string, file: LiveFile): void {
    const found = this.find(path)
    if (typeof found === 'number') this.top.set(path, { file, place: found })
    else if (found?.file) this.top.set(path, { file, place: found.place })
    else {
      this.top.set(path, { file, place: this.nextPlace++ })
      this.count++
    }
  }

  delete(path: string): void {
    const found = this.find(path)
    if (found === undefined || (typeof found !== 'number' && !found.file)) return
    this.top.set(path, { file: undefined, place: typeof found === 'number' ? found : found.place })
    this.count--
  }

  /** The files as they are now (the editor must not be used after). */
  done(): LiveFileMap {
    return LiveFileMap.built(this.base, this.layers, this.top, this.count, this.nextPlace)
  }
}
