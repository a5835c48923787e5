import { describe, expect, it } from 'vitest'
import type { FileStats } from './file-stats.js'
import { type LiveFileColumns, LiveFileMap } from './live-file-map.js'
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

  it('starts from a plain Map too (states built without columns)', () => {
    const plain = new Map([['a', liveFile('a', 0)]])
    const edit = LiveFileMap.editing(plain)
    edit.set('b', liveFile('b', 1))
    edit.delete('a')
    expect([...edit.done().keys()]).toEqual(['b'])
    expect([...plain.keys()]).toEqual(['a'])
  })
})
