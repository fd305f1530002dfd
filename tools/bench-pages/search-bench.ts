/**
 * The in-page half of `npm run bench:search` (tools/bench/bench-search.ts drives it through
 * Chromium): generates a mixed Chinese/English archive, writes it through the app's own write path
 * (commitBatches: messages, coverage, stats and the search index in one transaction each), and
 * times the app's own search (lib/search) against the scan. Exposed as `window.benchSearch`.
 */
import { AppDB } from '@renderer/lib/db/app-db'
import { groupKey } from '@renderer/lib/db/group-key'
import { commitBatches } from '@renderer/lib/db/archive-repo'
import { addGroups } from '@renderer/lib/db/groups-repo'
import { indexSearch, newIndexWriteStats, scanSearch, type SearchReadStats } from '@renderer/lib/search'
import { loadAround, seqAtOrBefore } from '@renderer/features/timeline/timeline-source'
import type { RawMessage } from '@shared/tim-types'
import { benchMessage, makeCorpus } from '../bench/search-corpus'

export interface BenchGroup {
  groupId: string
  seed: number
  messages: number
  /** Unix seconds of seq 1; messages are `gap` seconds apart on average. */
  start: number
  gap: number
}

const ws = '1400000001@china'
/** Where indexing time goes, summed over every ingest since the page loaded (the index's writes fill it). */
const writeStats = newIndexWriteStats()
const dbs = new Map<string, AppDB>()
function database(name: string): AppDB {
  let d = dbs.get(name)
  if (!d) dbs.set(name, (d = new AppDB(name)))
  return d
}

function timeOf(g: BenchGroup, seq: number): number {
  return g.start + Math.floor(seq * g.gap)
}

const corpus = makeCorpus()

const api = {
  corpus: () => corpus,
  async reset(name: string, groups: BenchGroup[]): Promise<void> {
    const d = database(name)
    await d.delete()
    await d.open()
    await addGroups(
      ws,
      groups.map((g) => ({ groupId: g.groupId, name: `Group ${g.groupId}`, type: 'Public', archivable: true })),
      d
    )
  },
  /** Writes seqs from..to (inclusive) of a group, `perTx` messages per transaction; returns ms. */
  async ingest(name: string, g: BenchGroup, from: number, to: number, perTx: number, index: boolean): Promise<number> {
    const d = database(name)
    const gk = groupKey(ws, g.groupId)
    let busy = 0
    const t0 = performance.now()
    for (let lo = from; lo <= to; lo += perTx) {
      const hi = Math.min(to, lo + perTx - 1)
      const items = []
      for (let s = lo; s <= hi; s += 20) {
        const messages: RawMessage[] = []
        for (let q = s; q <= Math.min(hi, s + 19); q++) messages.push(benchMessage(corpus, g.seed, q, timeOf(g, q)))
        items.push({ gk, batch: { messages, range: [s, Math.min(hi, s + 19)] as [number, number] } })
      }
      const b0 = performance.now()
      await commitBatches(items, d, { projections: index ? ['stats', 'activity', 'search'] : ['stats', 'activity'], search: { stats: writeStats } })
      busy += performance.now() - b0
    }
    void t0
    return busy
  },
  async query(
    name: string,
    query: string,
    kind: 'index' | 'scan',
    pageSize = 50
  ): Promise<{ firstPageMs: number; count: number; countMs: number; first: string[]; pageRead: SearchReadStats; read: SearchReadStats }> {
    const d = database(name)
    const readStats: SearchReadStats = { rows: 0, bytes: 0, readMs: 0 }
    const t0 = performance.now()
    const r = kind === 'index' ? await indexSearch({ query }, d, { stats: readStats }) : await scanSearch({ query }, d)
    if (!r.ok) throw new Error(r.error.error)
    const page = await r.run.page(0, pageSize)
    const firstPageMs = performance.now() - t0
    const pageRead = { ...readStats } // what the first page read (the newest levels, when they settle it)
    const count = await r.run.count()
    const first = page.map((h) => `${h.gk}#${h.seq}`)
    const read = { ...readStats } // what the count read (it reads every row of the terms' buckets)
    // Time to the count on its own: a fresh search asked for the count first.
    const t1 = performance.now()
    const again = kind === 'index' ? await indexSearch({ query }, d) : await scanSearch({ query }, d)
    if (!again.ok) throw new Error(again.error.error)
    await again.run.count()
    const countMs = performance.now() - t1
    return { firstPageMs, count, countMs, first, pageRead, read }
  },
  /** Jump to date as the timeline does it: the message at or before the time, and a page around it. */
  async dateJump(name: string, groupId: string, times: number[]): Promise<number[]> {
    const d = database(name)
    const gk = groupKey(ws, groupId)
    const out: number[] = []
    for (const t of times) {
      const t0 = performance.now()
      const seq = await seqAtOrBefore(gk, t, d)
      if (seq !== undefined) await loadAround(gk, seq, 100, d)
      out.push(performance.now() - t0)
    }
    return out
  },
  /** Opens the store as the app has it open before any search (it lists the groups at start). */
  async open(name: string): Promise<void> {
    await database(name).groups.toArray()
  },
  indexWriteStats: () => ({ ...writeStats }),
  async postingsRows(name: string): Promise<number> {
    return database(name).postings.count()
  },
  async drop(name: string): Promise<void> {
    await database(name).delete()
    dbs.delete(name)
  }
}

;(globalThis as unknown as { benchSearch: typeof api }).benchSearch = api
;(globalThis as unknown as { benchReady: boolean }).benchReady = true
