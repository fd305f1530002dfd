/**
 * What a group holds, in one statement the sidebar, the group page and the health dialog share
 * (issue 15 item 6): a group that was synced and has no messages on the server says so, with when
 * it was checked; a group never synced says that instead. Before, the same empty group read
 * "0 messages · no messages, complete" in the sidebar, "No messages archived yet. Sync the group…"
 * on its page and "nothing synced yet" next to a last-sync time in the health report.
 *
 * Pure (a locale in, a string out), so it runs in unit tests without the UI's reactive state.
 */
import { isComplete, type Coverage } from '@shared/coverage'
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
