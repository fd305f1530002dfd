/**
 * What a group holds, in one statement the sidebar, the group page and the health dialog share
 * (issue 15 item 6): a group that was synced and has no messages on the server says so, with when
 * it was checked; a group never synced says that instead. Before, the same empty group read
 * "0 messages · no messages, complete" in the sidebar, "No messages archived yet. Sync the group…"
 * on its page and "nothing synced yet" next to a last-sync time in the health report.
 *
 * Pure (a locale in, a string out), so it runs in unit tests without the UI's reactive state.
 */
import { isComplete, missingRanges, type Coverage } from '@shared/coverage'
import { formatDateTime } from '@renderer/lib/format/date-time'
import type { Locale } from '@renderer/lib/i18n/core'
import { translate } from '@renderer/lib/i18n/core'

export type GroupStatus =
  /** Nothing archived and no sync has found out anything about the group. */
  | { kind: 'never' }
  /** A sync proved the group has no messages on the server; `checkedAt`: when (ms), if recorded. */
  | { kind: 'empty'; checkedAt: number | null }
  /** Messages archived (or coverage known): the usual figures apply. */
  | { kind: 'messages' }

export interface StatusInput {
  messages: number
  coverage: Coverage
  /** ms since epoch of the last completed sync, or null. */
  lastSyncAt: number | null
  imported: boolean
}

export function groupStatus(g: StatusInput): GroupStatus {
  if (g.messages > 0 || g.coverage.ranges.length > 0) return { kind: 'messages' }
  // Coverage with a floor above the newest seq (floor 1, top 0): the sync proved there is nothing.
  if (isComplete(g.coverage)) return { kind: 'empty', checkedAt: g.lastSyncAt }
  if (g.imported) return { kind: 'messages' }
  return { kind: 'never' }
}

/** "No messages on the server (checked 3 Dec 2026, 14:05:00)" or "Not synced yet"; null for a group with messages. */
export function groupStatusText(s: GroupStatus, locale: Locale): string | null {
  if (s.kind === 'never') return translate(locale, 'groupStatus.never')
  if (s.kind === 'empty') {
    if (s.checkedAt === null) return translate(locale, 'groupStatus.emptyOnServer')
    return translate(locale, 'groupStatus.emptyOnServerChecked', { when: formatDateTime(s.checkedAt / 1000, locale) })
  }
  return null
}

const rangeFormats = new Map<string, Intl.DateTimeFormat>()

/**
 * The days a group's archived messages span, first to last (epoch seconds, the stats' firstTime
 * and lastTime), in the locale's medium date style and the time zone (the system's when omitted): "Mar 12,
 * 2024 – Dec 5, 2026", "Dec 1 – 5, 2026", "2024/3/12 – 2026/12/5" (as CLDR writes ranges), one
 * day when both fall on it. Null when no message has a
 * time (firstTime 0).
 */
export function dateRangeText(firstTime: number, lastTime: number, locale: Locale, timeZone?: string): string | null {
  if (!(firstTime > 0) || !(lastTime > 0)) return null
  const key = `${locale}\u0000${timeZone ?? ''}`
  let f = rangeFormats.get(key)
  if (!f) rangeFormats.set(key, (f = new Intl.DateTimeFormat(locale, timeZone ? { dateStyle: 'medium', timeZone } : { dateStyle: 'medium' })))
  return f.formatRange(Math.min(firstTime, lastTime) * 1000, Math.max(firstTime, lastTime) * 1000)
}

/**
 * What the sidebar says of an archive that is not complete, without seq numbers (those are in the
 * group's header): "2 gaps", "start of history not found yet"; null when complete (or imported
 * without a known start, which no sync can complete).
 */
export function incompleteText(coverage: Coverage, imported: boolean, locale: Locale): string | null {
  if (!coverage.ranges.length || isComplete(coverage)) return null
  const gaps = missingRanges(coverage).filter((m) => !m.open).length
  if (gaps) return translate(locale, 'groups.gapsShort', { count: gaps })
  return imported ? null : translate(locale, 'groups.startUnknownShort')
}
