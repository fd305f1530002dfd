/**
 * Paged reads of one group's messages for the timeline. Every function reads at most a page through
 * the [gk+seq] primary key (or the [gk+time] index), never a whole group: a group may hold a million
 * messages and opening it must cost one page.
 *
 * Pages come back in ascending seq order (oldest first), the order the timeline shows them, whatever
 * direction the cursor walked.
 */
import Dexie from 'dexie'
import { db as appDb, type AppDB, type MessageRow } from '@renderer/lib/db/app-db'
import { bySeq, byTime } from '@renderer/lib/db/pager'

/** The newest `n` messages of a group. */
export async function loadNewest(gk: string, n: number, store: AppDB = appDb): Promise<MessageRow[]> {
  if (n <= 0) return []
  const rows = await bySeq(store.messages, gk).reverse().limit(n).toArray()
  return rows.reverse()
}

/** The oldest `n` messages of a group (Home, or a date before the archive begins). */
export async function loadOldest(gk: string, n: number, store: AppDB = appDb): Promise<MessageRow[]> {
  if (n <= 0) return []
  return bySeq(store.messages, gk).limit(n).toArray()
}

/** Up to `n` messages with a seq below `beforeSeq`, the nearest ones. */
export async function loadOlder(gk: string, beforeSeq: number, n: number, store: AppDB = appDb): Promise<MessageRow[]> {
  if (n <= 0) return []
  const rows = await bySeq(store.messages, gk, Dexie.minKey, beforeSeq, true, false).reverse().limit(n).toArray()
  return rows.reverse()
}

/** Up to `n` messages with a seq above `afterSeq`, the nearest ones. */
export async function loadNewer(gk: string, afterSeq: number, n: number, store: AppDB = appDb): Promise<MessageRow[]> {
  if (n <= 0) return []
  return bySeq(store.messages, gk, afterSeq, Dexie.maxKey, false, true).limit(n).toArray()
}

/** The messages with seqs from `fromSeq` to `toSeq` inclusive (re-reading a loaded window). */
export async function loadRange(gk: string, fromSeq: number, toSeq: number, store: AppDB = appDb): Promise<MessageRow[]> {
  if (toSeq < fromSeq) return []
  return bySeq(store.messages, gk, fromSeq, toSeq).toArray()
}

/**
 * About `n` messages around `seq`: the message itself (or, in a hole, the nearest one before it)
 * with about half the page on each side. Near either end of the group the page shifts so it still
 * holds `n` messages when the group has them.
 */
export async function loadAround(gk: string, seq: number, n: number, store: AppDB = appDb): Promise<MessageRow[]> {
  if (n <= 0) return []
  const wantNewer = Math.floor(n / 2)
  const wantOlder = n - wantNewer
  // Half on each side (the message itself among the older: seqs are integers, so "at or before
  // seq" is "below seq + 1"); a side cut short by the end of the history is made up from the other
  // in a second read, so only n rows are read.
  const [older, newer] = await Promise.all([loadOlder(gk, seq + 1, wantOlder, store), loadNewer(gk, seq, wantNewer, store)])
  if (older.length < wantOlder && newer.length === wantNewer) {
    newer.push(...(await loadNewer(gk, newer[newer.length - 1]!.seq, n - older.length - newer.length, store)))
  } else if (newer.length < wantNewer && older.length === wantOlder) {
    older.unshift(...(await loadOlder(gk, older[0]!.seq, n - older.length - newer.length, store)))
  }
  return [...older, ...newer]
}

/**
 * The seq of the newest message sent at or before `unixTime` (seconds), or undefined when every
 * message is newer. Messages without a time (0, as some placeholders may carry) are not considered:
 * they would otherwise sort before the whole history.
 */
export async function seqAtOrBefore(gk: string, unixTime: number, store: AppDB = appDb): Promise<number | undefined> {
  if (!(unixTime >= 1)) return undefined
  const keys = await byTime(store.messages, gk, 1, unixTime).reverse().limit(1).primaryKeys()
  const key = keys[0]
  return key ? key[1] : undefined
}

/**
 * The seq of the oldest message sent at or after `unixTime` (seconds), or undefined when every
 * message is older: where "jump to date" lands for the start of a day.
 */
export async function seqAtOrAfter(gk: string, unixTime: number, store: AppDB = appDb): Promise<number | undefined> {
  const keys = await byTime(store.messages, gk, Math.max(1, unixTime)).limit(1).primaryKeys()
  const key = keys[0]
  return key ? key[1] : undefined
}

/** The newest archived seq of a group, or undefined when it has none. */
export async function newestSeq(gk: string, store: AppDB = appDb): Promise<number | undefined> {
  const keys = await bySeq(store.messages, gk).reverse().limit(1).primaryKeys()
  const key = keys[0]
  return key ? key[1] : undefined
}

/** Index of `seq` in an ascending page, or of the nearest row before it; 0 when all are after. */
export function indexAtOrBefore(rows: readonly MessageRow[], seq: number): number {
  let lo = 0
  let hi = rows.length - 1
  let found = 0
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const row = rows[mid]!
    if (row.seq <= seq) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}
