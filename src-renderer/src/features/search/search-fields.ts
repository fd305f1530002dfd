/**
 * From the search panel's fields to a SearchRequest: local calendar days to epoch ms, the scope
 * to group keys. Pure, so it is tested without a DOM.
 */
import type { SearchRequest } from '@renderer/lib/search'
import { isQueryError, parseQuery } from '@shared/search/query'

export interface SearchFields {
  query: string
  /** 'group': only `groupGk` (when set, and unless the query names groups with `in:`); 'all': every group. */
  scope: 'group' | 'all'
  groupGk: string | null
  /** The open group's Community topics (their keys): "This group" searches them with it. */
  topicGks?: readonly string[]
  /** `YYYY-MM-DD` from <input type="date">, local time; '' for none. */
  fromDate: string
  /** Inclusive: the whole day counts. */
  toDate: string
  sender: string
}

/** Epoch ms of 00:00 local time on a `YYYY-MM-DD` day, `days` later; undefined for ''. */
export function localDayStart(day: string, days = 0): number | undefined {
  const m = /^(\d{4,})-(\d{2})-(\d{2})$/.exec(day)
  if (!m) return undefined
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days).getTime()
}

/** Whether the date range is backwards (from after to). */
export function datesReversed(f: Pick<SearchFields, 'fromDate' | 'toDate'>): boolean {
  return f.fromDate !== '' && f.toDate !== '' && f.fromDate > f.toDate
}

/** Where the scope choice is kept for the session (sessionStorage: a reload keeps it, a new window does not). */
export const scopeKey = 'tim-archive.search-scope'

/** The scope a session starts with: "This group", unless "All groups" was chosen earlier in it. */
export function initialScope(storage: Pick<Storage, 'getItem'> | undefined): 'group' | 'all' {
  try {
    return storage?.getItem(scopeKey) === 'all' ? 'all' : 'group'
  } catch {
    return 'group'
  }
}

/** Whether the query picks its groups itself: a positive `in:` clause (shared/search/query.ts). */
export function queryNamesGroups(query: string): boolean {
  const q = parseQuery(query)
  return !isQueryError(q) && q.clauses.some((c) => c.kind === 'in' && !c.negated)
}

/**
 * The scope a search really has: the open group when the panel says "This group" and a group is
 * open, unless the query's own `in:` names the groups (then every group, narrowed by `in:`).
 */
export function effectiveScope(f: Pick<SearchFields, 'query' | 'scope' | 'groupGk'>): 'group' | 'all' {
  return f.scope === 'group' && f.groupGk !== null && !queryNamesGroups(f.query) ? 'group' : 'all'
}

/**
 * The request for the fields: dates as [start of the from-day, start of the day after the to-day)
 * in local time; the sender trimmed; the query's own dates read in the local offset.
 */
export function toRequest(f: SearchFields, now = new Date()): SearchRequest {
  const req: SearchRequest = {
    query: f.query,
    timeZoneOffsetMinutes: -now.getTimezoneOffset()
  }
  if (effectiveScope(f) === 'group' && f.groupGk) req.gks = [f.groupGk, ...(f.topicGks ?? [])]
  const sender = f.sender.trim()
  if (sender) req.sender = sender
  const fromMs = localDayStart(f.fromDate)
  const toMs = localDayStart(f.toDate, 1)
  if (fromMs !== undefined) req.fromMs = fromMs
  if (toMs !== undefined) req.toMs = toMs
  return req
}
