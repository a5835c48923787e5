import type { RewriteProgress } from '@parquetframe/runtime'
import type { CliIo, OutputSink } from '../cli/cli-io.js'
import { counted, groupDigits } from '../cli/count-text.js'

/** How progress is shown: a bar redrawn in place (terminal), plain lines (pipes, CI), or not at all. */
export type ProgressMode = 'bar' | 'lines' | 'off'

const FALSE = new Set(['0', 'false', 'no', 'off'])
const TRUE = new Set(['1', 'true', 'yes', 'on'])

/**
 * The progress mode for stderr: off with PARQUETFRAME_QUIET=1 or PARQUETFRAME_PROGRESS=0, else a bar on a
 * terminal and plain lines elsewhere.
 */
export function progressMode(io: CliIo): ProgressMode {
  const quiet = io.env.PARQUETFRAME_QUIET?.trim().toLowerCase()
  const progress = io.env.PARQUETFRAME_PROGRESS?.trim().toLowerCase()
  if ((quiet !== undefined && TRUE.has(quiet)) || (progress !== undefined && FALSE.has(progress)))
    return 'off'
  return io.stderr.isTTY ? 'bar' : 'lines'
}

const BAR_WIDTH = 24
/** Plain-lines mode prints at most one line per this many percent (plus the first and last). */
const LINE_STEP = 10

/** Shows the progress of one table's rewrite on stderr. */
export class RewriteProgressDisplay {
  private lastStep = -1
  private drawn = false

  constructor(
    private readonly sink: OutputSink,
    private readonly mode: ProgressMode,
    /** What is rewritten, e.g. `User parquet → avro`. */
    private readonly label: string,
  ) {}

  /**
   * Renders a progress report (the runtime's `onProgress`, called before the first file and after each one). A
   * percentage moves only between files, so with one file there is none (it would jump 0% → 100%): the line says
   * what is being rewritten, then that it is done. No data files (metadata only): nothing to show.
   */
  update(p: RewriteProgress): void {
    if (this.mode === 'off' || p.filesTotal === 0) return
    if (p.filesTotal === 1) {
      const what = `${counted(1, 'file')} (${counted(p.rowsTotal, 'row')})`
      const text = `${this.label}: ${p.filesDone === 0 ? `rewriting ${what}…` : `rewrote ${what}`}`
      this.write(text)
      return
    }
    const fraction = p.rowsTotal > 0 ? p.rowsDone / p.rowsTotal : p.filesDone / p.filesTotal
    const percent = Math.floor(fraction * 100)
    const counts =
      `${groupDigits(p.filesDone)}/${counted(p.filesTotal, 'file')}, ` +
      `${groupDigits(p.rowsDone)}/${counted(p.rowsTotal, 'row')}`
    if (this.mode === 'bar') {
      const filled = Math.round(fraction * BAR_WIDTH)
      const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`
      this.write(`${this.label} [${bar}] ${String(percent).padStart(3)}% ${counts}`)
      return
    }
    const step = Math.floor(percent / LINE_STEP)
    const last = p.filesDone === p.filesTotal
    if (step === this.lastStep && !last) return
    this.lastStep = last ? Number.POSITIVE_INFINITY : step
    this.write(`${this.label}: ${counts} (${percent}%)`)
  }

  /** One line: redrawn in place on a terminal, appended elsewhere. */
  private write(text: string): void {
    if (this.mode === 'bar') {
      this.sink.write(`\r${text}\x1b[K`)
      this.drawn = true
    } else this.sink.write(`${text}\n`)
  }

  /** Ends the bar's line (call once the rewrite finished or failed). */
  finish(): void {
    if (this.drawn) this.sink.write('\n')
    this.drawn = false
  }
}
