/**
 * "Sync before the server forgets": whether a group's oldest unarchived messages are about to pass
 * the cloud's retention window (7, 30 or 90 days by plan). Pure: the group's facts and `now` go in.
 *
 * What is unarchived, and when it expires:
 * - after the last completed sync: everything sent since. The oldest of it was sent right after
 *   `lastSyncAt`, so it expires at lastSyncAt + retention. We warn `marginDays` before that
 *   ('soon'), and say it may already be gone after it ('expired');
 * - gaps in the coverage (an interrupted sync, or the start of history not found yet): seqs older
 *   than the newest archived one that no sync has pulled. They are at least as old as the oldest
 *   archived message, so once that is older than retention − margin they are at risk ('gaps');
 * - a group that was never synced: its whole history is unarchived and the oldest messages expire
 *   every day. We warn once it has been listed for more than `graceDays` ('never').
 */
import { missingRanges, type Coverage } from '@shared/coverage'

export interface RetentionInput {
  retentionDays: number
  /** ms of the last completed sync, or null. */
  lastSyncAt: number | null
  /** ms when the group was added to the archive. */
  addedAt: number
  coverage: Coverage
  /** Unix seconds of the oldest archived message (0 when none). */
  firstTime: number
  /** Imported archives cannot be synced: never warn. */
  imported?: boolean
}

export interface RetentionWarning {
  kind: 'expired' | 'soon' | 'gaps' | 'never'
  retentionDays: number
  lastSyncAt: number | null
  /** Days until the oldest unarchived messages expire, rounded up (0 when already due), if known. */
  daysLeft: number | null
  /** Gaps in the coverage below the newest archived seq. */
  gaps: number
}

export const dayMs = 86_400_000

/** Coverage gaps a sync has still to pull: inner gaps, plus the open bottom when the floor is unknown. */
export function unpulledGaps(cov: Coverage): number {
  if (!cov.ranges.length) return 0
  return missingRanges(cov).length
}

export function retentionWarning(g: RetentionInput, now: number, opts: { marginDays?: number; graceDays?: number } = {}): RetentionWarning | null {
  if (g.imported) return null
  const retentionMs = g.retentionDays * dayMs
  // Two days' notice on a 7-day plan; never more than half the window on a short one.
  const marginMs = Math.min(opts.marginDays ?? 2, g.retentionDays / 2) * dayMs
  const graceMs = (opts.graceDays ?? 1) * dayMs
  const gaps = unpulledGaps(g.coverage)
  const base = { retentionDays: g.retentionDays, lastSyncAt: g.lastSyncAt, gaps }

  if (g.lastSyncAt === null) {
    if (gaps > 0) return { ...base, kind: 'gaps', daysLeft: null }
    return now - g.addedAt > graceMs ? { ...base, kind: 'never', daysLeft: null } : null
  }
  const expiresAt = g.lastSyncAt + retentionMs
  const daysLeft = Math.max(0, Math.ceil((expiresAt - now) / dayMs))
  if (now >= expiresAt) return { ...base, kind: 'expired', daysLeft: 0 }
  if (now >= expiresAt - marginMs) return { ...base, kind: 'soon', daysLeft }
  if (gaps > 0 && g.firstTime > 0 && now >= g.firstTime * 1000 + retentionMs - marginMs) {
    return { ...base, kind: 'gaps', daysLeft: Math.max(0, Math.ceil((g.firstTime * 1000 + retentionMs - now) / dayMs)) }
  }
  return null
}
