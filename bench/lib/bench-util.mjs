// Small helpers shared by the benchmarks: timing, RSS sampling, results files.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Runs fn `runs` times (after one warm-up unless warm=false) and returns the median milliseconds. */
export async function timeMedian(fn, { runs = 3, warm = true } = {}) {
  if (warm) await fn()
  const times = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

/**
 * Runs every fn once per round, round-robin, for `runs` rounds after one warm-up round, and returns the median
 * milliseconds of each. Interleaving puts a peer and ours under the same drift of a shared machine (page cache,
 * a neighbour's burst), which a block of runs of one and then of the other does not.
 */
export async function timeInterleaved(fns, { runs = 7 } = {}) {
  for (const fn of fns) await fn()
  const times = fns.map(() => [])
  for (let r = 0; r < runs; r++) {
    for (const [i, fn] of fns.entries()) {
      const t0 = performance.now()
      await fn()
      times[i].push(performance.now() - t0)
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)])
}

export function fmtMs(ms) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  // Key lookups take microseconds: one decimal would print them all as 0.0 ms.
  return ms < 1 ? `${ms.toFixed(3)} ms` : `${ms.toFixed(1)} ms`
}

/** Writes a Markdown results file with a header naming the machine and the date. */
export function writeResults(path, title, lines) {
  mkdirSync(dirname(path), { recursive: true })
  const head = [
    `# ${title}`,
    '',
    `Run ${new Date().toISOString()} on Node ${process.version}, ${process.platform}/${process.arch}.`,
    '',
  ]
  // Trailing spaces and repeated blank lines would fail the Markdown formatter of the lint step.
  const text = [...head, ...lines]
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()
  writeFileSync(path, `${text}\n`)
  // The lint step formats Markdown tables (column padding): results files are written as it would write them.
  const biome = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', '.bin', 'biome')
  execFileSync(biome, ['format', '--write', path], { stdio: 'ignore' })
}
