/**
 * The one way through a group's messages: its [gk+seq] primary key (seq order) or its [gk+time]
 * index (date order), a page at a time. A group may hold a million messages, so nothing reads a
 * whole group at once: the timeline reads one page around where the user is, and export, health,
 * the projections' rebuilds (projections/) and deleting a group walk it page by page.
 *
 * Works on the app's tables and on an upgrade transaction's (`tx.table('messages')`) alike.
 */
import Dexie, { type Collection, type Table } from 'dexie'

/** A bound of a range: a seq (or time), or the ends of the group. */
export type Bound = number | typeof Dexie.minKey | typeof Dexie.maxKey

/** What the pager needs of a message row (MessageRow, or an upgrade's view of it). */
export interface PagedRow {
  gk: string
  seq: number
}

type Messages<T extends PagedRow> = Table<T, [string, number]>

/** A group's messages with seqs from `lo` to `hi` (bounds included unless said otherwise), in seq order. */
export function bySeq<T extends PagedRow>(
  messages: Messages<T>,
  gk: string,
  lo?: Bound,
  hi?: Bound,
  includeLo?: boolean,
  includeHi?: boolean
): Collection<T, [string, number]> {
  return within(messages, '[gk+seq]', gk, lo, hi, includeLo, includeHi)
}

/** A group's messages with times (Unix s) from `lo` to `hi` (bounds included unless said otherwise), in time order. */
export function byTime<T extends PagedRow>(
  messages: Messages<T>,
  gk: string,
  lo?: Bound,
  hi?: Bound,
  includeLo?: boolean,
  includeHi?: boolean
): Collection<T, [string, number]> {
  return within(messages, '[gk+time]', gk, lo, hi, includeLo, includeHi)
}

function within<T extends PagedRow>(
  messages: Messages<T>,
  index: '[gk+seq]' | '[gk+time]',
  gk: string,
  lo: Bound = Dexie.minKey,
  hi: Bound = Dexie.maxKey,
  includeLo = true,
  includeHi = true
): Collection<T, [string, number]> {
  return messages.where(index).between([gk, lo], [gk, hi], includeLo, includeHi)
}

export interface PageOptions {
  /** Rows per page (one Dexie read each). */
  size: number
  /** Checked before each read: once aborted, no more pages (the caller decides what aborting means). */
  signal?: AbortSignal
}

/**
 * A group's messages in seq order, `size` rows per page, each page one read from where the last
 * ended. Yields every page it reads: the last is shorter than `size`, possibly empty (a caller
 * reporting progress per page reports once for an empty group). Stops there, or before the next
 * read once `signal` is aborted. Holds no transaction across a `yield` unless the caller runs it
 * inside one.
 */
export async function* pages<T extends PagedRow>(messages: Messages<T>, gk: string, opts: PageOptions): AsyncGenerator<T[]> {
  let after: Bound = Dexie.minKey
  for (;;) {
    if (opts.signal?.aborted) return
    const page: T[] = await bySeq(messages, gk, after, Dexie.maxKey, false, true).limit(opts.size).toArray()
    yield page
    if (page.length < opts.size) return
    after = page[page.length - 1]!.seq
  }
}
