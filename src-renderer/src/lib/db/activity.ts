/**
 * Activity aggregates for the charts (features/charts): per group, message counts per UTC day
 * since the epoch with its 24 hourly counts (kind 'd', key: day number) and per sender (kind 's',
 * key: From_Account), kept by the store as messages are written, so a chart reads a few hundred
 * small rows instead of every message. Stored in the `activity` table (schema v3, app-db.ts),
 * keyed [gk+kind+key].
 *
 * Why a row per day holding 24 hours rather than a row per hour: IndexedDB's cost is per row, on
 * both sides. A two-year group is at most 731 day rows to read where it would be 17,520 hour rows
 * (bench:charts measured reading 17k hour rows to be slow: docs/dev/benchmarks.md), and a
 * 2,000-message write spanning a day and a half of chat touches 2 rows instead of ~35.
 *
 * What counts: a message is counted once per seq, when it is first stored WITH CONTENT and is not
 * a system message, i.e. the chat's own messages. A placeholder (IsPlaceMsg 1 deleted/expired,
 * 2 recalled) archived without its content does not count: the archive never saw the message, and
 * the real API does not promise its time or sender. When such a placeholder is later replaced by
 * the content (merge outcome 'upgraded'), it counts then. Archived content is never replaced by
 * less (shared/archive-record.ts), so a counted message stays counted: when the server later
 * deletes or recalls it, the archive keeps it and so do the charts. Hence the rule reduces to the
 * transition "stored record before this write was not countable → final record is" per seq, which
 * also makes a repeated commit count nothing twice.
 *
 * Cost at ingest: one bulkGet + one bulkPut per group per write transaction, one row per (day,
 * group) and per (sender, group) touched. The write path feeds it through projections/activity.ts,
 * whose `rebuild` builds the rows from the archived messages.
 */
import Dexie, { type Table } from 'dexie'
import { hasContent, type ArchivedMessage } from '@shared/archive-record'

export type ActivityKind = 'd' | 's'

export interface ActivityRow {
  gk: string
  kind: ActivityKind
  /** 'd': UTC day since the epoch (Unix seconds / 86400, floored); 's': From_Account. */
  key: number | string
  /** Messages counted. */
  n: number
  /** 'd' only: the day's counts per UTC hour, 24 numbers. */
  h?: number[]
}

export type ActivityKey = [string, ActivityKind, number | string]

/** The part of the database the aggregates need (the app's AppDB, or an upgrade transaction's tables). */
export interface ActivityStore {
  activity: Table<ActivityRow, ActivityKey>
}

/** True when the record counts as a message in the charts (see the header). */
export function countable(m: ArchivedMessage | undefined): m is ArchivedMessage {
  return !!m && m.IsSystemMsg !== 1 && hasContent(m)
}

function hourOf(m: ArchivedMessage): number | null {
  const time = Number(m.MsgTimeStamp)
  return Number.isFinite(time) && time > 0 ? Math.floor(time / 3600) : null
}

function senderOf(m: ArchivedMessage): string {
  const from = m.From_Account as unknown
  return typeof from === 'string' ? from : from === undefined || from === null ? '' : String(from)
}

/** Increments for one group, collected during a write. */
export class ActivityDiff {
  readonly hours = new Map<number, number>()
  readonly senders = new Map<string, number>()

  /** One seq's change: the record stored before the write (if any) and the one stored after it. */
  record(before: ArchivedMessage | undefined, after: ArchivedMessage): void {
    if (countable(before) || !countable(after)) return
    this.add(after)
  }

  /** Counts a message (used when building the aggregates from what is already stored). */
  add(m: ArchivedMessage): void {
    const hour = hourOf(m)
    if (hour !== null) this.hours.set(hour, (this.hours.get(hour) ?? 0) + 1)
    const from = senderOf(m)
    if (from) this.senders.set(from, (this.senders.get(from) ?? 0) + 1)
  }

  get empty(): boolean {
    return this.hours.size === 0 && this.senders.size === 0
  }
}

/**
 * Adds a group's increments to its rows: one bulkGet and one bulkPut. Runs inside the caller's
 * read-write transaction (which must include the activity table).
 */
export async function writeActivity(store: ActivityStore, gk: string, diff: ActivityDiff): Promise<void> {
  if (diff.empty) return
  const keys: ActivityKey[] = []
  const days = new Map<number, number[]>()
  for (const [hour, n] of diff.hours) {
    const day = Math.floor(hour / 24)
    let slots = days.get(day)
    if (!slots) days.set(day, (slots = new Array<number>(24).fill(0)))
    slots[hour - day * 24]! += n
  }
  for (const day of days.keys()) keys.push([gk, 'd', day])
  for (const from of diff.senders.keys()) keys.push([gk, 's', from])
  const rows = await store.activity.bulkGet(keys)
  await store.activity.bulkPut(
    keys.map(([, kind, key], i): ActivityRow => {
      const row = rows[i]
      if (kind === 's') return { gk, kind, key, n: (row?.n ?? 0) + diff.senders.get(key as string)! }
      const h = row?.h ? [...row.h] : new Array<number>(24).fill(0)
      const add = days.get(key as number)!
      let n = row?.n ?? 0
      for (let j = 0; j < 24; j++) {
        h[j]! += add[j]!
        n += add[j]!
      }
      return { gk, kind, key, n, h }
    })
  )
}

/** A group's counts per UTC hour (hours with messages only), in hour order: one range read of its day rows. */
export async function readHours(store: ActivityStore, gk: string): Promise<{ hour: number; n: number }[]> {
  const rows = await store.activity.where('[gk+kind+key]').between([gk, 'd', Dexie.minKey], [gk, 'd', Dexie.maxKey]).toArray()
  const out: { hour: number; n: number }[] = []
  for (const r of rows) {
    const base = (r.key as number) * 24
    r.h?.forEach((n, i) => {
      if (n > 0) out.push({ hour: base + i, n })
    })
  }
  return out
}

/** A group's per-sender rows ('s'), busiest first (ties by account). */
export async function readSenders(store: ActivityStore, gk: string): Promise<{ from: string; n: number }[]> {
  const rows = await store.activity.where('[gk+kind+key]').between([gk, 's', Dexie.minKey], [gk, 's', Dexie.maxKey]).toArray()
  return rows.map((r) => ({ from: String(r.key), n: r.n })).sort((a, b) => b.n - a.n || (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))
}
