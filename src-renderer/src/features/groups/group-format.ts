/** How a group's archive state reads in the UI: coverage, gaps, last sync, retention warnings. */
import { isComplete, missingRanges } from '@shared/coverage'
import { importedWorkspaceId, type GroupStats } from '@renderer/lib/db/app-db'
import type { GroupView } from '@renderer/lib/db/groups-repo'
import { fmtRelative, t } from '@renderer/lib/i18n/i18n.svelte'

export function isImported(g: GroupView): boolean {
  return g.row.workspaceId === importedWorkspaceId
}

/** "seq 1–3,042, complete", "seq 10–3,042, 2 gaps" or "nothing archived yet". */
export function coverageText(g: GroupView): string {
  const cov = g.coverage
  if (!cov.ranges.length) {
    if (cov.floor !== null && cov.top < cov.floor) return t('coverage.empty')
    return t('coverage.none')
  }
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

/**
 * Not synced for longer than the server keeps history: messages may have expired unseen.
 * 'never' for a group that was never synced, 'stale' when the last sync is too old.
 */
export function retentionRisk(g: GroupView, now: number): 'never' | 'stale' | null {
  if (isImported(g)) return null
  if (g.row.lastSyncAt === null) return 'never'
  return now - g.row.lastSyncAt > g.retentionDays * 86_400_000 ? 'stale' : null
}

/** Never synced and nothing archived: the timeline would be empty. */
export function neverSynced(g: GroupView): boolean {
  return !isImported(g) && g.row.lastSyncAt === null && g.row.stats.messages === 0 && !g.coverage.ranges.length
}
