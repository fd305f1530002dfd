/** How a group's archive state reads in the UI: coverage, gaps, last sync, retention warnings. */
import { isComplete, missingRanges } from '@shared/coverage'
import { importedWorkspaceId, type GroupStats } from '@renderer/lib/db/app-db'
import type { GroupView } from '@renderer/lib/db/groups-repo'
import { fmtRelative, i18n, t } from '@renderer/lib/i18n'
import { retentionWarning, type RetentionWarning } from '@renderer/lib/schedule/retention'
import { dateRangeText, groupStatus, groupStatusText, incompleteText, type GroupStatus } from './group-status'

export function isImported(g: GroupView): boolean {
  return g.row.workspaceId === importedWorkspaceId
}

/** Never synced, synced and empty on the server, or holding messages (group-status.ts). */
export function statusOf(g: GroupView): GroupStatus {
  return groupStatus({ messages: g.row.stats.messages, coverage: g.coverage, lastSyncAt: g.row.lastSyncAt, imported: isImported(g) })
}

/**
 * The group's one-line summary for the sidebar: "3,042 messages · Mar 12, 2024 – Dec 5, 2026"
 * (first and last message, in the locale and the system time zone), with "2 gaps" or "start of
 * history not found yet" while the archive is not complete; or, for a group without messages, the
 * one statement every view shows ("No messages on the server (checked …)", "Not synced yet"). The
 * seq ranges are the group header's (coverageText).
 */
export function summaryText(g: GroupView): string {
  const status = groupStatusText(statusOf(g), i18n.locale)
  if (status !== null) return status
  const parts = [t('groups.messages', { count: g.row.stats.messages })]
  const range = dateRangeText(g.row.stats.firstTime, g.row.stats.lastTime, i18n.locale)
  if (range) parts.push(range)
  const incomplete = incompleteText(g.coverage, isImported(g), i18n.locale)
  if (incomplete) parts.push(incomplete)
  return parts.join(' · ')
}

/** "seq 1–3,042, complete", "seq 10–3,042, 2 gaps", or the statement of a group without messages. */
export function coverageText(g: GroupView): string {
  const cov = g.coverage
  const status = groupStatusText(statusOf(g), i18n.locale)
  if (status !== null) return status
  if (!cov.ranges.length) return t('coverage.none')
  const lo = cov.floor ?? cov.ranges[0]![0]
  const hi = cov.top
  if (isComplete(cov)) return t('coverage.complete', { lo, hi })
  // The open gap below the first range is where history may start: not a gap to count.
  const gaps = missingRanges(cov).filter((m) => !m.open)
  if (gaps.length) return t('coverage.gaps', { lo, hi, count: gaps.length })
  return isImported(g) ? t('coverage.range', { lo, hi }) : t('coverage.startUnknown', { lo, hi })
}

/** "12 deleted · 3 recalled · 2 removed later" (only the non-zero parts), or ''. */
export function gapsText(stats: GroupStats): string {
  const parts: string[] = []
  if (stats.deleted) parts.push(t('coverage.deleted', { count: stats.deleted }))
  if (stats.recalled) parts.push(t('coverage.recalled', { count: stats.recalled }))
  if (stats.removedLater) parts.push(t('coverage.removedLater', { count: stats.removedLater }))
  return parts.join(' · ')
}

export function lastSyncedText(g: GroupView, now: number): string {
  return g.row.lastSyncAt ? t('groups.lastSynced', { when: fmtRelative(g.row.lastSyncAt, now) }) : t('groups.neverSynced')
}

/** Whether the group's oldest unarchived messages are close to the cloud's retention window. */
export function retentionOf(g: GroupView, now: number): RetentionWarning | null {
  return retentionWarning(
    {
      retentionDays: g.retentionDays,
      lastSyncAt: g.row.lastSyncAt,
      addedAt: g.row.addedAt,
      coverage: g.coverage,
      firstTime: g.row.stats.firstTime,
      imported: isImported(g)
    },
    now
  )
}

/** The warning as a sentence: "Messages older than 7 days are deleted by Tencent Cloud; last synced 6 days ago. Sync now." */
export function retentionText(w: RetentionWarning, now: number): string {
  const when = w.lastSyncAt !== null ? fmtRelative(w.lastSyncAt, now) : ''
  return t(`retention.${w.kind}`, { days: w.retentionDays, when })
}

/** The warning in a few words, for the sidebar. */
export function retentionShort(w: RetentionWarning): string {
  if (w.kind === 'soon') return t('retention.short.soon', { count: Math.max(1, w.daysLeft ?? 1) })
  return t(`retention.short.${w.kind}`)
}

/** Never synced and nothing archived: the timeline would be empty. */
export function neverSynced(g: GroupView): boolean {
  return statusOf(g).kind === 'never'
}
