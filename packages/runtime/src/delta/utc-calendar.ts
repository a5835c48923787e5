/**
 * UTC calendar text of days and microseconds since the epoch, total over every value a Delta `date` or
 * `timestamp` column can hold (int64 microseconds: about ±292,000 years), where JS `Date` stops at ±275,760
 * years and throws beyond. The one place where Delta's text forms of dates and times are made and parsed:
 * statistics (`2020-01-02T03:04:05.123456Z`) and partition values (`2020-01-02 03:04:05.123456`) both come
 * from here. Years 0..9999 have four digits; other years a sign and six digits (ISO 8601 expanded, as
 * `Date.prototype.toISOString` writes them).
 */

const MICROS_PER_DAY = 86_400_000_000n

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
}

/** The proleptic Gregorian date of days since 1970-01-01 (civil_from_days). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

const pad = (n: number | bigint, width: number) => String(n).padStart(width, '0')

function yearText(year: number): string {
  if (year >= 0 && year <= 9999) return pad(year, 4)
  return `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 6)}`
}

/** `YYYY-MM-DD` of days since the epoch. */
export function utcDateText(days: number): string {
  const { year, month, day } = civilFromDays(days)
  return `${yearText(year)}-${pad(month, 2)}-${pad(day, 2)}`
}

/** The UTC date and the time of day (`HH:MM:SS.ffffff`) of microseconds since the epoch. */
export function utcMicrosParts(micros: bigint): { readonly date: string; readonly time: string } {
  let days = micros / MICROS_PER_DAY
  let rest = micros - days * MICROS_PER_DAY
  if (rest < 0n) {
    days -= 1n
    rest += MICROS_PER_DAY
  }
  const seconds = rest / 1_000_000n
  const fraction = rest % 1_000_000n
  const time = `${pad(seconds / 3600n, 2)}:${pad((seconds / 60n) % 60n, 2)}:${pad(seconds % 60n, 2)}.${pad(fraction, 6)}`
  return { date: utcDateText(Number(days)), time }
}

const DATE_PATTERN = /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})$/

/** Days since the epoch of `YYYY-MM-DD` (or `±YYYYYY-MM-DD`); undefined if not a real date. */
export function parseUtcDate(text: string): number | undefined {
  const m = DATE_PATTERN.exec(text)
  if (!m?.[1] || !m[2] || !m[3]) return undefined
  if (m[1] === '-000000') return undefined
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  if (month < 1 || month > 12 || day < 1) return undefined
  const days = daysFromCivil(year, month, day)
  return civilFromDays(days).day === day ? days : undefined
}

const TIMESTAMP_PATTERN = /^(.+)[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/

/**
 * Microseconds since the epoch of `<date>T<time>(Z|±hh:mm)`; with `offsetRequired: false` also of
 * `<date> <time>` in UTC (the partition-value form). Undefined if not one, or if it holds digits below a
 * microsecond (no exact value).
 */
export function parseUtcTimestamp(text: string, offsetRequired = true): bigint | undefined {
  const m = TIMESTAMP_PATTERN.exec(text)
  if (!m?.[1] || !m[2] || !m[3] || !m[4]) return undefined
  if (offsetRequired && m[6] === undefined) return undefined
  const days = parseUtcDate(m[1])
  const [hours, minutes, seconds] = [Number(m[2]), Number(m[3]), Number(m[4])]
  if (days === undefined || hours > 23 || minutes > 59 || seconds > 59) return undefined
  const fraction = (m[5] ?? '').padEnd(9, '0')
  if (/[1-9]/.test(fraction.slice(6))) return undefined
  let offsetMinutes = 0
  const zone = m[6]
  if (zone !== undefined && zone !== 'Z') {
    const [h, mm] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))]
    if (h > 23 || mm > 59) return undefined
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (h * 60 + mm)
  }
  const secondsOfDay = BigInt(hours * 3600 + minutes * 60 + seconds - offsetMinutes * 60)
  return BigInt(days) * MICROS_PER_DAY + secondsOfDay * 1_000_000n + BigInt(fraction.slice(0, 6))
}
