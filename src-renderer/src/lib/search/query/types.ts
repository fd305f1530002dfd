/**
 * The search API the UI uses. Two implementations answer it: search.ts (the inverted index kept in
 * the same transactions as the messages; what the app uses) and scan.ts (reads every message in
 * scope; the reference the index is tested against and the baseline bench:search compares with).
 */
import type { Query, QueryError } from '@shared/search/query'
import type { MessageRow } from '@renderer/lib/db/app-db'

export interface SearchRequest {
  /** The query language (shared/search/query.ts). Empty: every message in scope. */
  query: string
  /** Only these groups (group keys). Undefined: every group in the store. */
  gks?: string[]
  /** The UI's sender filter (a From_Account), ANDed with the query (same as `from:`). */
  sender?: string
  /** The UI's date range, epoch ms, [fromMs, toMs). ANDed with the query's dates. */
  fromMs?: number
  toMs?: number
  /** Minutes east of UTC for the query's dates (`on:2024-05-01`): -new Date().getTimezoneOffset(). */
  timeZoneOffsetMinutes?: number
}

export interface SearchHit {
  gk: string
  seq: number
  /** MsgTimeStamp, Unix seconds. */
  time: number
  row: MessageRow
}

/** One search's results: newest first (time, then group key, then seq, all descending). */
export interface SearchRun {
  readonly query: Query
  /** Hits `offset` to `offset + limit` of the ordered results. */
  page(offset: number, limit: number): Promise<SearchHit[]>
  /** The exact number of matches. */
  count(): Promise<number>
}

export type SearchOutcome = { ok: true; run: SearchRun } | { ok: false; error: QueryError }
