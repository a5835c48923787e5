import { describe, expect, it } from 'vitest'
import type { FileStats, Range } from './file-stats.js'
import { countRowsBelow, type LiveFileColumns, LiveFileMap } from './live-file-map.js'
import type { LiveFile } from './table-state.js'

function liveFile(path: string, version: number): LiveFile {
  const stats: FileStats = { numRows: 1, columns: {} }
  return { add: { path, size: 10, partitionValues: {}, stats }, version, deleted: new Set(), deletedRows: 0 }
}

/** Columns of `paths` that count the files they build. */
function columnsOf(paths: readonly string[]): LiveFileColumns & { readonly built: number } {
  const files = new Map<number, LiveFile>()
  return {
    size: paths.length,
    rows: paths.length,
    pathAt: (i) => paths[i] as string,
    fileAt(i) {
      let f = files.get(i)
      if (!f) {
        f = liveFile(paths[i] as string, 0)
        files.set(i, f)
      }
      return f
    },
    get built() {
      return files.size
    },
  }
}

/** A small deterministic generator (runs are repeatable). */
function random(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31
    return s / 2 ** 31
  }
}

function contents(map: ReadonlyMap<string, LiveFile>): [string, LiveFile][] {
  return [...map.entries()]
}

describe('LiveFileMap', () => {
  it('builds no file until one is used: size from the columns, one lookup builds one file', () => {
    const columns = columnsOf(Array.from({ length: 1000 }, (_, i) => `f${i}.parquet`))
    const map = LiveFileMap.of(columns)
    expect(map.size).toBe(1000)
    expect(columns.built).toBe(0)
    expect(map.get('f500.parquet')?.add.path).toBe('f500.parquet')
    expect(map.has('f9999.parquet')).toBe(false)
    expect(columns.built).toBe(1)
    const edit = LiveFileMap.editing(map)
    edit.delete('f1.parquet')
    edit.set('new.parquet', liveFile('new.parquet', 1))
    const next = edit.done()
    expect(next.size).toBe(1000)
    expect(columns.built).toBe(1)
    expect(map.get('f1.parquet')?.add.path, 'the state before is unchanged').toBe('f1.parquet')
    expect(next.get('f1.parquet')).toBeUndefined()
    expect([...next.keys()].at(-1)).toBe('new.parquet')
  })

  it('holds what a Map would after any series of adds and removes over many versions (order too)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed)
      const paths = Array.from({ length: 1 + Math.floor(next() * 60) }, (_, i) => `p${i}`)
      let map: ReadonlyMap<string, LiveFile> = LiveFileMap.of(columnsOf(paths))
      let model = new Map(paths.map((p) => [p, map.get(p) as LiveFile]))
      const states: [ReadonlyMap<string, LiveFile>, [string, LiveFile][]][] = []
      for (let version = 1; version <= 30; version++) {
        const edit = LiveFileMap.editing(map)
        const after = new Map(model)
        for (let op = Math.floor(next() * 12); op > 0; op--) {
          // Paths beyond the base's are new files; some are added, removed and added again.
          const path = `p${Math.floor(next() * (paths.length + 20))}`
          if (next() < 0.45) {
            edit.delete(path)
            after.delete(path)
          } else {
            const file = liveFile(path, version)
            edit.set(path, file)
            after.set(path, file)
          }
          expect(edit.get(path)).toBe(after.get(path))
          expect(edit.size).toBe(after.size)
        }
        map = edit.done()
        model = after
        states.push([map, contents(model)])
        expect(map.size, `seed ${seed} version ${version}`).toBe(model.size)
        expect(contents(map), `seed ${seed} version ${version}`).toEqual(contents(model))
        expect([...map.keys()]).toEqual([...model.keys()])
        for (const p of ['p0', 'p3', `p${paths.length + 5}`]) {
          expect(map.get(p)).toBe(model.get(p))
          expect(map.has(p)).toBe(model.has(p))
        }
      }
      // Every earlier version still holds what it held (states are immutable).
      for (const [state, held] of states) expect(contents(state)).toEqual(held)
    }
  })

  it('past many changes the files are flattened into new columns, with the same contents', () => {
    const paths = Array.from({ length: 400 }, (_, i) => `p${i}`)
    let map: ReadonlyMap<string, LiveFile> = LiveFileMap.of(columnsOf(paths))
    const model = new Map(map)
    for (let version = 1; version <= 400; version++) {
      const edit = LiveFileMap.editing(map)
      const removed = `p${version - 1}`
      const added = `q${version}`
      edit.delete(removed)
      edit.set(added, liveFile(added, version))
      map = edit.done()
      model.delete(removed)
      model.set(added, map.get(added) as LiveFile)
    }
    expect(contents(map)).toEqual(contents(model))
    expect(map.size).toBe(400)
  })

  it('mayHoldKey: exactly the live files whose key range may hold the key, in every version, old ones too', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const next = random(seed)
      const ranges = new Map<string, Range | undefined>()
      /** A point (a one-row file), a span, or no range (any key), over keys 0..39. */
      const rangeFor = (id: string) => {
        const r = next()
        const min = BigInt(Math.floor(next() * 40))
        const range =
          r < 0.6
            ? { min, max: min }
            : r < 0.9
              ? { min, max: min + BigInt(Math.floor(next() * 8)) }
              : undefined
        ranges.set(id, range)
        return range
      }
      const paths = Array.from({ length: Math.floor(next() * 40) }, (_, i) => `p${i}`)
      const baseRanges = paths.map((p) => rangeFor(`${p}@0`))
      const columns = columnsOf(paths)
      // Half the seeds give the base's ranges from its columns (as a checkpoint cache's do).
      const base: LiveFileColumns =
        seed % 2 === 0 ? { ...columns, keyRangeAt: (i) => baseRanges[i] } : columns
      let map: ReadonlyMap<string, LiveFile> = LiveFileMap.of(base)
      const rangeOf = (f: LiveFile) => ranges.get(`${f.add.path}@${f.version}`)
      const check = (state: ReadonlyMap<string, LiveFile>, at: string) => {
        for (let v = -1n; v <= 48n; v += 7n) {
          const found = [...(state as LiveFileMap).mayHoldKey(v, 'id:int', rangeOf)]
          const want = [...state.values()].filter((f) => {
            const r = rangeOf(f)
            return !r || ((r.min as bigint) <= v && v <= (r.max as bigint))
          })
          expect(new Set(found).size, `${at} key ${v}: no file twice`).toBe(found.length)
          const sorted = (files: LiveFile[]) => files.map((f) => `${f.add.path}@${f.version}`).sort()
          expect(sorted(found), `${at} key ${v}`).toEqual(sorted(want))
          for (const f of found) expect(state.get(f.add.path), `${at}: the live file`).toBe(f)
          // Another column's index beside the key's on the same layers (a unique check's): ranges shifted by 100.
          const shifted = (f: LiveFile): Range | undefined => {
            const r = rangeOf(f)
            return r && { min: (r.min as bigint) + 100n, max: (r.max as bigint) + 100n }
          }
          const other = [...(state as LiveFileMap).mayHoldValue(v + 100n, 'email:int', shifted)]
          expect(sorted(other), `${at} value ${v + 100n}`).toEqual(sorted(want))
        }
        // placeOf orders the files as iteration does.
        const places = [...state.values()].map((f) => (state as LiveFileMap).placeOf(f.add.path) as number)
        expect(places).toEqual([...places].sort((a, b) => a - b))
      }
      const states: [ReadonlyMap<string, LiveFile>, string][] = []
      for (let version = 1; version <= 40; version++) {
        const edit = LiveFileMap.editing(map)
        for (let op = 1 + Math.floor(next() * 4); op > 0; op--) {
          const path = `p${Math.floor(next() * (paths.length + 30))}`
          if (next() < 0.3) edit.delete(path)
          else {
            rangeFor(`${path}@${version}`)
            edit.set(path, liveFile(path, version))
          }
        }
        map = edit.done()
        check(map, `seed ${seed} version ${version}`)
        states.push([map, `seed ${seed} version ${version} (later)`])
      }
      for (const [state, at] of states) check(state, at)
    }
  })

  it('mayHoldKey looks at the files once per layer, not at every file on every lookup', () => {
    let map: ReadonlyMap<string, LiveFile> = LiveFileMap.of(columnsOf([]))
    let calls = 0
    const rangeOf = (f: LiveFile): Range => {
      calls++
      const key = BigInt(f.add.path.slice(1))
      return { min: key, max: key }
    }
    const creates = 1000
    for (let k = 0; k < creates; k++) {
      const edit = LiveFileMap.editing(map)
      edit.set(`k${k}`, liveFile(`k${k}`, k))
      map = edit.done()
      // A create checks its new key against every live file, as a unique key check does.
      expect(
        [...(map as LiveFileMap).mayHoldKey(BigInt(k), 'id:int', rangeOf)].map((f) => f.add.path),
      ).toEqual([`k${k}`])
    }
    // Each file is indexed again only when its layer merges (O(log n) times) or the map is flattened: a walk of every
    // live file per lookup would take ~500,000 calls here.
    expect(calls).toBeLessThan(creates * 16)
  })

  it('countRowsBelow: counts what a walk of the files would, carried across edits, each file read once', () => {
    let reads = 0
    const sized = (path: string, version: number, rows: number): LiveFile => {
      const file = liveFile(path, version)
      return {
        ...file,
        add: {
          ...file.add,
          stats: {
            columns: {},
            get numRows() {
              reads++
              return rows
            },
          },
        },
      }
    }
    for (let seed = 1; seed <= 20; seed++) {
      const next = random(seed)
      const rowsOf = () => Math.floor(next() * 20)
      const paths = Array.from({ length: Math.floor(next() * 30) }, (_, i) => `p${i}`)
      const built = paths.map((p) => sized(p, 0, rowsOf()))
      let map: ReadonlyMap<string, LiveFile> = LiveFileMap.of({
        size: built.length,
        rows: 0,
        pathAt: (i) => paths[i] as string,
        fileAt: (i) => built[i] as LiveFile,
      })
      const walk = (state: ReadonlyMap<string, LiveFile>) =>
        [...state.values()].filter((f) => f.add.stats.numRows < 10).length
      const states: [ReadonlyMap<string, LiveFile>, number][] = []
      for (let version = 1; version <= 30; version++) {
        const edit = LiveFileMap.editing(map)
        const ops = 1 + Math.floor(next() * 3)
        for (let op = ops; op > 0; op--) {
          const path = `p${Math.floor(next() * (paths.length + 10))}`
          if (next() < 0.3) edit.delete(path)
          else edit.set(path, sized(path, version, rowsOf()))
        }
        map = edit.done()
        reads = 0
        const count = countRowsBelow(map, 10)
        // Counted once (version 1), then carried: each edit reads the rows of the files it changed only.
        if (version > 1) expect(reads, `seed ${seed} version ${version}`).toBeLessThanOrEqual(2 * ops)
        expect(count, `seed ${seed} version ${version}`).toBe(walk(map))
        expect(countRowsBelow(map, 5), 'another threshold is counted anew').toBe(
          [...map.values()].filter((f) => f.add.stats.numRows < 5).length,
        )
        expect(countRowsBelow(map, 10)).toBe(count)
        states.push([map, count])
      }
      for (const [state, count] of states) expect(walk(state)).toBe(count)
    }
  })

  it('starts from a plain Map too (states built without columns)', () => {
    const plain = new Map([['a', liveFile('a', 0)]])
    const edit = LiveFileMap.editing(plain)
    edit.set('b', liveFile('b', 1))
    edit.delete('a')
    expect([...edit.done().keys()]).toEqual(['b'])
    expect([...plain.keys()]).toEqual(['a'])
  })
})
