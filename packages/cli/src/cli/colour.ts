import type { CliIo, OutputSink } from './cli-io.js'

const FALSE_WORDS = new Set(['0', 'false', 'no', 'off'])

/**
 * Whether to colour what goes to `sink`: FORCE_COLOR decides when set (`0`/`false` off, anything else on, piped
 * or not); else a non-empty NO_COLOR turns colour off (no-color.org); else only on a terminal that is not "dumb".
 * Piped output (files, CI logs, tests) stays plain.
 */
export function colourEnabled(sink: OutputSink, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env.FORCE_COLOR
  if (force !== undefined) return !FALSE_WORDS.has(force.trim().toLowerCase())
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.TERM === 'dumb') return false
  return sink.isTTY === true
}

const paint = (open: string, close: string) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`
const red = paint('1;31', '22;39')
const yellow = paint('1;33', '22;39')
const cyan = paint('36', '39')

/**
 * Colours the markers of CLI output (pure): `error:` and `internal error:` red, the severity of a diagnostic
 * (`file:1:2: error PF1001:` red, `warning` yellow), `hint:` cyan. Matches whole lines, so the text is unchanged
 * apart from the escapes.
 */
export function colourMarkers(text: string): string {
  return text
    .replace(/^(internal error|error):/gm, (_, word: string) => `${red(word)}:`)
    .replace(
      /^(\S[^\n]*?:\d+:\d+: )(error|warning)( PF\d+:)/gm,
      (_, at: string, severity: string, code: string) =>
        `${at}${severity === 'error' ? red(severity) : yellow(severity)}${code}`,
    )
    .replace(/^hint:/gm, () => `${cyan('hint')}:`)
}

/** The io with its stderr coloured when colourEnabled says so (errors, warnings and hints are written there). */
export function withColour(io: CliIo): CliIo {
  if (!colourEnabled(io.stderr, io.env)) return io
  const stderr = io.stderr
  return {
    ...io,
    stderr: { write: (text) => stderr.write(colourMarkers(text)), isTTY: stderr.isTTY === true },
  }
}
