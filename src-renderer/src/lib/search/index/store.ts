/**
 * Writing the index: a group's changes as a level-0 run, folds into level 1, and merges down the
 * levels (layout.ts), all in the caller's transaction.
 */
import Dexie, { type Transaction } from 'dexie'
import { decodePostings, offsetAt, offsetsText, spliceSegments, walkPostings, type Bytes, type PostingsSegment, type Positions } from './codec'
import { PostingsBuilder, type GroupIndexDiff } from './diff'
import { bucketAt, bucketCount, defaultTuning, LEVELS, type IndexState, type PostingRow, type PostingsTuning } from './layout'
import { decodeRow, Gather, levelRows, rowTerms } from './rows'
import { hasPositions, termPosition } from './terms'

/**
 * Where indexing time goes (ms, summed over the writes that were given it), for bench:search's
 * report: the benchmark owns one, passes it to every write (PostingsOptions.stats, and
 * GroupIndexDiff for the time spent on terms) and reads it after.
 */
export interface IndexWriteStats {
  termsMs: number
  writeMs: number
  mergeMs: number
  merges: number
  mergeMsByLevel: number[]
  mergesByLevel: number[]
}

export function newIndexWriteStats(): IndexWriteStats {
  return { termsMs: 0, writeMs: 0, mergeMs: 0, merges: 0, mergeMsByLevel: LEVELS.map(() => 0), mergesByLevel: LEVELS.map(() => 0) }
}

/**
 * How a write is shaped and watched. The app passes neither: defaultTuning, nothing measured.
 * Tests pass a lower `tuning` to reach folds, merges and parts on small archives; bench:search
 * passes its `stats`.
 */
export interface PostingsOptions {
  tuning?: PostingsTuning
  stats?: IndexWriteStats
}

/** The newest time among rows' postings (each row keeps its own: mt). */
function newestOf(rows: PostingRow[], since: number): number {
  let t = since
  for (const row of rows) if (row.mt > t) t = row.mt
  return t
}

/**
 * The net effect of rows (applied in chunk order) followed by a diff: for every (term, seq),
 * whether it ends added or removed.
 */
function netPostings(rows: PostingRow[], diff?: GroupIndexDiff): { adds: PostingsBuilder; dels: PostingsBuilder } {
  const state = new Map<string, Map<number, { del: boolean; time: number; x: Positions }>>()
  const apply = (term: string, seq: number, time: number, del: boolean, x: Positions) => {
    let bySeq = state.get(term)
    if (!bySeq) state.set(term, (bySeq = new Map()))
    bySeq.set(seq, { del, time, x })
  }
  for (const row of [...rows].sort((a, b) => a.c - b.c)) {
    const r = decodeRow(row)
    r.terms.forEach((term, i) => {
      for (let k = r.o[i]!; k < r.o[i + 1]!; k++) apply(term, r.s[k]!, r.m[k]!, row.del === 1, r.x[k])
    })
  }
  if (diff) {
    // Removals before additions, as writeDiff orders them.
    for (const [term, p] of diff.dels.map) p.s.forEach((seq, k) => apply(term, seq, p.m[k]!, true, undefined))
    for (const [term, p] of diff.adds.map) p.s.forEach((seq, k) => apply(term, seq, p.m[k]!, false, p.x[k]))
  }
  const adds = new PostingsBuilder()
  const dels = new PostingsBuilder()
  for (const [term, bySeq] of state) {
    for (const [seq, { del, time, x }] of bySeq) (del ? dels : adds).add(term, seq, time, del ? undefined : x)
  }
  return { adds, dels }
}

/**
 * The part of the store the index writes: the `postings` table, and the caller's transaction it is
 * written in (named, not found through Dexie's zone: an upgrade transaction has none).
 */
export interface PostingsStore {
  postings: Dexie.Table<PostingRow, [number, string, number]>
  tx: Transaction
}

/** One group's rows of one bucket, in chunk order. */
function bucketRange(store: PostingsStore, b: number, gk: string) {
  return store.postings.where('[b+gk+c]').between([b, gk, Dexie.minKey], [b, gk, Dexie.maxKey])
}

/**
 * Deletes key ranges of the postings table in the caller's transaction with IndexedDB's own
 * delete(range). Collection.delete() counts each range first (as costly again in Chromium), and
 * Dexie's DBCore needs the transaction's zone, which an upgrade transaction does not keep across
 * awaits. Nothing observes the postings table live, so Dexie need not hear of these deletes.
 */
function deleteRanges(store: PostingsStore, ranges: [unknown[], unknown[]][]): Promise<unknown> {
  const os = store.tx.idbtrans.objectStore(store.postings.name)
  return Dexie.Promise.all(
    ranges.map(
      ([lower, upper]) =>
        new Dexie.Promise((resolve, reject) => {
          const req = os.delete(Dexie.dependencies.IDBKeyRange.bound(lower, upper))
          req.onsuccess = () => resolve(undefined)
          req.onerror = () => reject(req.error)
        })
    )
  )
}

/**
 * Deletes every postings row of one group (a group deleted from the archive, db/delete-group.ts):
 * one key range per bucket, since the key starts with the bucket. Runs in the caller's transaction.
 */
export function deleteGroupPostings(store: PostingsStore, gk: string): Promise<unknown> {
  const ranges: [unknown[], unknown[]][] = []
  for (let b = 0; b < bucketCount; b++)
    ranges.push([
      [b, gk, Dexie.minKey],
      [b, gk, Dexie.maxKey]
    ])
  return deleteRanges(store, ranges)
}

/** Buckets per read batch of a merge: bounds the rows a merge holds in memory at once. */
const MERGE_BATCH = 256

/**
 * Writes one group's index changes. Call inside the transaction that writes the messages (it must
 * include the postings table); returns the group's next index state, which the caller stores in the
 * group row in the same transaction.
 */
export async function writePostings(
  store: PostingsStore,
  gk: string,
  state: IndexState,
  diff: GroupIndexDiff,
  options: PostingsOptions = {}
): Promise<IndexState> {
  if (diff.messages === 0 && diff.adds.size === 0 && diff.dels.size === 0) return state
  const t0 = performance.now()
  try {
    return await writeDiff(store, gk, state, diff, options.tuning ?? defaultTuning, options.stats)
  } finally {
    if (options.stats) options.stats.writeMs += performance.now() - t0
  }
}

async function writeDiff(
  store: PostingsStore,
  gk: string,
  state: IndexState,
  diff: GroupIndexDiff,
  tuning: PostingsTuning,
  stats?: IndexWriteStats
): Promise<IndexState> {
  let c = state.chunks
  const runs = LEVELS.map((_, l) => state.runs?.[l] ?? 0)
  const mt = state.mt ? LEVELS.map((_, l) => state.mt![l] ?? 0) : undefined
  const withTimes = (next: IndexState): IndexState => (mt ? { ...next, mt } : next)
  if (state.pending + diff.messages < tuning.foldMessages) {
    const rows: PostingRow[] = []
    // Removals first: a term whose positions moved is removed and added again (GroupIndexDiff).
    if (diff.dels.size) rows.push(...levelRows(0, gk, ++c, 1, diff.dels, tuning.rowPostings))
    if (diff.adds.size) rows.push(...levelRows(0, gk, ++c, 0, diff.adds, tuning.rowPostings))
    await store.postings.bulkPut(rows)
    runs[0]!++
    if (mt) mt[0] = newestOf(rows, mt[0]!)
    return withTimes({ chunks: c, pending: state.pending + diff.messages, runs })
  }
  let { adds, dels } = diff
  if (runs[0]! > 0 || state.pending > 0) {
    const buckets = Array.from({ length: 2 ** LEVELS[0]!.bits }, (_, j) => LEVELS[0]!.base + j)
    const level0 = (await Promise.all(buckets.map((b) => bucketRange(store, b, gk).toArray()))).flat()
    ;({ adds, dels } = netPostings(level0, diff))
    await deleteRanges(
      store,
      buckets.map((b) => [
        [b, gk, Dexie.minKey],
        [b, gk, Dexie.maxKey]
      ])
    )
  }
  const rows: PostingRow[] = []
  if (dels.size) rows.push(...levelRows(1, gk, ++c, 1, dels, tuning.rowPostings))
  if (adds.size) rows.push(...levelRows(1, gk, ++c, 0, adds, tuning.rowPostings))
  await store.postings.bulkPut(rows)
  runs[0] = 0
  runs[1]!++
  if (mt) {
    mt[1] = newestOf(rows, mt[1]!)
    mt[0] = 0
  }
  for (let l = 1; l + 1 < LEVELS.length && runs[l]! >= tuning.fanout; l++) {
    const t1 = performance.now()
    await mergeLevel(store, gk, l, tuning.rowPostings)
    if (stats) {
      stats.mergeMs += performance.now() - t1
      stats.merges++
      stats.mergeMsByLevel[l + 1]! += performance.now() - t1
      stats.mergesByLevel[l + 1]!++
    }
    runs[l] = 0
    runs[l + 1]!++
    if (mt) {
      mt[l + 1] = Math.max(mt[l + 1]!, mt[l]!)
      mt[l] = 0
    }
  }
  return withTimes({ chunks: c, pending: 0, runs })
}

/**
 * The rows, at `level`, of one run made of additions-only rows (of the level above, in chunk
 * order). A merge mostly joins runs written one after another, whose seqs of a term follow each
 * other: each term's bytes are then joined as they are (codec spliceSegments), with no posting
 * decoded into arrays and encoded again (bench:search: merges with four times the level-2 rows took
 * about as long as before with a quarter; figures in docs/dev/benchmarks.md). A
 * bucket where a term's seqs from two runs interleave (history written out of order), or too big
 * for one row, is decoded and encoded again (Gather): the same rows either way.
 */
function mergeAdditions(level: number, gk: string, c: number, rows: PostingRow[], rowPostings: number): PostingRow[] {
  const buckets = new Map<number, Map<string, PostingsSegment[]>>()
  for (const row of rows) {
    const terms = rowTerms(row)
    for (let i = 0; i < terms.length; i++) {
      const term = terms[i]!
      const from = offsetAt(row.o, i)
      const to = offsetAt(row.o, i + 1)
      if (from === to) continue
      const b = bucketAt(level, termPosition(term))
      let byTerm = buckets.get(b)
      if (!byTerm) buckets.set(b, (byTerm = new Map()))
      const segment = { d: row.d, from, to, span: walkPostings(row.d, from, to, hasPositions(term)) }
      const segments = byTerm.get(term)
      if (segments) segments.push(segment)
      else byTerm.set(term, [segment])
    }
  }
  const out: PostingRow[] = []
  for (const [b, terms] of buckets) {
    const row = spliceRow(b, gk, c, terms, rowPostings)
    if (row) out.push(row)
    else out.push(...encodeAgain(level, gk, c, terms, rowPostings))
  }
  return out
}

/** One row of a bucket's terms by joining their segments, or undefined when that cannot be done. */
function spliceRow(b: number, gk: string, c: number, terms: Map<string, PostingsSegment[]>, rowPostings: number): PostingRow | undefined {
  let total = 0
  for (const segments of terms.values()) for (const g of segments) total += g.span.count
  if (total > rowPostings) return undefined
  const names = [...terms.keys()].sort()
  const pieces: Bytes[] = []
  const offsets = new Array<number>(names.length + 1)
  let length = 0
  let mt = 0
  for (let i = 0; i < names.length; i++) {
    offsets[i] = length
    const segments = terms.get(names[i]!)!
    if (segments.length > 1) {
      segments.sort((g, h) => g.span.firstSeq - h.span.firstSeq)
      for (let j = 1; j < segments.length; j++) if (segments[j]!.span.firstSeq <= segments[j - 1]!.span.lastSeq) return undefined
    }
    const first = pieces.length
    spliceSegments(segments, pieces)
    for (let j = first; j < pieces.length; j++) length += pieces[j]!.length
    for (const g of segments) if (g.span.maxTime > mt) mt = g.span.maxTime
  }
  offsets[names.length] = length
  return { b, gk, c, del: 0, mt, t: `\n${names.join('\n')}\n`, o: offsetsText(offsets), d: pieces.join('') }
}

/** A bucket's rows from its terms' segments, decoded and encoded again. */
function encodeAgain(level: number, gk: string, c: number, terms: Map<string, PostingsSegment[]>, rowPostings: number): PostingRow[] {
  const gather = new Gather(level, rowPostings)
  for (const [term, segments] of terms) {
    for (const g of segments) {
      const n = g.span.count
      const s = new Float64Array(n)
      const m = new Uint32Array(n)
      const x: Positions[] = new Array(n)
      decodePostings(g.d, g.from, g.to, s, m, 0, hasPositions(term), x)
      gather.add(term, { s, m, x, from: 0, to: n })
    }
  }
  return gather.rows(gk, c, 0)
}

/**
 * Merges every run of a level (for one group) into one run of the next, bucket by bucket: each
 * bucket's rows are netted (removals first, at the lowest chunk number merged; additions at the
 * highest), cut into the next level's 8 buckets under it, and replaced.
 */
async function mergeLevel(store: PostingsStore, gk: string, level: number, rowPostings: number): Promise<void> {
  const from = LEVELS[level]!
  const n = 2 ** from.bits
  // Each batch's deletes and puts are issued without waiting: IndexedDB runs a transaction's
  // requests in order, so the next batch reads after them while this thread builds its rows.
  const writes: Promise<unknown>[] = []
  for (let j0 = 0; j0 < n; j0 += MERGE_BATCH) {
    const buckets = Array.from({ length: Math.min(MERGE_BATCH, n - j0) }, (_, j) => from.base + j0 + j)
    const read = await Promise.all(buckets.map((b) => bucketRange(store, b, gk).toArray()))
    const puts: PostingRow[] = []
    const merged: number[] = []
    read.forEach((rows, i) => {
      if (rows.length === 0) return
      merged.push(buckets[i]!)
      const lo = Math.floor(rows[0]!.c)
      const hi = Math.floor(rows[rows.length - 1]!.c)
      if (!rows.some((r) => r.del)) {
        // Additions only: each (term, seq) is added once, so the rows' postings simply concatenate.
        puts.push(...mergeAdditions(level + 1, gk, hi, rows, rowPostings))
        return
      }
      const { adds, dels } = netPostings(rows)
      if (dels.size) puts.push(...levelRows(level + 1, gk, lo, 1, dels, rowPostings))
      if (adds.size) puts.push(...levelRows(level + 1, gk, hi, 0, adds, rowPostings))
    })
    writes.push(
      deleteRanges(
        store,
        merged.map((b) => [
          [b, gk, Dexie.minKey],
          [b, gk, Dexie.maxKey]
        ])
      ),
      store.postings.bulkPut(puts)
    )
  }
  await Promise.all(writes)
}
