/**
 * Dates and times for the timeline in the UI locale and the system time zone: the shared formatter
 * (src-main/shared/format.ts), the same one the exports and the CLI use. Only the day-separator rule
 * is the timeline's own.
 */
import { dayKey } from '@shared/format'

export { dayKey, formatDateTime, formatDay, formatIsoDateTime, formatTime } from '@shared/format'

/**
 * Whether a day separator goes above `current`: when it is the first message known (no `previous`
 * and nothing older exists) or when its local day differs from the message above it. With
 * `previous` undefined and older messages not loaded, the answer is unknown and no separator is drawn
 * until they are.
 */
export function startsNewDay(previous: number | undefined, current: number, olderExist: boolean): boolean {
  if (previous === undefined) return !olderExist
  return dayKey(previous) !== dayKey(current)
}
