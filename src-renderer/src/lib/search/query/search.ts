/**
 * Search answered from the postings index (lib/search/index). The result equals the scan's (scan.ts,
 * the reference predicate over every message) — the tests hold the two to that — but reads only
 * the buckets of the query's terms (one per level of the index, a few KB each):
 *
 * 1. Every positive word, prefix, `from:`, `has:` and `is:` (and the UI's sender) is a lookup: the
 *    seqs (with their times) of one term, or of every term starting with a prefix, per group.
 *    Lookups are ANDed (repeated `from:` ORed); dates filter on the postings' times; negated
 *    lookups are subtracted; `in:` narrows the groups before anything is read.
 * 2. What the index cannot decide — quoted phrases and symbol-only words (substrings), their
 *    negations, and a Latin prefix shorter than 3 letters when something else narrows the search —
 *    is checked on the candidates with the reference predicate, a page at a time; the count then
 *    checks them all. A phrase of two or more words first keeps only the candidates where its
 *    words stand at the phrase's distances (the index keeps word positions), so few are read.
 * 3. A query with no lookup (only dates, or nothing) counts and pages through the messages'
 *    [gk+time] index; with negations or phrases it reads that index's keys as the candidates.
 * 4. A first page reads the index's levels newest first (firstResults): each level records the
 *    newest time among its postings, and every posting carries its message's time, so a message
 *    newer than every unread level has all its postings in the levels read. Once the levels read
 *    give a page of results newer than that, the page is certain and the older levels (the big
 *    ones) are never read. A query of one term counts the term's postings without building the
 *    list (countOfTerm), unless a seq may be in two runs.
 * Postings are decoded into buffers kept across searches (scratch): fresh memory costs more here
 * than decoding does.
 * Results: newest first (time, seq, group key, descending), as SearchRun promises.
 */
import { db as appDb, type AppDB } from '@renderer/lib/db/app-db'
import { LEVELS } from '../index/layout'
import { andSets, filterSets, minusSets, orSets, size, type Sets } from './lists'
import { countOfTerm, filterPhrase, lookup, RowReader, universe, type SearchReadStats } from './lookup'
import { isDate, maxDefined, minDefined, plan, scopeGroups } from './plan'
import { prepareSearch } from './prepare'
import { Ranked } from './ranked'
import { candidateRun, rangeRun } from './runs'
import type { SearchOutcome, SearchRequest } from './types'

export interface SearchOptions {
  /** Filled with what each answer's reading read (bench:search's report, the tests). */
  stats?: SearchReadStats
}

export async function indexSearch(req: SearchRequest, db: AppDB = appDb, options: SearchOptions = {}): Promise<SearchOutcome> {
  const prepared = await prepareSearch(req, db)
  if ('error' in prepared) return { ok: false, error: prepared }
  const summary = prepared.summary
  const gks = scopeGroups(prepared, summary)
  const p = plan(summary, prepared)
  const combined = { from: maxDefined(summary.range.from, prepared.range.from), to: minDefined(summary.range.to, prepared.range.to) }

  if (p.positive.length === 0 && p.negative.length === 0 && !p.verify && p.keepTime.length <= 2 && !summary.negated.some(isDate)) {
    return { ok: true, run: rangeRun(db, prepared, gks, p.keepTime, combined) }
  }

  /** The results, or with `newerThan` (epoch s) at least those newer than that. */
  const evaluate = async (reader: RowReader, newerThan?: number): Promise<Sets> => {
    let result: Sets
    if (p.positive.length) {
      const lists = await Promise.all(p.positive.map(async (any) => (await Promise.all(any.map((l) => lookup(reader, l.term, l.prefix)))).reduce(orSets)))
      lists.sort((a, b) => size(a) - size(b))
      result = lists.reduce(andSets)
    } else {
      result = await universe(db, gks, newerThan === undefined ? combined : { ...combined, from: maxDefined(combined.from, (newerThan + 1) * 1000) })
    }
    result = filterSets(result, p.keepTime)
    for (const parts of p.phrases) if (result.size) result = await filterPhrase(reader, result, parts)
    for (const all of p.negative) {
      if (result.size === 0) break
      const parts = await Promise.all(all.map((l) => lookup(reader, l.term, l.prefix)))
      result = minusSets(result, parts.reduce(andSets))
    }
    return result
  }
  const allGroups = gks.length === prepared.gks.length && req.gks === undefined
  // Each answer reads in one read-only transaction: a write that folds or merges rows meanwhile
  // cannot make one read see postings before the move and another after it.
  const stats = options.stats
  const reading = <T>(answer: (reader: RowReader) => Promise<T>) => {
    if (stats) Object.assign(stats, { rows: 0, bytes: 0, readMs: 0 })
    return db.transaction('r', [db.postings, db.messages, db.groups], () => answer(new RowReader(db, gks, allGroups, stats)))
  }
  let sets: Promise<Ranked> | undefined
  const all = () => (sets ??= reading(async (reader) => new Ranked(await evaluate(reader))))
  const first = (k: number) =>
    sets
      ? sets.then((ranked) => ({ ranked, complete: true }))
      : reading((reader) => firstResults(db, gks, reader, evaluate, k)).then((first) => {
          if (first.complete) sets ??= Promise.resolve(first.ranked)
          return first
        })
  const single = p.positive.length === 1 && p.positive[0]!.length === 1 && !p.positive[0]![0]!.prefix ? p.positive[0]![0]!.term : undefined
  const count = async () =>
    single !== undefined && p.negative.length === 0 && !p.verify && p.phrases.length === 0
      ? reading((reader) => countOfTerm(reader, single, p.keepTime))
      : undefined
  return { ok: true, run: candidateRun(db, prepared, { all, first, count }, p.verify) }
}

/**
 * The first k results, from the newest levels when they settle them (not complete), else every
 * result (complete). Levels are read newest first; after each, `older` is the newest time any
 * unread level holds (IndexState.mt, over the groups in scope). A message newer than that has every
 * posting (its additions and removals alike) in the levels read, so the query evaluated over those
 * levels gives exactly the results newer than `older`; once they are k, they are the first k.
 * One async function from start to end: Dexie keeps the transaction across its awaits.
 */
async function firstResults(
  db: AppDB,
  gks: string[],
  reader: RowReader,
  evaluate: (reader: RowReader, newerThan?: number) => Promise<Sets>,
  k: number
): Promise<{ ranked: Ranked; complete: boolean }> {
  const newest = LEVELS.map(() => 0)
  for (const group of await db.groups.bulkGet(gks)) {
    const index = group?.index
    if (!index) continue
    // A state from before the times were kept: any level may hold anything.
    LEVELS.forEach((_, l) => (newest[l] = Math.max(newest[l]!, index.mt ? (index.mt[l] ?? 0) : Infinity)))
  }
  for (let levels = 1; levels < LEVELS.length; levels++) {
    const older = Math.max(...newest.slice(levels))
    if (older === Infinity) break
    // Worth evaluating only when the levels read may hold something newer than the rest.
    if (Math.max(...newest.slice(0, levels)) <= older) continue
    reader.levels = levels
    const found = filterSets(await evaluate(reader, older), [(time) => time > older])
    if (size(found) >= k) return { ranked: new Ranked(found), complete: false }
  }
  reader.levels = LEVELS.length
  return { ranked: new Ranked(await evaluate(reader)), complete: true }
}
