/**
 * One way to write numbers, sizes, seq ranges, dates and times: the app, every export and the CLI
 * all format through here (issue 15 item 14), so the same value reads the same wherever it shows.
 *
 * Pure code over Intl (no node:*, DOM or Electron): the renderer imports it as '@shared/format'.
 * Every function takes the locale ('en', 'zh-CN'; exports and the CLI write English) and, for
 * times, an IANA time zone; without one, times are in the zone of the process or page running it.
 *
 * Formatters are cached per locale, zone and style: building an Intl formatter costs far more than
 * using one, and the timeline formats a time for every row it renders.
 */

const numberFormats = new Map<string, Intl.NumberFormat>()
const dateFormats = new Map<string, Intl.DateTimeFormat>()

function numberFormat(locale: string, options: Intl.NumberFormatOptions, name: string): Intl.NumberFormat {
  const key = `${locale}\u0000${name}`
  let f = numberFormats.get(key)
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(locale, options)))
  return f
}

function dateFormat(locale: string, timeZone: string | undefined, options: Intl.DateTimeFormatOptions, name: string): Intl.DateTimeFormat {
  const key = `${locale}\u0000${timeZone ?? ''}\u0000${name}`
  let f = dateFormats.get(key)
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale, timeZone ? { ...options, timeZone } : options)))
  return f
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** A plain count with the locale's grouping: 12,345. */
export function formatCount(n: number, locale: string): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }, 'count').format(n)
}

/** A seq range as "1,234–5,678", or "1,234" when it is one seq: always with grouping. */
export function formatSeqRange(lo: number, hi: number, locale: string): string {
  return lo === hi ? formatCount(lo, locale) : `${formatCount(lo, locale)}–${formatCount(hi, locale)}`
}

/**
 * Runs of seqs as "57–58, 233, 411", at most `max` of them; `rest` is how many were left out, for
 * the caller to say in its own language.
 */
export function formatSeqRanges(ranges: readonly (readonly [number, number])[], locale: string, max = Infinity): { text: string; rest: number } {
  const shown = ranges.slice(0, max).map(([lo, hi]) => formatSeqRange(lo, hi, locale))
  return { text: shown.join(', '), rest: ranges.length - shown.length }
}

const byteUnits = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const

/**
 * A byte count in decimal SI units, 1 kB = 1000 bytes: "1.8 MB" for 1,822,850 bytes. These are the
 * units Intl names and the ones macOS Finder and GNOME Files show, so a size here matches what the
 * user's file manager says of the same file. (The exports once divided by 1024 and wrote "1.7 MB".)
 * Values that are not finite non-negative numbers (a malformed element) come back as text.
 */
export function formatBytes(bytes: number, locale: string): string {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) return String(bytes)
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < byteUnits.length - 1) {
    value /= 1000
    unit++
  }
  // One decimal below 10 ("1.8 MB"), none above ("18 MB"), none for bytes.
  const digits = unit === 0 ? 0 : value < 10 ? 1 : 0
  const name = byteUnits[unit]!
  return numberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: digits }, `bytes-${name}-${digits}`).format(value)
}

/**
 * A duration in seconds as a clock reading, "0:07", "12:30" or "1:02:03", with the locale's digits.
 * Non-numbers come back as text.
 */
export function formatDuration(seconds: number, locale: string): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return String(seconds)
  const total = Math.round(seconds)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const two = numberFormat(locale, { minimumIntegerDigits: 2, useGrouping: false }, 'two')
  const one = numberFormat(locale, { useGrouping: false }, 'one')
  return h > 0 ? `${one.format(h)}:${two.format(m)}:${two.format(s)}` : `${one.format(m)}:${two.format(s)}`
}

/** A latitude or longitude in decimal degrees with up to six decimals: "22.540503". */
export function formatDegrees(value: number, locale: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value)
  return numberFormat(locale, { maximumFractionDigits: 6, minimumFractionDigits: 0 }, 'deg').format(value)
}

// ---------------------------------------------------------------------------------------------
// Time zones

/** The IANA zone of the process or page running this ('UTC' when Intl cannot say). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** Throws a RangeError for a time zone Intl does not know: check options with this up front. */
export function checkTimeZone(tz: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone: tz })
}

function usable(sec: number | undefined): sec is number {
  return sec !== undefined && Number.isFinite(sec) && Math.abs(sec * 1000) <= 8.64e15
}

/**
 * ISO 8601 of a Unix time in a time zone: `2024-05-06T12:00:00Z` in UTC,
 * `2024-05-06T20:00:00+08:00` in Asia/Shanghai. '' for a time that is not a usable number.
 */
export function isoTime(sec: number | undefined, tz: string): string {
  if (!usable(sec)) return ''
  const ms = sec * 1000
  if (tz === 'UTC') return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const parts: Record<string, string> = {}
  const f = dateFormat(
    'en-US',
    tz,
    { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset' },
    'iso'
  )
  for (const p of f.formatToParts(new Date(ms))) parts[p.type] = p.value
  const off = (parts['timeZoneName'] ?? 'GMT').replace(/^GMT/, '')
  return `${parts['year']}-${parts['month']}-${parts['day']}T${parts['hour']}:${parts['minute']}:${parts['second']}${off === '' ? 'Z' : off}`
}

/** The zone's offset from UTC at a moment: "+08:00", "-04:00", "+00:00". */
export function utcOffset(sec: number, tz: string): string {
  const iso = isoTime(sec, tz)
  const m = /([+-]\d\d:\d\d)$/.exec(iso)
  return m ? m[1]! : '+00:00'
}

/**
 * A time zone named once for a reader: "Asia/Shanghai (UTC+08:00)", or "UTC"; a zone with daylight saving
 * names both offsets of the year of `atSec`: "America/New_York (UTC-05:00 / UTC-04:00)".
 */
export function describeTimeZone(tz: string, atSec: number): string {
  if (tz === 'UTC' || tz === 'Etc/UTC') return 'UTC'
  const year = new Date(atSec * 1000).getUTCFullYear()
  const jan = utcOffset(Date.UTC(year, 0, 1) / 1000, tz)
  const jul = utcOffset(Date.UTC(year, 6, 1) / 1000, tz)
  const minutes = (o: string): number => (o[0] === '-' ? -1 : 1) * (Number(o.slice(1, 3)) * 60 + Number(o.slice(4, 6)))
  const [lo, hi] = minutes(jan) <= minutes(jul) ? [jan, jul] : [jul, jan]
  const offsets = lo === hi ? `UTC${lo}` : `UTC${lo} / UTC${hi}`
  return `${tz} (${offsets})`
}

// ---------------------------------------------------------------------------------------------
// Dates and times

/**
 * `YYYY-MM-DD` of the calendar day a Unix time (seconds) falls on, in `tz` (default: local). Day
 * separators are placed where this changes.
 */
export function dayKey(sec: number, tz?: string): string {
  if (tz) return isoTime(sec, tz).slice(0, 10)
  const d = new Date(sec * 1000)
  const m = d.getMonth() + 1
  const day = d.getDate()
  return `${d.getFullYear()}-${m < 10 ? '0' : ''}${m}-${day < 10 ? '0' : ''}${day}`
}

/**
 * The partition key of a Unix time in a time zone: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` for a year,
 * month or day split; 'undated' without a time.
 */
export function periodKey(sec: number | undefined, tz: string, period: 'year' | 'month' | 'day'): string {
  const iso = isoTime(sec, tz)
  return iso ? iso.slice(0, period === 'year' ? 4 : period === 'month' ? 7 : 10) : 'undated'
}

/** A day heading: "Monday, May 6, 2024" / "2024年5月6日星期一". */
export function formatDay(sec: number, locale: string, tz?: string): string {
  return dateFormat(locale, tz, { dateStyle: 'full' }, 'day').format(sec * 1000)
}

/** A message time: "2:05 PM" / "14:05" as the locale writes it. */
export function formatTime(sec: number, locale: string, tz?: string): string {
  return dateFormat(locale, tz, { timeStyle: 'short' }, 'time').format(sec * 1000)
}

/** Date and time with seconds, for tooltips, details, reports and indexes. */
export function formatDateTime(sec: number, locale: string, tz?: string): string {
  return dateFormat(locale, tz, { dateStyle: 'medium', timeStyle: 'medium' }, 'datetime').format(sec * 1000)
}

/** An ISO 8601 instant (as `_archive.server.seenAt` and sync times are stored), like formatDateTime. */
export function formatIsoDateTime(iso: string, locale: string, tz?: string): string {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return iso
  return formatDateTime(ms / 1000, locale, tz)
}
