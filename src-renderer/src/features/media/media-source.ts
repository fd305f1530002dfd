/**
 * What the Media view reads from the media projection (lib/db/projections/media.ts): one
 * filter's rows, newest first, counted and read a window at a time (the view is virtualized: a
 * group may hold 100,000 images). Each read is one index range: [gk+shelf+t+seq+i] for a shelf,
 * [gk+kind+t+seq+i] for one kind, bounded by the date range.
 *
 * A Community's Media view shows its own media and its topics' (issue 18 §2: each topic is a channel
 * under its own key): every function takes one key or several; with several, the rows are merged
 * newest first across them (time, then key, then seq).
 */
import { db as appDb, type AppDB } from '@renderer/lib/db/app-db'
import type { MediaRow, MediaShelf, MediaViewKind } from '@renderer/lib/db/projections/media'

/** The type filter: a whole shelf, or one kind. */
export type MediaFilterType = MediaShelf | MediaViewKind

export interface MediaFilter {
  type: MediaFilterType
  /** Unix seconds, inclusive; null for no bound. */
  from: number | null
  to: number | null
}

export function shelfOf(type: MediaFilterType): MediaShelf {
  return type === 'grid' || type === 'image' || type === 'video' ? 'grid' : type === 'list' || type === 'file' || type === 'voice' ? 'list' : 'grid'
}

function range(database: AppDB, gk: string, f: MediaFilter) {
  const shelf = f.type === 'grid' || f.type === 'list'
  const index = shelf ? '[gk+shelf+t+seq+i]' : '[gk+kind+t+seq+i]'
  const lo = f.from ?? -Infinity
  const hi = f.to ?? Infinity
  return database.media.where(index).between([gk, f.type, lo, -Infinity, -Infinity], [gk, f.type, hi, Infinity, Infinity], true, true)
}

/** One key or several (a Community with its topics). */
export type MediaKeys = string | readonly string[]

function keysOf(gks: MediaKeys): readonly string[] {
  return typeof gks === 'string' ? [gks] : gks
}

export async function countMedia(gks: MediaKeys, f: MediaFilter, database: AppDB = appDb): Promise<number> {
  let n = 0
  for (const gk of keysOf(gks)) n += await range(database, gk, f).count()
  return n
}

/** Newest first across keys: by time, then key, then the key's own order (seq, object), all descending but the key. */
export function newestFirst(a: MediaRow, b: MediaRow): number {
  return b.t - a.t || (a.gk < b.gk ? -1 : a.gk > b.gk ? 1 : 0) || b.seq - a.seq || b.i - a.i
}

/**
 * Rows `offset` … `offset + limit - 1` of the filter, newest first. Several keys: each key's newest
 * `offset + limit` rows (its index range, reversed) merged, so a window costs at most that per key.
 */
export async function readMedia(gks: MediaKeys, f: MediaFilter, offset: number, limit: number, database: AppDB = appDb): Promise<MediaRow[]> {
  const keys = keysOf(gks)
  if (keys.length === 1) return range(database, keys[0]!, f).reverse().offset(offset).limit(limit).toArray()
  const all: MediaRow[] = []
  for (const gk of keys)
    all.push(
      ...(await range(database, gk, f)
        .reverse()
        .limit(offset + limit)
        .toArray())
    )
  return all.sort(newestFirst).slice(offset, offset + limit)
}

/** Who sent each row's message (its From_Account; undefined when the message is not in the store). */
export async function sendersOf(rows: readonly MediaRow[], database: AppDB = appDb): Promise<(string | undefined)[]> {
  const messages = await database.messages.bulkGet(rows.map((r) => [r.gk, r.seq] as [string, number]))
  return messages.map((m) => (typeof m?.raw.From_Account === 'string' && m.raw.From_Account !== '' ? m.raw.From_Account : undefined))
}

/** Whether the group (or any of the keys) has any media at all (the empty state's question). */
export async function hasMedia(gks: MediaKeys, database: AppDB = appDb): Promise<boolean> {
  for (const gk of keysOf(gks)) {
    if ((await database.media.where('[gk+seq+i]').between([gk, -Infinity, -Infinity], [gk, Infinity, Infinity]).first()) !== undefined) return true
  }
  return false
}

/** A date input's value (YYYY-MM-DD) as Unix seconds at the start (or end) of that day, local time. */
export function dayBound(value: string, end: boolean): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!m) return null
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (end ? 1 : 0))
  const s = Math.floor(d.getTime() / 1000)
  return Number.isFinite(s) ? (end ? s - 1 : s) : null
}
