/**
 * Folding a group's hourly counts (db/activity.ts, UTC hours since the epoch) into what the charts
 * show in the viewer's time zone: messages per local day, and a 7 × 24 grid of local weekday ×
 * local hour. Pure: the time zone comes in as a function giving the UTC offset (minutes east of
 * UTC) at an instant, so tests fix it and the app passes the browser's (DST included).
 *
 * Half- and quarter-hour time zones (India +5:30, Nepal +5:45, Newfoundland −3:30…): the store
 * keeps whole UTC hours, so each hourly count is given to the local hour its first minute falls
 * in. At +5:30 the UTC hour 18:00–19:00 is local 23:30–00:30 and counts wholly for local 23:00 of
 * the first day: per-day and per-hour figures may shift messages by up to 30 (45) minutes, never
 * lose or double count one. Totals are exact.
 */

export interface HourCount {
  /** UTC hour since the epoch. */
  hour: number
  n: number
}

export interface DayCount {
  /** Local calendar day as days since 1970-01-01 (of the local calendar). */
  day: number
  n: number
}

/** Minutes east of UTC at the given instant (ms), like −Date#getTimezoneOffset(). */
export type OffsetAt = (ms: number) => number

/** The browser's time zone. */
export const localOffset: OffsetAt = (ms) => -new Date(ms).getTimezoneOffset()

/** A fixed offset (tests; time zones without DST). */
export const fixedOffset =
  (minutes: number): OffsetAt =>
  () =>
    minutes

/** Local seconds since the epoch of an hour's first instant. */
function localSeconds(hour: number, offsetAt: OffsetAt): number {
  const sec = hour * 3600
  return sec + offsetAt(sec * 1000) * 60
}

/**
 * Messages per local day, every day from the first to the last with a message (days without any
 * are 0, so the chart's bars and gaps are true).
 */
export function foldDays(hours: readonly HourCount[], offsetAt: OffsetAt): DayCount[] {
  const byDay = new Map<number, number>()
  let first = Infinity
  let last = -Infinity
  for (const { hour, n } of hours) {
    const day = Math.floor(localSeconds(hour, offsetAt) / 86400)
    byDay.set(day, (byDay.get(day) ?? 0) + n)
    if (day < first) first = day
    if (day > last) last = day
  }
  const out: DayCount[] = []
  for (let day = first; day <= last; day++) out.push({ day, n: byDay.get(day) ?? 0 })
  return out
}

/**
 * Weekday × hour in local time: `grid[w][h]`, w = 0 Monday … 6 Sunday, h = 0 … 23.
 */
export function foldWeekHours(hours: readonly HourCount[], offsetAt: OffsetAt): number[][] {
  const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0))
  for (const { hour, n } of hours) {
    const local = localSeconds(hour, offsetAt)
    const day = Math.floor(local / 86400)
    const h = Math.floor((local - day * 86400) / 3600)
    // 1970-01-01 was a Thursday (3 counting from Monday = 0).
    const w = (((day + 3) % 7) + 7) % 7
    grid[w]![h]! += n
  }
  return grid
}

/** Local midnight of a local day, as Unix seconds in the browser's time zone (for the chart's x). */
export function dayStartSeconds(day: number): number {
  const d = new Date(day * 86400_000)
  return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()).getTime() / 1000
}

/** The top `limit` senders and the sum of the rest. `sorted` is busiest first. */
export function topSenders<T extends { from: string; n: number }>(
  sorted: readonly T[],
  limit: number
): { top: T[]; others: number; otherSenders: number; total: number } {
  const top = sorted.slice(0, limit)
  let others = 0
  let total = 0
  for (const s of sorted) total += s.n
  for (const s of sorted.slice(limit)) others += s.n
  return { top, others, otherSenders: Math.max(0, sorted.length - limit), total }
}
