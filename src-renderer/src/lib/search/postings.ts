/**
 * The search index: packed postings rows in the `postings` table, written in the same transaction
 * as the messages they describe (archive-repo.ts writeGroups), so the index is never out of step.
 *
 * Why this shape (measured in Chromium before choosing; docs/dev/search-index.md, figures in
 * docs/dev/benchmarks.md): an IndexedDB put costs about the same whatever its size up to tens of
 * KB, while reading costs by the byte. A multiEntry index over every term writes one entry per
 * term per message and collapses ingest; a row per term is worse. Here a write puts a few dozen rows (a merge a few
 * hundred to a few thousand), each packing many terms, and a lookup reads one bucket per level.
 *
 * The index of a group is a small log-structured merge tree (LEVELS):
 * - level 0 holds small writes (a sync commits whatever arrived while the last transaction ran,
 *   sometimes a few dozen messages): one run per write, cut into 16 buckets;
 * - when level 0 holds foldMessages messages, the write that crosses the line folds them, with
 *   its own postings, into one level-1 run (64 buckets), and deletes them; a write that big on
 *   its own goes straight to level 1;
 * - when a level holds `fanout` runs, they merge into one run of the next level, which has more
 *   buckets (1,024, then 2,048): a bucket of any level holds a few hundred postings per run, and a
 *   lookup reads at most fanout − 1 rows per level, plus the runs of the last level (one per 8²
 *   folds).
 * All of it happens inside the write's one transaction.
 *
 *   key [b, gk, c]   b: bucket, LEVELS[l].base + the top LEVELS[l].bits of the terms' position
 *                    (index-terms.ts termPosition), gk: group, c: chunk number (per group, one
 *                    integer per write, so rows apply in the order they were written; a run's
 *                    rows beyond rowPostings postings are parts c + k / 2^20)
 *   t  '\n' + the row's terms, sorted, joined by '\n' + '\n'   (one string: one structured-clone item)
 *   d  every term's postings: seqs (ascending within a term), their MsgTimeStamps (0 when
 *      unknown) and, for spaced-script words, where the word stands in the message (quoted
 *      phrases); delta-coded varints (postings-codec.ts), one byte per character of a string
 *   o  term i's postings are d[o(i), o(i+1)): offsets, two characters each (codec offsetAt)
 *   del 1: these postings are removals (a rewrite took terms away), applied in chunk order
 *   mt the newest time among the row's postings
 *
 * A merged run keeps the order: its removals take the lowest chunk number it merged and its
 * additions the highest (a merge nets each (term, seq) to one or the other), and the runs of one
 * level are always newer than those of the next.
 */
import Dexie, { type Transaction } from 'dexie'
import type { ArchivedMessage } from '@shared/archive-record'
import { hasPositions, indexEntries, indexTime, termPosition } from '@shared/search/index-terms'
import { positionList } from '@shared/search/tokenize'
import {
  ByteWriter,
  decodePostings,
  offsetAt,
  offsetsText,
  spliceSegments,
  walkPostings,
  type Bytes,
  type Offsets,
  type PostingsSegment,
  type Positions
} from './postings-codec'

export interface Level {
  /** The first bucket number of the level. */
  base: number
  /** Buckets: 2^bits, by the top bits of a term's position. */
  bits: number
}

/**
 * Level 0: small writes; 1: folds; 2 and 3: merges of `fanout` runs of the level above. More
 * buckets make rows smaller, and a lookup reads one row per run: bench:search measured 32/256/2,048
 * buckets against 16/128/1,024 on 1,000,000 messages, a rare word's lookup reading half as much.
 * Level 2 then had the 8 bits of a Latin word's 3-letter prefix (index-terms.ts PREFIX_BITS), so
 * its row for a word held every word with that start: 64/1,024/2,048 read less again, for a rare
 * word and for the benchmark's phrase, with ingest about as fast (a put costs per row, but a run's
 * rows are few beside the messages it indexes). Figures, dated: docs/dev/benchmarks.md.
 */
export const LEVELS: readonly Level[] = [
  { base: 0, bits: 4 },
  { base: 16, bits: 6 },
  { base: 80, bits: 10 },
  { base: 1104, bits: 11 }
]

/** The bucket of a position at a level. */
export function bucketAt(level: number, position: number): number {
  const l = LEVELS[level]!
  return l.base + (position >>> (32 - l.bits))
}

/** The buckets [lo, hi) of each level holding positions [lo, hi). */
export function levelSpans(span: { lo: number; hi: number }): [number, number][] {
  return LEVELS.map((_, level) => [bucketAt(level, span.lo), bucketAt(level, span.hi - 1) + 1])
}

/**
 * - foldMessages: level-0 messages (per group) that make the next write fold them into level 1;
 * - fanout: runs of a level that merge into one run of the next;
 * - rowPostings: postings per row at most; a run's bucket with more is cut into parts (rows over
 *   64 KB are stored by Chromium as separate blob files, which are much slower to read).
 * Tests lower them to exercise folds, merges and parts on small archives.
 */
export const postingsTuning = { foldMessages: 1000, fanout: 8, rowPostings: 4096 }

/** Where indexing time goes (ms, summed since load), for bench:search's report. */
export const indexWriteStats = { termsMs: 0, writeMs: 0, mergeMs: 0, merges: 0, mergeMsByLevel: LEVELS.map(() => 0), mergesByLevel: LEVELS.map(() => 0) }

export interface PostingRow {
  b: number
  gk: string
  c: number
  del: 0 | 1
  /** The newest MsgTimeStamp among the row's postings (what IndexState.mt keeps per level). */
  mt: number
  t: string
  o: Offsets
  d: Bytes
}

/**
 * Per group, in its GroupRow: chunk numbers used so far, messages in level 0, the runs each level
 * holds (runs[0]: level-0 writes) and, per level, the newest time among its postings (0: none).
 * A search's first page reads the levels newest first and stops once no unread level can hold a
 * newer result (index-search.ts). `mt` is absent from states written before it: unknown, so
 * every level is read.
 */
export interface IndexState {
  chunks: number
  pending: number
  runs: number[]
  mt?: number[]
}

export function emptyIndexState(): IndexState {
  return { chunks: 0, pending: 0, runs: LEVELS.map(() => 0), mt: LEVELS.map(() => 0) }
}

/** The newest time among rows' postings (each row keeps its own: mt). */
function newestOf(rows: PostingRow[], since: number): number {
  let t = since
  for (const row of rows) if (row.mt > t) t = row.mt
  return t
}

interface Postings {
  s: number[]
  m: number[]
  /** Positions per posting (terms that keep them; index-terms.ts hasPositions). */
  x: Positions[]
}

/** term → seqs and times, collected for one group in one write. */
export class PostingsBuilder {
  readonly map = new Map<string, Postings>()

  add(term: string, seq: number, time: number, positions?: Positions): void {
    let p = this.map.get(term)
    if (!p) this.map.set(term, (p = { s: [], m: [], x: [] }))
    p.s.push(seq)
    p.m.push(time)
    p.x.push(positions)
  }

  get size(): number {
    return this.map.size
  }
}

/** The index changes of one group's write: what each changed message gained and lost. */
export class GroupIndexDiff {
  readonly adds = new PostingsBuilder()
  readonly dels = new PostingsBuilder()
  /** Messages whose terms changed. */
  messages = 0

  /** `before`: the record stored before this write (undefined: new). `after`: what is stored now. */
  record(seq: number, before: ArchivedMessage | undefined, after: ArchivedMessage): void {
    const t0 = performance.now()
    this.recordTerms(seq, before, after)
    indexWriteStats.termsMs += performance.now() - t0
  }

  /**
   * A term kept whose positions moved (the same words in another order) is removed and added
   * again: a write's removals apply before its additions (writeDiff).
   */
  private recordTerms(seq: number, before: ArchivedMessage | undefined, after: ArchivedMessage): void {
    const time = indexTime(after)
    const next = indexEntries(after)
    if (!before) {
      next.terms.forEach((term, i) => this.adds.add(term, seq, time, next.positions[i]))
      this.messages++
      return
    }
    const prev = indexEntries(before)
    const prevAt = new Map(prev.terms.map((term, i) => [term, i]))
    const nextSet = new Set(next.terms)
    const beforeTime = indexTime(before)
    let changed = false
    next.terms.forEach((term, i) => {
      const positions = next.positions[i]
      const j = prevAt.get(term)
      if (j !== undefined) {
        // A posting carries its message's time (a first page skips levels by it, after: and
        // before: filter by it). The archive keeps a message's first time, but should a time
        // ever change, every term is written again under the new one.
        if (beforeTime === time && samePositions(prev.positions[j], positions)) return
        this.dels.add(term, seq, beforeTime)
      }
      this.adds.add(term, seq, time, positions)
      changed = true
    })
    for (const term of prev.terms) {
      if (!nextSet.has(term)) {
        this.dels.add(term, seq, beforeTime)
        changed = true
      }
    }
    if (changed) this.messages++
  }
}

function samePositions(a: Positions, b: Positions): boolean {
  const x = positionList(a)
  const y = positionList(b)
  return x.length === y.length && x.every((p, i) => p === y[i])
}

/** Postings s[from, to) with their times m[from, to) and positions x[from, to), ascending by seq. */
interface Slice {
  s: ArrayLike<number>
  m: ArrayLike<number>
  x: ArrayLike<Positions>
  from: number
  to: number
}

/** A run's postings at one level, being gathered: bucket → term → slices. */
class Gather {
  readonly buckets = new Map<number, Map<string, Slice[]>>()

  constructor(readonly level: number) {}

  add(term: string, slice: Slice): void {
    const b = bucketAt(this.level, termPosition(term))
    let terms = this.buckets.get(b)
    if (!terms) this.buckets.set(b, (terms = new Map()))
    const slices = terms.get(term)
    if (slices) slices.push(slice)
    else terms.set(term, [slice])
  }

  addAll(postings: PostingsBuilder): this {
    for (const [term, p] of postings.map) this.add(term, { s: p.s, m: p.m, x: p.x, from: 0, to: p.s.length })
    return this
  }

  /** The run's rows: one per bucket, cut into parts of at most rowPostings postings. */
  rows(gk: string, c: number, del: 0 | 1): PostingRow[] {
    const out: PostingRow[] = []
    for (const [b, terms] of this.buckets) {
      const names = [...terms.keys()].sort()
      let total = 0
      for (const slices of terms.values()) for (const g of slices) total += g.to - g.from
      const s = new Float64Array(total)
      const m = new Uint32Array(total)
      const x: Positions[] = new Array(total)
      const o = new Uint32Array(names.length + 1)
      let k = 0
      names.forEach((term, i) => {
        o[i] = k
        const slices = terms.get(term)!
        if (slices.length > 1) slices.sort((g, h) => g.s[g.from]! - h.s[h.from]!)
        for (const g of slices) {
          for (let j = g.from; j < g.to; j++) {
            s[k] = g.s[j]!
            m[k] = g.m[j]!
            x[k++] = g.x[j]
          }
        }
        sortRange(s, m, x, o[i]!, k)
      })
      o[names.length] = k
      cutParts(out, b, gk, c, del, names, o, s, m, x)
    }
    return out
  }
}

/** Sorts postings [from, to) by seq, when they are not in order already. */
function sortRange(s: Float64Array, m: Uint32Array, x: Positions[], from: number, to: number): void {
  let sorted = true
  for (let j = from + 1; j < to && sorted; j++) sorted = s[j - 1]! < s[j]!
  if (sorted) return
  const order = Array.from({ length: to - from }, (_, j) => from + j).sort((a, b) => s[a]! - s[b]!)
  const ss = order.map((j) => s[j]!)
  const mm = order.map((j) => m[j]!)
  const xx = order.map((j) => x[j])
  s.set(ss, from)
  m.set(mm, from)
  for (let j = 0; j < xx.length; j++) x[from + j] = xx[j]
}

/** Parts of one run's bucket: c + part / 2^20 (a bucket never needs 2^20 parts). */
const PART = 2 ** -20

/** Rows of at most rowPostings postings from one bucket's sorted terms (a term may span parts). */
function cutParts(
  out: PostingRow[],
  b: number,
  gk: string,
  c: number,
  del: 0 | 1,
  names: string[],
  o: Uint32Array,
  s: Float64Array,
  m: Uint32Array,
  x: Positions[]
): void {
  const max = postingsTuning.rowPostings
  const total = o[names.length]!
  let i = 0
  for (let start = 0, part = 0; start < total; start += max, part++) {
    const end = Math.min(total, start + max)
    while (o[i + 1]! <= start) i++
    const terms: string[] = []
    const offsets: number[] = []
    for (let t = i; t < names.length && o[t]! < end; t++) {
      terms.push(names[t]!)
      offsets.push(Math.max(o[t]!, start) - start)
    }
    offsets.push(end - start)
    out.push(makeRow(b, gk, c + part * PART, del, terms, offsets, s.subarray(start, end), m.subarray(start, end), x.slice(start, end)))
  }
}

/** A row of terms (sorted) whose postings are s[o[i], o[i+1]), m and x likewise. */
function makeRow(b: number, gk: string, c: number, del: 0 | 1, terms: string[], o: number[], s: Float64Array, m: Uint32Array, x: Positions[]): PostingRow {
  const w = new ByteWriter(s.length * 6 + 16)
  const offsets = new Array<number>(terms.length + 1)
  for (let i = 0; i < terms.length; i++) {
    offsets[i] = w.length
    w.postings(s, m, o[i]!, o[i + 1]!, hasPositions(terms[i]!) ? x : undefined)
  }
  offsets[terms.length] = w.length
  let mt = 0
  for (let j = 0; j < m.length; j++) if (m[j]! > mt) mt = m[j]!
  return { b, gk, c, del, mt, t: `\n${terms.join('\n')}\n`, o: offsetsText(offsets), d: w.text() }
}

/** The terms of a row, in order. */
export function rowTerms(row: PostingRow): string[] {
  return row.t.slice(1, -1).split('\n')
}

/** A whole row: its terms, and every term's postings at s[o[i], o[i+1]), m and x likewise. */
export function decodeRow(row: PostingRow): { terms: string[]; o: Uint32Array; s: Float64Array; m: Uint32Array; x: Positions[] } {
  const terms = rowTerms(row)
  const bound = row.d.length >> 1
  const s = new Float64Array(bound)
  const m = new Uint32Array(bound)
  const x: Positions[] = new Array(bound)
  const o = new Uint32Array(terms.length + 1)
  let k = 0
  for (let i = 0; i < terms.length; i++) {
    o[i] = k
    k = decodePostings(row.d, offsetAt(row.o, i), offsetAt(row.o, i + 1), s, m, k, hasPositions(terms[i]!), x)
  }
  o[terms.length] = k
  x.length = k
  return { terms, o, s, m, x }
}

/** The row's terms equal to `term` (exact) or starting with it (prefix), with their ordinals. */
export function findTerms(row: PostingRow, term: string, prefix: boolean): { i: number; term: string }[] {
  const t = row.t
  const at = t.indexOf(prefix ? `\n${term}` : `\n${term}\n`)
  if (at < 0) return []
  // The ordinal of the term whose leading '\n' is at `at`: the '\n's before it.
  let i = 0
  for (let j = t.indexOf('\n'); j < at; j = t.indexOf('\n', j + 1)) i++
  if (!prefix) return [{ i, term }]
  const out: { i: number; term: string }[] = []
  for (let j = at; j + 1 < t.length && t.startsWith(term, j + 1);) {
    const end = t.indexOf('\n', j + 1)
    out.push({ i: i++, term: t.slice(j + 1, end) })
    j = end
  }
  return out
}

/** A run's rows at a level, from postings collected in memory. */
function levelRows(level: number, gk: string, c: number, del: 0 | 1, postings: PostingsBuilder): PostingRow[] {
  return new Gather(level).addAll(postings).rows(gk, c, del)
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

/** Every bucket number of every level (LEVELS are contiguous from 0). */
export const bucketCount = LEVELS.at(-1)!.base + (1 << LEVELS.at(-1)!.bits)

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
export async function writePostings(store: PostingsStore, gk: string, state: IndexState, diff: GroupIndexDiff): Promise<IndexState> {
  if (diff.messages === 0 && diff.adds.size === 0 && diff.dels.size === 0) return state
  const t0 = performance.now()
  try {
    return await writeDiff(store, gk, state, diff)
  } finally {
    indexWriteStats.writeMs += performance.now() - t0
  }
}

async function writeDiff(store: PostingsStore, gk: string, state: IndexState, diff: GroupIndexDiff): Promise<IndexState> {
  let c = state.chunks
  const runs = LEVELS.map((_, l) => state.runs?.[l] ?? 0)
  const mt = state.mt ? LEVELS.map((_, l) => state.mt![l] ?? 0) : undefined
  const withTimes = (next: IndexState): IndexState => (mt ? { ...next, mt } : next)
  if (state.pending + diff.messages < postingsTuning.foldMessages) {
    const rows: PostingRow[] = []
    // Removals first: a term whose positions moved is removed and added again (GroupIndexDiff).
    if (diff.dels.size) rows.push(...levelRows(0, gk, ++c, 1, diff.dels))
    if (diff.adds.size) rows.push(...levelRows(0, gk, ++c, 0, diff.adds))
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
  if (dels.size) rows.push(...levelRows(1, gk, ++c, 1, dels))
  if (adds.size) rows.push(...levelRows(1, gk, ++c, 0, adds))
  await store.postings.bulkPut(rows)
  runs[0] = 0
  runs[1]!++
  if (mt) {
    mt[1] = newestOf(rows, mt[1]!)
    mt[0] = 0
  }
  for (let l = 1; l + 1 < LEVELS.length && runs[l]! >= postingsTuning.fanout; l++) {
    const t1 = performance.now()
    await mergeLevel(store, gk, l)
    indexWriteStats.mergeMs += performance.now() - t1
    indexWriteStats.merges++
    indexWriteStats.mergeMsByLevel[l + 1]! += performance.now() - t1
    indexWriteStats.mergesByLevel[l + 1]!++
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
function mergeAdditions(level: number, gk: string, c: number, rows: PostingRow[]): PostingRow[] {
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
    const row = spliceRow(b, gk, c, terms)
    if (row) out.push(row)
    else out.push(...encodeAgain(level, gk, c, terms))
  }
  return out
}

/** One row of a bucket's terms by joining their segments, or undefined when that cannot be done. */
function spliceRow(b: number, gk: string, c: number, terms: Map<string, PostingsSegment[]>): PostingRow | undefined {
  let total = 0
  for (const segments of terms.values()) for (const g of segments) total += g.span.count
  if (total > postingsTuning.rowPostings) return undefined
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
function encodeAgain(level: number, gk: string, c: number, terms: Map<string, PostingsSegment[]>): PostingRow[] {
  const gather = new Gather(level)
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
async function mergeLevel(store: PostingsStore, gk: string, level: number): Promise<void> {
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
        puts.push(...mergeAdditions(level + 1, gk, hi, rows))
        return
      }
      const { adds, dels } = netPostings(rows)
      if (dels.size) puts.push(...levelRows(level + 1, gk, lo, 1, dels))
      if (adds.size) puts.push(...levelRows(level + 1, gk, hi, 0, adds))
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
