import { type Comparable, mayContain, type Range } from './file-stats.js'
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

/** Whether layer `l`'s change of a file is its newest (no newer layer changed its path). */
function newestIn(layers: Layers, l: number, file: LiveFile): boolean {
  for (let n = 0; n < l; n++) if (layers[n]?.has(file.add.path)) return false
  return true
}

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

/**
 * Files (of a layer: their changes' files; of a base: their indexes) by key range: a range of one key (a one-row
 * file's) under that key (`pointKey`), every other range (or none: any key) in `spans`. Built once per layer or base.
 */
interface KeyIndex<T> {
  readonly points: ReadonlyMap<string, T[]>
  readonly spans: readonly { readonly item: T; readonly range: Range | undefined }[]
}

/** A key's entry in `KeyIndex.points`: integer and string keys (equal as values exactly when equal here). */
function pointKey(value: Comparable): string | undefined {
  if (typeof value === 'bigint') return `i${value}`
  if (typeof value === 'string') return `s${value}`
  return undefined
}

function keyIndex<T>(items: Iterable<[T, Range | undefined]>): KeyIndex<T> {
  const points = new Map<string, T[]>()
  const spans: { item: T; range: Range | undefined }[] = []
  for (const [item, range] of items) {
    const point = range && range.min === range.max ? pointKey(range.min) : undefined
    if (point === undefined) spans.push({ item, range })
    else {
      const list = points.get(point)
      if (list) list.push(item)
      else points.set(point, [item])
    }
  }
  return { points, spans }
}

/** Each layer's and base's indexes, by tag (the key, and each column a unique check or filter looked up). */
const layerIndexes = new WeakMap<ReadonlyMap<string, Change>, Map<string, KeyIndex<LiveFile>>>()
const baseIndexes = new WeakMap<LiveFileColumns, Map<string, KeyIndex<number>>>()

function indexed<K extends WeakKey, T>(
  indexes: WeakMap<K, Map<string, KeyIndex<T>>>,
  of: K,
  tag: string,
  items: () => Iterable<[T, Range | undefined]>,
): KeyIndex<T> {
  let byTag = indexes.get(of)
  if (!byTag) {
    byTag = new Map()
    indexes.set(of, byTag)
  }
  let index = byTag.get(tag)
  if (!index) {
    index = keyIndex(items())
    byTag.set(tag, index)
  }
  return index
}

function layerIndex(
  layer: ReadonlyMap<string, Change>,
  tag: string,
  rangeOf: (file: LiveFile) => Range | undefined,
): KeyIndex<LiveFile> {
  return indexed(layerIndexes, layer, tag, function* (): Generator<[LiveFile, Range | undefined]> {
    for (const { file } of layer.values()) if (file) yield [file, rangeOf(file)]
  })
}

/** `keyRanges`: ranges from the columns' key range columns where they hold them (the files are not built). */
function baseIndex(
  base: LiveFileColumns,
  tag: string,
  rangeOf: (file: LiveFile) => Range | undefined,
  keyRanges: boolean,
): KeyIndex<number> {
  return indexed(baseIndexes, base, tag, function* (): Generator<[number, Range | undefined]> {
    for (let i = 0; i < base.size; i++) {
      yield [i, keyRanges && base.keyRangeAt ? base.keyRangeAt(i) : rangeOf(base.fileAt(i))]
    }
  })
}

/** A count of live files with fewer rows than `rows`. */
interface RowsBelow {
  readonly rows: number
  readonly count: number
}

function below(file: LiveFile, rows: number): boolean {
  return file.add.stats.numRows < rows
}

function countBelow(files: Iterable<LiveFile>, rows: number): number {
  let count = 0
  for (const f of files) if (below(f, rows)) count++
  return count
}

/** How many of `files` hold fewer than `rows` rows (a LiveFileMap's count is carried across edits). */
export function countRowsBelow(files: ReadonlyMap<string, LiveFile>, rows: number): number {
  return files instanceof LiveFileMap ? files.countRowsBelow(rows) : countBelow(files.values(), rows)
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
  /** `countRowsBelow`'s last answer (carried to the maps edited from this one). */
  #below: RowsBelow | undefined

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
      return new LiveFileMapEditor(files.base, files.layers, files.size, files.nextPlace, files.#below)
    const base = files && files.size > 0 ? columnsOf([...files.values()]) : undefined
    return new LiveFileMapEditor(base, [], base?.size ?? 0, base?.size ?? 0)
  }

  /**
   * How many live files hold fewer than `rows` rows (automatic compaction's trigger, checked after every write). A
   * map edited from one that counted carries the count over its edit, so a commit's check costs its own files.
   */
  countRowsBelow(rows: number): number {
    if (this.#below?.rows === rows) return this.#below.count
    const count = countBelow(this.values(), rows)
    this.#below = { rows, count }
    return count
  }

  /** @internal The editor's result: its changes as the newest layer, layers merged, flattened past many changes. */
  static built(
    base: LiveFileColumns | undefined,
    older: Layers,
    top: ReadonlyMap<string, Change>,
    size: number,
    nextPlace: number,
    below?: RowsBelow,
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
    let map = new LiveFileMap(base, layers, size, nextPlace)
    const changes = layers.reduce((n, layer) => n + layer.size, 0)
    if (changes > MIN_FLATTEN && changes > (base?.size ?? 0) / 2)
      map = LiveFileMap.of(columnsOf([...map.values()]))
    map.#below = below
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
   * The live files whose key range (`rangeOf`; a base file's from its columns' `keyRangeAt` when they hold it, so it
   * is never built) may hold `value`, in no particular order. A lookup costs the layers (O(log n) of them), not the
   * files: each layer and the base are indexed once, on first use, with one-key ranges (a one-row file's) by their key
   * (`KeyIndex`). `tag` names what `rangeOf` reads (the key column and kind).
   */
  mayHoldKey(
    value: Comparable,
    tag: string,
    rangeOf: (file: LiveFile) => Range | undefined,
  ): Generator<LiveFile> {
    return this.mayHold(value, `key ${tag}`, rangeOf, tag)
  }

  /**
   * `mayHoldKey` for any column: the live files whose range of it (`rangeOf`, named by `tag`: the column and kind)
   * may hold `value` (a unique check's or an equality filter's), each layer and the base indexed once per column.
   */
  mayHoldValue(
    value: Comparable,
    tag: string,
    rangeOf: (file: LiveFile) => Range | undefined,
  ): Generator<LiveFile> {
    return this.mayHold(value, `value ${tag}`, rangeOf, undefined)
  }

  /** A live file's place in the order (`values` yields files by ascending place); undefined when not live. */
  placeOf(path: string): number | undefined {
    const found = find(this.base, this.layers, path)
    return typeof found === 'number' ? found : found?.file ? found.place : undefined
  }

  private *mayHold(
    value: Comparable,
    tag: string,
    rangeOf: (file: LiveFile) => Range | undefined,
    /** For a key lookup, the key's tag (`KeyRangeColumn.tag`): base files' key range columns answer it, and are kept. */
    key: string | undefined,
  ): Generator<LiveFile> {
    const point = pointKey(value)
    const { layers, base } = this
    for (let l = 0; l < layers.length; l++) {
      const layer = layers[l] as ReadonlyMap<string, Change>
      const index = layerIndex(layer, tag, rangeOf)
      for (const file of (point !== undefined && index.points.get(point)) || [])
        if (newestIn(layers, l, file)) yield file
      for (const { item: file, range } of index.spans)
        if (mayContain(range, value) && newestIn(layers, l, file)) yield file
    }
    if (!base) return
    const index = baseIndex(base, tag, rangeOf, key !== undefined)
    const unchanged = (i: number) => {
      const path = base.pathAt(i)
      return !layers.some((layer) => layer.has(path))
    }
    const yielded = (i: number, range: Range | undefined) => {
      const file = base.fileAt(i)
      // Its key range is known: a later keyRangeOf of it (a scan's pruning) parses none of its statistics. Only a
      // key's: a value lookup's range is another column's (key-range.ts keeps each range with the key it is of).
      if (range && key !== undefined) rememberKeyRange(file.add, key, range)
      return file
    }
    for (const i of (point !== undefined && index.points.get(point)) || []) {
      if (unchanged(i)) yield yielded(i, { min: value, max: value })
    }
    for (const { item: i, range } of index.spans)
      if (mayContain(range, value) && unchanged(i)) yield yielded(i, range)
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
    /** The count of files below some rows of the map edited, kept up to date by each change. */
    private below?: RowsBelow,
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
    this.recount(found, file)
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
    this.recount(found, undefined)
    this.top.set(path, { file: undefined, place: typeof found === 'number' ? found : found.place })
    this.count--
  }

  /** Moves `below` from the file a path held (`found`, as `find` returns it) to the one it holds next. */
  private recount(found: Change | number | undefined, next: LiveFile | undefined): void {
    if (!this.below) return
    const { rows } = this.below
    const held = typeof found === 'number' ? this.base?.fileAt(found) : found?.file
    const count = this.below.count - (held && below(held, rows) ? 1 : 0) + (next && below(next, rows) ? 1 : 0)
    this.below = { rows, count }
  }

  /** The files as they are now (the editor must not be used after). */
  done(): LiveFileMap {
    return LiveFileMap.built(this.base, this.layers, this.top, this.count, this.nextPlace, this.below)
  }
}
