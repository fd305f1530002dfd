/**
 * The search index: packed postings rows in the `postings` table, written in the same transaction
 * as the messages they describe (archive-repo.ts writeGroups), so the index is never out of step.
 *
 * Why this shape (measured in Chromium before choosing; see the README's Search section): IndexedDB
 * pays about the same for a put whatever its size, so ingest speed is decided by rows per
 * transaction. A multiEntry index over every term writes one index entry per term per message and
 * collapses ingest to about a third; a row per term is worse. Here a transaction writes at most
 * BUCKETS rows per group, each packing many terms:
 *
 *   key [b, gk, c]   b: bucket of the terms (index-terms.ts), gk: group, c: chunk number (per group,
 *                    increasing with every write, so rows apply in the order they were written)
 *   t  '\n' + the row's terms, sorted, joined by '\n' + '\n'   (one string: one structured-clone item)
 *   p  where each term's leading '\n' is in t                   (term ordinal from an indexOf hit)
 *   o  term i's postings are [o[i], o[i+1])
 *   s  seqs (ascending within a term), m  their MsgTimeStamps (0 when unknown)
 *   del 1: these postings are removals (a rewrite took terms away), applied in chunk order
 *
 * Small writes (a sync commits whatever arrived while the last transaction ran, sometimes a few
 * dozen messages) would write many tiny rows per bucket. They go instead to one **pending** row
 * (b = PENDING_BUCKET, every term) per write; when a group's pending rows hold foldMessages
 * messages, the write that crosses the line folds them, with its own postings, into bucket rows and
 * deletes them — still inside that one transaction. Search reads pending rows as well.
 */
import Dexie from 'dexie'
import type { ArchivedMessage } from '@shared/archive-record'
import { BUCKETS, bucketOf, indexTerms, indexTime } from '@shared/search/index-terms'

export const PENDING_BUCKET = BUCKETS

/**
 * - foldMessages: pending messages (per group) that trigger a fold into bucket rows;
 * - compactFolds: after this many folds, each bucket's rows from them are merged into one row
 *   (per group), so a bucket holds few, larger rows (32 folds of 2,000 messages make a row of about
 *   40 KB, under the 64 KB above which Chromium stores a value as a separate blob). Reads cost per row, and the
 *   merged row keeps each term once.
 * Tests lower them to exercise folds and merges on small archives.
 */
export const postingsTuning = { foldMessages: 1000, compactFolds: 32 }

/** Where indexing time goes (ms, summed since load), for bench:search's report. */
export const indexWriteStats = { termsMs: 0, writeMs: 0, mergeMs: 0, merges: 0 }

export interface PostingRow {
  b: number
  gk: string
  c: number
  /** The newest message time among the row's postings (index [b+gk+mt]: newest rows first). */
  mt: number
  del: 0 | 1
  t: string
  p: Uint32Array
  o: Uint32Array
  s: Uint32Array | Float64Array
  m: Uint32Array
}

/**
 * Per group, in its GroupRow: chunk numbers used so far, messages in pending rows, folds since the
 * last merge, and the last chunk number merged (bucket rows above it are the fresh ones).
 */
export interface IndexState {
  chunks: number
  pending: number
  folds?: number
  mergedTo?: number
}

export function emptyIndexState(): IndexState {
  return { chunks: 0, pending: 0, folds: 0, mergedTo: 0 }
}

interface Postings {
  s: number[]
  m: number[]
}

/** term → seqs and times, collected for one group in one write. */
export class PostingsBuilder {
  readonly map = new Map<string, Postings>()

  add(term: string, seq: number, time: number): void {
    let p = this.map.get(term)
    if (!p) this.map.set(term, (p = { s: [], m: [] }))
    p.s.push(seq)
    p.m.push(time)
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

  private recordTerms(seq: number, before: ArchivedMessage | undefined, after: ArchivedMessage): void {
    const time = indexTime(after)
    const next = indexTerms(after)
    if (!before) {
      for (const term of next) this.adds.add(term, seq, time)
      this.messages++
      return
    }
    const prev = new Set(indexTerms(before))
    const nextSet = new Set(next)
    let changed = false
    for (const term of next) {
      if (!prev.has(term)) {
        this.adds.add(term, seq, time)
        changed = true
      }
    }
    for (const term of prev) {
      if (!nextSet.has(term)) {
        this.dels.add(term, seq, indexTime(before))
        changed = true
      }
    }
    if (changed) this.messages++
  }
}

function seqArray(values: number[]): Uint32Array | Float64Array {
  for (const v of values) if (v > 0xffffffff) return Float64Array.from(values)
  return Uint32Array.from(values)
}

/** One row from (term, postings) entries. Sorts terms, and each term's postings by seq. */
export function buildRow(b: number, gk: string, c: number, del: 0 | 1, entries: [string, Postings][]): PostingRow {
  entries.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
  const p = new Uint32Array(entries.length)
  const o = new Uint32Array(entries.length + 1)
  const seqs: number[] = []
  const times: number[] = []
  let pos = 0
  entries.forEach(([term, postings], i) => {
    p[i] = pos
    pos += term.length + 1
    o[i] = seqs.length
    let sorted = true
    for (let k = 1; k < postings.s.length && sorted; k++) sorted = postings.s[k - 1]! < postings.s[k]!
    if (sorted) {
      for (let k = 0; k < postings.s.length; k++) {
        seqs.push(postings.s[k]!)
        times.push(postings.m[k]!)
      }
    } else {
      const order = postings.s.map((_, k) => k).sort((x, y) => postings.s[x]! - postings.s[y]!)
      for (const k of order) {
        seqs.push(postings.s[k]!)
        times.push(postings.m[k]!)
      }
    }
  })
  o[entries.length] = seqs.length
  let mt = 0
  for (const t of times) if (t > mt) mt = t
  return {
    b,
    gk,
    c,
    mt,
    del,
    t: `\n${entries.map((e) => e[0]).join('\n')}\n`,
    p,
    o,
    s: seqArray(seqs),
    m: Uint32Array.from(times)
  }
}

/** The terms of a row, in order. */
export function rowTerms(row: PostingRow): string[] {
  return row.t.slice(1, -1).split('\n')
}

/** Additions only: each (term, seq) is added once, so the rows' postings simply concatenate. */
function concatRows(rows: PostingRow[]): PostingsBuilder {
  const out = new PostingsBuilder()
  for (const row of rows) {
    rowTerms(row).forEach((term, i) => {
      let p = out.map.get(term)
      if (!p) out.map.set(term, (p = { s: [], m: [] }))
      for (let k = row.o[i]!; k < row.o[i + 1]!; k++) {
        p.s.push(row.s[k]!)
        p.m.push(row.m[k]!)
      }
    })
  }
  return out
}

/** Bucket rows for a set of postings: one row per bucket that has any. */
function bucketRows(gk: string, c: number, del: 0 | 1, postings: PostingsBuilder): PostingRow[] {
  const byBucket = new Map<number, [string, Postings][]>()
  for (const entry of postings.map) {
    const b = bucketOf(entry[0])
    let list = byBucket.get(b)
    if (!list) byBucket.set(b, (list = []))
    list.push(entry)
  }
  return [...byBucket].map(([b, entries]) => buildRow(b, gk, c, del, entries))
}

/**
 * The net effect of rows (applied in chunk order) followed by a diff: for every (term, seq),
 * whether it ends added or removed.
 */
function netPostings(pending: PostingRow[], diff?: GroupIndexDiff): { adds: PostingsBuilder; dels: PostingsBuilder } {
  const state = new Map<string, Map<number, { del: boolean; time: number }>>()
  const apply = (term: string, seq: number, time: number, del: boolean) => {
    let bySeq = state.get(term)
    if (!bySeq) state.set(term, (bySeq = new Map()))
    bySeq.set(seq, { del, time })
  }
  for (const row of [...pending].sort((a, b) => a.c - b.c)) {
    rowTerms(row).forEach((term, i) => {
      for (let k = row.o[i]!; k < row.o[i + 1]!; k++) apply(term, row.s[k]!, row.m[k]!, row.del === 1)
    })
  }
  if (diff) {
    for (const [term, p] of diff.dels.map) p.s.forEach((seq, k) => apply(term, seq, p.m[k]!, true))
    for (const [term, p] of diff.adds.map) p.s.forEach((seq, k) => apply(term, seq, p.m[k]!, false))
  }
  const adds = new PostingsBuilder()
  const dels = new PostingsBuilder()
  for (const [term, bySeq] of state) {
    for (const [seq, { del, time }] of bySeq) (del ? dels : adds).add(term, seq, time)
  }
  return { adds, dels }
}

/** The part of the store the index writes: the `postings` table inside the caller's transaction. */
export interface PostingsStore {
  postings: Dexie.Table<PostingRow, [number, string, number]>
}

export function pendingRange(store: PostingsStore, gk: string) {
  return store.postings.where('[b+gk+c]').between([PENDING_BUCKET, gk, Dexie.minKey], [PENDING_BUCKET, gk, Dexie.maxKey])
}

/**
 * Writes one group's index changes. Call inside the transaction that writes the messages (it must
 * include the postings table); returns the group's next index state, which the caller stores in the
 * group row in the same transaction.
 */
export async function writePostings(
  store: PostingsStore,
  gk: string,
  state: IndexState,
  diff: GroupIndexDiff
): Promise<IndexState> {
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
  if (state.pending + diff.messages < postingsTuning.foldMessages) {
    const rows: PostingRow[] = []
    if (diff.adds.size) rows.push(buildRow(PENDING_BUCKET, gk, ++c, 0, [...diff.adds.map]))
    if (diff.dels.size) rows.push(buildRow(PENDING_BUCKET, gk, ++c, 1, [...diff.dels.map]))
    await store.postings.bulkPut(rows)
    return { chunks: c, pending: state.pending + diff.messages }
  }
  let { adds, dels } = diff
  if (state.pending > 0) {
    const pending = await pendingRange(store, gk).toArray()
    ;({ adds, dels } = netPostings(pending, diff))
    await store.postings.bulkDelete(pending.map((r) => [r.b, r.gk, r.c] as [number, string, number]))
  }
  const rows: PostingRow[] = []
  if (dels.size) rows.push(...bucketRows(gk, ++c, 1, dels))
  if (adds.size) rows.push(...bucketRows(gk, ++c, 0, adds))
  await store.postings.bulkPut(rows)
  const next: IndexState = { chunks: c, pending: 0, folds: (state.folds ?? 0) + 1, mergedTo: state.mergedTo ?? 0 }
  if (next.folds! < postingsTuning.compactFolds) return next
  const t0 = performance.now()
  await mergeFresh(store, gk, next.mergedTo!)
  indexWriteStats.mergeMs += performance.now() - t0
  indexWriteStats.merges++
  return { ...next, folds: 0, mergedTo: c }
}

function freshRange(store: PostingsStore, b: number, gk: string, after: number) {
  return store.postings.where('[b+gk+c]').between([b, gk, after], [b, gk, Dexie.maxKey], false, true)
}

/**
 * Merges, bucket by bucket, the group's rows written after chunk `after` into one row (two when it
 * holds removals: removals first, then additions, both inside the merged chunks' number range, so
 * they still apply after every older row and before every newer one).
 */
async function mergeFresh(store: PostingsStore, gk: string, after: number): Promise<void> {
  const buckets = Array.from({ length: BUCKETS }, (_, b) => b)
  const fresh = await Promise.all(buckets.map((b) => freshRange(store, b, gk, after).toArray()))
  const merged: number[] = []
  const puts: PostingRow[] = []
  fresh.forEach((rows, b) => {
    if (rows.length < 2) return
    rows.sort((x, y) => x.c - y.c)
    const { adds, dels } = rows.some((r) => r.del) ? netPostings(rows) : { adds: concatRows(rows), dels: new PostingsBuilder() }
    merged.push(b)
    if (dels.size) puts.push(buildRow(b, gk, rows[0]!.c, 1, [...dels.map]))
    if (adds.size) puts.push(buildRow(b, gk, rows[rows.length - 1]!.c, 0, [...adds.map]))
  })
  // One range delete per bucket (the rows just read), not one delete per row.
  await Promise.all(merged.map((b) => freshRange(store, b, gk, after).delete()))
  await store.postings.bulkPut(puts)
}
