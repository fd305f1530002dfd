/**
 * Dates and times for the timeline, formatted with Intl in the UI locale and the system time zone.
 * The only date arithmetic here is the local day key used to place day separators.
 *
 * Formatters are cached per locale: building an Intl.DateTimeFormat costs far more than using one,
 * and the timeline formats a time for every row it renders.
 */

const cache = new Map<string, Intl.DateTimeFormat>()

function formatter(
  locale: string,
  options: Intl.DateTimeFormatOptions,
  name: string
): Intl.DateTimeFormat {
  const key = `${locale}\u0000${name}`
  let f = cache.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options)
    cache.set(key, f)
  }
  return f
}

function toDate(unixSec: number): Date {
  return new Date(unixSec * 1000)
}

/** `YYYY-MM-DD` of the local calendar day a Unix time (seconds) falls on. */
export function dayKey(unixSec: number): string {
  const d = toDate(unixSec)
  const y = d.getFullYear()
  const m = d.getMonth() + 1
  const day = d.getDate()
  return `${y}-${m < 10 ? '0' : ''}${m}-${day < 10 ? '0' : ''}${day}`
}

/**
 * Whether a day separator goes above `current`: when it is the first message known (no `previous`
 * and nothing older exists) or when its local day differs from the message above it. With
 * `previous` undefined and older messages not loaded, the answer is unknown and no separator is drawn
 * until they are.
 */
export function startsNewDay(
  previous: number | undefined,
  current: number,
  olderExist: boolean
): boolean {
  if (previous === undefined) return !olderExist
  return dayKey(previous) !== dayKey(current)
}

/** A day heading: "Monday, 6 May 2024" / "2024年5月6日星期一". */
export function formatDay(unixSec: number, locale: string): string {
  return formatter(locale, { dateStyle: 'full' }, 'day').format(toDate(unixSec))
}

/** A message time: "14:05" / "下午2:05" as the locale writes it. */
export function formatTime(unixSec: number, locale: string): string {
  return formatter(locale, { timeStyle: 'short' }, 'time').format(toDate(unixSec))
}

/** Date and time with seconds, for tooltips and details. */
export function formatDateTime(unixSec: number, locale: string): string {
  return formatter(locale, { dateStyle: 'medium', timeStyle: 'medium' }, 'datetime').format(
    toDate(unixSec)
  )
}

/** An ISO 8601 instant (as `_archive.server.seenAt` stores it), formatted like formatDateTime. */
export function formatIsoDateTime(iso: string, locale: string): string {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return iso
  return formatDateTime(ms / 1000, locale)
}
