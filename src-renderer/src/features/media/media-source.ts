/**
 * What the Media view reads from the media projection (lib/db/projections/media.ts): one
 * filter's rows, newest first, counted and read a window at a time (the view is virtualized: a
 * group may hold 100,000 images). Each read is one index range: [gk+shelf+t+seq+i] for a shelf,
 * [gk+kind+t+seq+i] for one kind, bounded by the date range.
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

export function countMedia(gk: string, f: MediaFilter, database: AppDB = appDb): Promise<number> {
  return range(database, gk, f).count()
}

/** Rows `offset` … `offset + limit - 1` of the filter, newest first. */
export function readMedia(gk: string, f: MediaFilter, offset: number, limit: number, database: AppDB = appDb): Promise<MediaRow[]> {
  return range(database, gk, f).reverse().offset(offset).limit(limit).toArray()
}

/** Whether the group has any media at all (the empty state's question). */
export async function hasMedia(gk: string, database: AppDB = appDb): Promise<boolean> {
  return (await database.media.where('[gk+seq+i]').between([gk, -Infinity, -Infinity], [gk, Infinity, Infinity]).first()) !== undefined
}

/** A date input's value (YYYY-MM-DD) as Unix seconds at the start (or end) of that day, local time. */
export function dayBound(value: string, end: boolean): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!m) return null
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (end ? 1 : 0))
  const s = Math.floor(d.getTime() / 1000)
  return Number.isFinite(s) ? (end ? s - 1 : s) : null
}
