/**
 * Media at risk (issue 17 §5 "The retention warning includes media at risk"): objects of archived
 * messages that the host has not kept yet (no outcome, or a failed one: media.lookup answers
 * 'pending' or 'failed') while those messages are about to pass the cloud's retention window, after
 * which their media is deleted with them (docs/reference/tencent-im-api.md §11).
 *
 * Reads the group's messages sent between `now − retention` (already gone before that) and
 * `now − retention + margin` through the [gk+time] index, at most `maxMessages` of them, and asks
 * the host about their objects in lookups of at most maxMediaLookupKeys keys. Pure apart from the
 * store and the lookup it is given.
 */
import { maxMediaLookupKeys, type MediaStatus } from '@shared/ipc/contract'
import { mediaInMessage } from '@shared/media/objects'
import { dayMs } from '@renderer/lib/schedule/retention'
import type { AppDB } from '@renderer/lib/db/app-db'

export interface MediaAtRisk {
  /** Objects not kept yet in messages that expire within the margin. */
  objects: number
  /** The margin, days: "within {days} days". */
  days: number
}

export async function mediaAtRisk(
  store: AppDB,
  g: { gk: string; groupId: string; retentionDays: number },
  now: number,
  lookup: (groupId: string, keys: string[]) => Promise<Record<string, MediaStatus>>,
  opts: { marginDays?: number; maxMessages?: number } = {}
): Promise<MediaAtRisk> {
  const days = Math.min(opts.marginDays ?? 2, g.retentionDays / 2)
  const lo = Math.floor((now - g.retentionDays * dayMs) / 1000)
  const hi = Math.floor((now - g.retentionDays * dayMs + days * dayMs) / 1000)
  const rows = await store.messages
    .where('[gk+time]')
    .between([g.gk, lo], [g.gk, hi], true, true)
    .limit(opts.maxMessages ?? 5000)
    .toArray()
  // Objects with a URL only: one without is recorded as such and never at risk.
  const keys = [...new Set(rows.flatMap((r) => mediaInMessage(r.raw).flatMap((ref) => (ref.key ? [ref.key] : []))))]
  let objects = 0
  for (let i = 0; i < keys.length; i += maxMediaLookupKeys) {
    const answer = await lookup(g.groupId, keys.slice(i, i + maxMediaLookupKeys))
    for (const s of Object.values(answer)) if (s.status === 'pending' || s.status === 'failed') objects++
  }
  return { objects, days: Math.max(1, Math.ceil(days)) }
}
