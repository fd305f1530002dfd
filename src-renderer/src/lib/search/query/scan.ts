/**
 * Search by reading every message in scope and testing it with the reference predicate. Correct by
 * construction and slow (seconds at a million messages): the index is tested against it, and
 * bench:search reports the index's speed as a ratio to it.
 */
import { db as appDb, type AppDB } from '@renderer/lib/db/app-db'
import { bySeq } from '@renderer/lib/db/pager'
import { newestFirst, prepareSearch, type HitKey } from './prepare'
import type { SearchHit, SearchOutcome, SearchRequest } from './types'

export async function scanSearch(req: SearchRequest, db: AppDB = appDb): Promise<SearchOutcome> {
  const prepared = await prepareSearch(req, db)
  if ('error' in prepared) return { ok: false, error: prepared }
  let all: Promise<HitKey[]> | undefined
  const hits = (): Promise<HitKey[]> =>
    (all ??= (async () => {
      const out: HitKey[] = []
      for (const gk of prepared.gks) {
        await bySeq(db.messages, gk).each((row) => {
          if (prepared.matches(row.raw)) out.push({ gk: row.gk, seq: row.seq, time: row.time })
        })
      }
      return out.sort(newestFirst)
    })())
  return {
    ok: true,
    run: {
      query: prepared.query,
      count: async () => (await hits()).length,
      page: async (offset, limit) => {
        const keys = (await hits()).slice(offset, offset + limit)
        const rows = await db.messages.bulkGet(keys.map((k) => [k.gk, k.seq] as [string, number]))
        const out: SearchHit[] = []
        keys.forEach((k, i) => {
          const row = rows[i]
          if (row) out.push({ ...k, row })
        })
        return out
      }
    }
  }
}
