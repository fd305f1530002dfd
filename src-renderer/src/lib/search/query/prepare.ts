/**
 * What a SearchRequest means, shared by the index and the scan: the parsed query with the UI's
 * sender and date filters folded in, the groups in scope, the reference predicate, and the query
 * taken apart for the index's planner (parsed and summarized here once).
 */
import { compileQuery, isQueryError, parseQuery, querySummary, type MatchContext, type Query, type QueryError, type QuerySummary } from '@shared/search/query'
import { normalize } from '@shared/search/normalize'
import type { ArchivedMessage } from '@shared/archive-record'
import type { AppDB } from '@renderer/lib/db/app-db'
import { expandNames } from '@renderer/lib/people/name-query'
import type { SearchRequest } from './types'

export interface PreparedSearch {
  query: Query
  ctx: MatchContext
  /** The query taken apart for the index's planner (querySummary, in ctx's time zone). */
  summary: QuerySummary
  /** Group keys in scope (after `in:` is NOT applied: the matcher and the index apply it). */
  gks: string[]
  /** Group id → name, for `in:` by name. */
  names: Map<string, string>
  /** The UI's date range in epoch ms, [from, to). */
  range: { from?: number; to?: number }
  /** The UI's sender, normalized ('' when none). */
  sender: string
  /** The accounts the UI's sender stands for: itself and those it names (lib/people/name-query.ts); empty when none. */
  senders: string[]
  /** Whether a message matches the whole request (the reference semantics). */
  matches: (m: ArchivedMessage) => boolean
}

export async function prepareSearch(req: SearchRequest, db: AppDB): Promise<PreparedSearch | QueryError> {
  const parsed = parseQuery(req.query)
  if (isQueryError(parsed)) return parsed
  const groups = await db.groups.toArray()
  const names = new Map<string, string>()
  for (const g of groups) if (g.profile?.name) names.set(g.groupId, g.profile.name)
  const inScope = req.gks ? new Set(req.gks) : undefined
  const gks = groups
    .map((g) => g.gk)
    .filter((gk) => !inScope || inScope.has(gk))
    .sort()
  const ctx: MatchContext = {
    groupName: (id) => names.get(id),
    timeZoneOffsetMinutes: req.timeZoneOffsetMinutes ?? 0
  }
  const sender = req.sender ? normalize(req.sender) : ''
  // `from:` and the sender filter match names too: the people of the groups in scope.
  const byName = parsed.clauses.some((c) => c.kind === 'from') || sender !== ''
  const people = byName ? (await db.people.toArray()).filter((p) => gks.includes(p.gk)) : []
  const { query, senders } = expandNames(parsed, people, sender)
  const senderSet = new Set(senders)
  const range = { from: req.fromMs, to: req.toMs }
  const base = compileQuery(query, ctx)
  const matches = (m: ArchivedMessage): boolean => {
    if (sender && (typeof m.From_Account !== 'string' || !senderSet.has(normalize(m.From_Account)))) return false
    if (range.from !== undefined || range.to !== undefined) {
      const ts = m.MsgTimeStamp
      if (typeof ts !== 'number' || !Number.isFinite(ts)) return false
      const ms = ts * 1000
      if (range.from !== undefined && ms < range.from) return false
      if (range.to !== undefined && ms >= range.to) return false
    }
    return base(m)
  }
  return { query, ctx, summary: querySummary(query, ctx), gks, names, range, sender, senders, matches }
}

/**
 * A match's place in the results: newest first (time, then group key, then seq, all descending;
 * seqs of different groups are not comparable, so a tie in time goes by group first).
 */
export interface HitKey {
  gk: string
  seq: number
  time: number
}

export function newestFirst(a: HitKey, b: HitKey): number {
  return b.time - a.time || (a.gk < b.gk ? 1 : a.gk > b.gk ? -1 : 0) || b.seq - a.seq
}
