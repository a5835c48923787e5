// Delta's duration table properties (`delta.deletedFileRetentionDuration`, `delta.logRetentionDuration`) hold
// Spark calendar interval text: "interval 1 week", "interval 2 days 12 hours", the `interval` word optional.
// Delta refuses months and years there (they have no fixed length) and negative durations; so does this parser.

const UNIT_MS: Readonly<Record<string, number>> = {
  week: 7 * 86_400_000,
  day: 86_400_000,
  hour: 3_600_000,
  minute: 60_000,
  second: 1000,
  millisecond: 1,
  microsecond: 0.001,
}

/** The outcome of parsing an interval: milliseconds, or why the text is refused. */
export type ParsedInterval =
  | { readonly ok: true; readonly ms: number }
  | { readonly ok: false; readonly problem: string }

/** Milliseconds of a Delta duration property's interval text (case-insensitive; plural units allowed). */
export function parseDeltaInterval(text: string): ParsedInterval {
  const words = text.trim().toLowerCase().split(/\s+/)
  if (words[0] === 'interval') words.shift()
  if (words.length === 0 || words[0] === '' || words.length % 2 !== 0)
    return { ok: false, problem: `expected "interval <number> <unit>", got ${JSON.stringify(text)}` }
  let ms = 0
  for (let i = 0; i < words.length; i += 2) {
    const count = words[i] as string
    const unit = (words[i + 1] as string).replace(/s$/, '')
    if (!/^\d+$/.test(count))
      return {
        ok: false,
        problem: `expected a whole number >= 0, got ${JSON.stringify(count)} in ${JSON.stringify(text)}`,
      }
    const per = UNIT_MS[unit]
    if (per === undefined)
      return {
        ok: false,
        problem: `unknown unit ${JSON.stringify(words[i + 1])} in ${JSON.stringify(text)} (expected weeks, days, hours, minutes, seconds, milliseconds or microseconds)`,
      }
    ms += Number(count) * per
  }
  if (!Number.isSafeInteger(Math.round(ms)))
    return { ok: false, problem: `${JSON.stringify(text)} is too long a duration` }
  return { ok: true, ms }
}
