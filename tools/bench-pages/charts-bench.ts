/**
 * The in-page half of `npm run bench:charts` (tools/bench/bench-charts.ts drives it through
 * Chromium): writes a generated archive through the app's own write path (commitBatches: messages,
 * coverage, stats, search index and the charts' counts in one transaction each), then times what
 * the charts view reads and computes (features/charts) against a scan of every message computing
 * the same figures. Exposed as `window.benchCharts`. Messages are bench:search's generator
 * (mixed Chinese/English text, 200 Zipf-distributed senders, images, 1% placeholders).
 */
import Dexie from 'dexie'
import { AppDB } from '@renderer/lib/db/app-db'
import { groupKey } from '@renderer/lib/db/group-key'
import { countable, readHours, readSenders } from '@renderer/lib/db/activity'
import { commitBatches } from '@renderer/lib/db/archive-repo'
import { addGroups } from '@renderer/lib/db/groups-repo'
import { foldDays, foldWeekHours, localOffset, topSenders } from '@renderer/features/charts/activity-fold'
import type { RawMessage } from '@shared/tim-types'
import { benchMessage, makeCorpus } from '../bench/search-corpus'

export interface ChartsBenchGroup {
  groupId: string
  seed: number
  messages: number
  /** Unix seconds of seq 1; messages are `gap` seconds apart. */
  start: number
  gap: number
}

const ws = '1400000001@china'
const dbs = new Map<string, AppDB>()
function database(name: string): AppDB {
  let d = dbs.get(name)
  if (!d) dbs.set(name, (d = new AppDB(name)))
  return d
}
const corpus = makeCorpus()

const api = {
  async reset(name: string, g: ChartsBenchGroup): Promise<void> {
    const d = database(name)
    await d.delete()
    await d.open()
    await addGroups(ws, [{ groupId: g.groupId, name: g.groupId, type: 'Public', archivable: true }], d)
  },
  /** Writes seqs from..to of the group, `perTx` per transaction (sync batches of 20); returns ms. */
  async ingest(name: string, g: ChartsBenchGroup, from: number, to: number, perTx: number, activity: boolean): Promise<number> {
    const d = database(name)
    const gk = groupKey(ws, g.groupId)
    let busy = 0
    for (let lo = from; lo <= to; lo += perTx) {
      const hi = Math.min(to, lo + perTx - 1)
      const items = []
      for (let s = lo; s <= hi; s += 20) {
        const messages: RawMessage[] = []
        for (let q = s; q <= Math.min(hi, s + 19); q++) messages.push(benchMessage(corpus, g.seed, q, g.start + Math.floor(q * g.gap)))
        items.push({ gk, batch: { messages, range: [s, Math.min(hi, s + 19)] as [number, number] } })
      }
      const t0 = performance.now()
      await commitBatches(items, d, { projections: activity ? ['stats', 'activity', 'search'] : ['stats', 'search'] })
      busy += performance.now() - t0
    }
    return busy
  },
  /** What the charts view does on opening: two range reads, then the folds and the top senders. */
  async charts(name: string, groupId: string): Promise<{ ms: number; readMs: number; dayRows: number; senderRows: number; days: number; total: number }> {
    const d = database(name)
    const gk = groupKey(ws, groupId)
    const t0 = performance.now()
    const [hours, senders] = await Promise.all([readHours(d, gk), readSenders(d, gk)])
    const readMs = performance.now() - t0
    const days = foldDays(hours, localOffset)
    const grid = foldWeekHours(hours, localOffset)
    const top = topSenders(senders, 15)
    const ms = performance.now() - t0
    const total = grid.flat().reduce((a, b) => a + b, 0)
    if (total !== top.total) throw new Error(`the heatmap sums to ${total} but the senders to ${top.total}`)
    return { ms, readMs, dayRows: new Set(hours.map((h) => Math.floor(h.hour / 24))).size, senderRows: senders.length, days: days.length, total }
  },
  /**
   * The reference: every message of the group read (pages of 2000 by seq), counted by the same
   * rule, folded the same way. Returns its time and whether it equals the aggregates.
   */
  async scan(name: string, groupId: string): Promise<{ ms: number; messages: number; same: boolean }> {
    const d = database(name)
    const gk = groupKey(ws, groupId)
    const t0 = performance.now()
    const byHour = new Map<number, number>()
    const bySender = new Map<string, number>()
    let after: number | typeof Dexie.minKey = Dexie.minKey
    let messages = 0
    for (;;) {
      const page = await d.messages.where('[gk+seq]').between([gk, after], [gk, Dexie.maxKey], false, true).limit(2000).toArray()
      if (!page.length) break
      for (const row of page) {
        messages++
        if (!countable(row.raw)) continue
        const hour = Math.floor(row.time / 3600)
        byHour.set(hour, (byHour.get(hour) ?? 0) + 1)
        if (row.from) bySender.set(row.from, (bySender.get(row.from) ?? 0) + 1)
      }
      after = page[page.length - 1]!.seq
    }
    const hours = [...byHour].sort((a, b) => a[0] - b[0]).map(([hour, n]) => ({ hour, n }))
    foldDays(hours, localOffset)
    foldWeekHours(hours, localOffset)
    const ms = performance.now() - t0
    const [aHours, aSenders] = await Promise.all([readHours(d, gk), readSenders(d, gk)])
    const same = JSON.stringify(aHours) === JSON.stringify(hours) && aSenders.length === bySender.size && aSenders.every((s) => bySender.get(s.from) === s.n)
    return { ms, messages, same }
  },
  async activityRows(name: string): Promise<number> {
    return database(name).activity.count()
  },
  async drop(name: string): Promise<void> {
    await database(name).delete()
    dbs.delete(name)
  }
}

;(globalThis as unknown as { benchCharts: typeof api }).benchCharts = api
;(globalThis as unknown as { benchChartsReady: boolean }).benchChartsReady = true
