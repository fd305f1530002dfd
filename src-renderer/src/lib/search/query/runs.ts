/**
 * Paging strategies: a SearchRun over ranked candidates (checked with the reference predicate when
 * the index cannot decide), or straight over the messages' [gk+time] index when the query has no
 * lookup.
 */
import Dexie from 'dexie'
import type { ArchivedMessage } from '@shared/archive-record'
import type { AppDB, MessageRow } from '@renderer/lib/db/app-db'
import { bySeq, byTime } from '@renderer/lib/db/pager'
import type { Plan } from './plan'
import { newestFirst, type PreparedSearch } from './prepare'
import type { Ranked } from './ranked'
import type { SearchHit, SearchRun } from './types'

async function rowsOf(db: AppDB, r: Ranked, from: number, to: number): Promise<(MessageRow | undefined)[]> {
  return db.messages.bulkGet(r.positions(from, to).map((p) => r.key(p)))
}

function hit(row: MessageRow): SearchHit {
  return { gk: row.gk, seq: row.seq, time: row.time, row }
}

/**
 * How a run gets its candidates: `all()`, every one; `first(k)`, the k first, or every one when
 * the newest levels cannot settle them (`complete`); `count()`, how many there are without
 * building them (undefined: it cannot tell, and `all()` answers).
 */
export interface Candidates {
  all(): Promise<Ranked>
  first(k: number): Promise<{ ranked: Ranked; complete: boolean }>
  count(): Promise<number | undefined>
}

/** A run over ordered candidates; with `verify`, each is checked with the reference predicate. */
export function candidateRun(db: AppDB, prepared: PreparedSearch, source: Candidates, verify: boolean): SearchRun {
  const candidates = source.all
  if (!verify) {
    let all: Ranked | undefined
    let counted: Promise<number> | undefined
    return {
      query: prepared.query,
      count: () => (all ? Promise.resolve(all.n) : (counted ??= (async () => (await source.count()) ?? (all ??= await candidates()).n)())),
      page: async (offset, limit) => {
        // An early page, before anything needed every candidate: the newest levels may settle it.
        let early: Ranked | undefined
        if (!all && offset + limit <= 500) {
          const first = await source.first(offset + limit)
          if (first.complete) all = first.ranked
          else early = first.ranked
        }
        const o = early ?? (all ??= await candidates())
        const to = Math.min(o.n, offset + limit)
        if (offset >= to) return []
        return (await rowsOf(db, o, offset, to)).flatMap((r) => (r ? [hit(r)] : []))
      }
    }
  }
  const verified: SearchHit[] = []
  let checked = 0
  let busy: Promise<void> = Promise.resolve()
  const fill = (want: number) =>
    (busy = busy.then(async () => {
      const o = await candidates()
      while (verified.length < want && checked < o.n) {
        const to = Math.min(o.n, checked + Math.max(200, want - verified.length))
        const rows = await rowsOf(db, o, checked, to)
        for (const r of rows) if (r && prepared.matches(r.raw as ArchivedMessage)) verified.push(hit(r))
        checked = to
      }
    }))
  return {
    query: prepared.query,
    count: async () => {
      await fill(Infinity)
      return verified.length
    },
    page: async (offset, limit) => {
      await fill(offset + limit)
      return verified.slice(offset, offset + limit)
    }
  }
}

/** No lookups, no checks: count and page straight from the [gk+time] (or [gk+seq]) index. */
export function rangeRun(db: AppDB, prepared: PreparedSearch, gks: string[], keepTime: Plan['keepTime'], range: { from?: number; to?: number }): SearchRun {
  const dated = keepTime.length > 0
  const lo = Math.max(1, range.from === undefined ? 1 : Math.ceil(range.from / 1000))
  const hi = range.to === undefined ? Dexie.maxKey : Math.ceil(range.to / 1000)
  const collection = (gk: string) => (dated ? byTime(db.messages, gk, lo, hi, true, false) : bySeq(db.messages, gk))
  let counted: Promise<number> | undefined
  if (typeof hi === 'number' && lo >= hi) return { query: prepared.query, count: async () => 0, page: async () => [] }
  return {
    query: prepared.query,
    count: () => (counted ??= Promise.all(gks.map((gk) => collection(gk).count())).then((n) => n.reduce((a, b) => a + b, 0))),
    page: async (offset, limit) => {
      const per = await Promise.all(
        gks.map((gk) =>
          (dated ? collection(gk) : byTime(db.messages, gk))
            .reverse()
            .limit(offset + limit)
            .toArray()
        )
      )
      return per
        .flat()
        .sort(newestFirst)
        .slice(offset, offset + limit)
        .map(hit)
    }
  }
}
