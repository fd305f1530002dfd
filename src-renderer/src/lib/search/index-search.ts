/**
 * Search answered from the postings index (postings.ts). The result equals the scan's (scan.ts,
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
import Dexie from 'dexie'
import type { ArchivedMessage } from '@shared/archive-record'
import { fromTerm, hasPositions, hasTerm, isTerm, prefixSpan, spansEverything, termPosition } from '@shared/search/index-terms'
import { normalize } from '@shared/search/normalize'
import { phraseParts, positionList } from '@shared/search/tokenize'
import { querySummary, type Clause, type QuerySummary } from '@shared/search/query'
import { db as appDb, type AppDB, type MessageRow } from '@renderer/lib/db/app-db'
import { groupIdOf } from '@renderer/lib/db/archive-repo'
import { findTerms, levelSpans, LEVELS, type PostingRow } from './postings'
import { decodePostings, offsetAt, readVarint, type Positions } from './postings-codec'
import { newestFirst, prepareSearch, type PreparedSearch } from './request'
import type { SearchHit, SearchOutcome, SearchRequest, SearchRun } from './types'

// ---------------------------------------------------------------------------------------------
// Sorted posting lists: seqs ascending and unique, with each seq's time.

export interface List {
  s: Float64Array
  m: Uint32Array
}

const emptyList: List = { s: new Float64Array(0), m: new Uint32Array(0) }

/** Sorts parallel arrays by seq and drops repeated seqs. */
function sortList(s: Float64Array, m: Uint32Array): List {
  let sorted = true
  for (let i = 1; i < s.length; i++) {
    if (s[i]! <= s[i - 1]!) {
      sorted = false
      break
    }
  }
  if (sorted) return { s, m }
  const n = s.length
  let order: ArrayLike<number>
  const shift = 2 ** 21
  if (n < shift && s.every((x) => x < 2 ** 32)) {
    // Native numeric sort of seq·2^21 + position (exact below 2^53), then unpack the position.
    const keys = new Float64Array(n)
    for (let i = 0; i < n; i++) keys[i] = s[i]! * shift + i
    keys.sort()
    const idx = new Uint32Array(n)
    for (let i = 0; i < n; i++) idx[i] = keys[i]! % shift
    order = idx
  } else {
    order = Array.from({ length: n }, (_, i) => i).sort((a, b) => s[a]! - s[b]!)
  }
  const os = new Float64Array(n)
  const om = new Uint32Array(n)
  let k = 0
  for (let i = 0; i < n; i++) {
    const j = order[i]!
    if (k > 0 && os[k - 1] === s[j]) continue
    os[k] = s[j]!
    om[k] = m[j]!
    k++
  }
  return { s: os.subarray(0, k), m: om.subarray(0, k) }
}

export function intersect(a: List, b: List): List {
  const n = Math.min(a.s.length, b.s.length)
  const s = new Float64Array(n)
  const m = new Uint32Array(n)
  let i = 0
  let j = 0
  let k = 0
  while (i < a.s.length && j < b.s.length) {
    const x = a.s[i]!
    const y = b.s[j]!
    if (x === y) {
      s[k] = x
      m[k++] = a.m[i]!
      i++
      j++
    } else if (x < y) i++
    else j++
  }
  return { s: s.subarray(0, k), m: m.subarray(0, k) }
}

export function union(a: List, b: List): List {
  if (a.s.length === 0) return b
  if (b.s.length === 0) return a
  const s = new Float64Array(a.s.length + b.s.length)
  const m = new Uint32Array(s.length)
  let i = 0
  let j = 0
  let k = 0
  while (i < a.s.length || j < b.s.length) {
    const x = i < a.s.length ? a.s[i]! : Infinity
    const y = j < b.s.length ? b.s[j]! : Infinity
    if (x <= y) {
      s[k] = x
      m[k++] = a.m[i]!
      i++
      if (x === y) j++
    } else {
      s[k] = y
      m[k++] = b.m[j]!
      j++
    }
  }
  return { s: s.subarray(0, k), m: m.subarray(0, k) }
}

export function subtract(a: List, b: List): List {
  if (b.s.length === 0) return a
  const s = new Float64Array(a.s.length)
  const m = new Uint32Array(a.s.length)
  let j = 0
  let k = 0
  for (let i = 0; i < a.s.length; i++) {
    const x = a.s[i]!
    while (j < b.s.length && b.s[j]! < x) j++
    if (j < b.s.length && b.s[j] === x) continue
    s[k] = x
    m[k++] = a.m[i]!
  }
  return { s: s.subarray(0, k), m: m.subarray(0, k) }
}

function filterList(a: List, keep: (time: number) => boolean): List {
  const s = new Float64Array(a.s.length)
  const m = new Uint32Array(a.s.length)
  let k = 0
  for (let i = 0; i < a.s.length; i++) {
    if (!keep(a.m[i]!)) continue
    s[k] = a.s[i]!
    m[k++] = a.m[i]!
  }
  return { s: s.subarray(0, k), m: m.subarray(0, k) }
}

/** Per group key. A group without an entry has no postings. */
type Sets = Map<string, List>

function andSets(a: Sets, b: Sets): Sets {
  const out: Sets = new Map()
  for (const [gk, list] of a) {
    const other = b.get(gk)
    if (!other) continue
    const r = intersect(list, other)
    if (r.s.length) out.set(gk, r)
  }
  return out
}

function orSets(a: Sets, b: Sets): Sets {
  const out: Sets = new Map(a)
  for (const [gk, list] of b) out.set(gk, union(out.get(gk) ?? emptyList, list))
  return out
}

function minusSets(a: Sets, b: Sets): Sets {
  const out: Sets = new Map()
  for (const [gk, list] of a) {
    const r = subtract(list, b.get(gk) ?? emptyList)
    if (r.s.length) out.set(gk, r)
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Reading postings rows

/** What the last search read, for bench:search's report (bytes: of encoded postings). */
export const lastSearchStats = { rows: 0, bytes: 0, readMs: 0 }

/**
 * Reads each bucket span's rows at most once per search, for the groups in scope: one range per
 * level for all groups, or one per (bucket, group) when a few groups are asked for.
 */
class RowReader {
  private spans = new Map<string, Promise<PostingRow[]>>()
  private readonly inScope: Set<string>
  /** Lookups read levels [0, levels): the newest runs. */
  levels = LEVELS.length

  constructor(
    private readonly db: AppDB,
    private readonly gks: string[],
    private readonly allGroups: boolean
  ) {
    this.inScope = new Set(gks)
  }

  /** The rows of buckets [lo, hi). */
  rows(lo: number, hi: number): Promise<PostingRow[]> {
    const key = `${lo}:${hi}`
    let p = this.spans.get(key)
    if (!p) this.spans.set(key, (p = this.read(lo, hi)))
    return p
  }

  private async read(lo: number, hi: number): Promise<PostingRow[]> {
    const t0 = performance.now()
    const rows = await this.readRows(lo, hi)
    lastSearchStats.readMs += performance.now() - t0
    lastSearchStats.rows += rows.length
    for (const r of rows) lastSearchStats.bytes += r.d.length
    return rows
  }

  private async readRows(lo: number, hi: number): Promise<PostingRow[]> {
    const table = this.db.postings
    if (this.allGroups || (hi - lo) * this.gks.length > 64) {
      const rows = await table.where('[b+gk+c]').between([lo], [hi], true, false).toArray()
      return this.allGroups ? rows : rows.filter((r) => this.inScope.has(r.gk))
    }
    const ranges: Promise<PostingRow[]>[] = []
    for (let b = lo; b < hi; b++) {
      for (const gk of this.gks) ranges.push(table.where('[b+gk+c]').between([b, gk, Dexie.minKey], [b, gk, Dexie.maxKey]).toArray())
    }
    return (await Promise.all(ranges)).flat()
  }
}

/**
 * Decode buffers kept across searches. In this machine's Chromium a search's time follows the
 * fresh memory it touches more than the work it does (new pages are faulted in one by one, and
 * freed ones swept and handed back), so postings are decoded here and only results are copied
 * out, at their exact size. Safe to share: every use fills and empties them without an await.
 */
const scratch = { s: new Float64Array(1 << 15), m: new Uint32Array(1 << 15) }

/** The decode buffers, with room for n postings. */
function scratchFor(n: number): { s: Float64Array; m: Uint32Array } {
  if (scratch.s.length < n) {
    const size = Math.max(n, scratch.s.length * 2)
    scratch.s = new Float64Array(size)
    scratch.m = new Uint32Array(size)
  }
  return scratch
}

/** One row's postings of one term (term i of the row), not yet decoded. */
interface Segment {
  row: PostingRow
  i: number
}

/** Room for a segment's postings: every posting takes two bytes at least. */
function segmentBound(g: Segment): number {
  return (offsetAt(g.row.o, g.i + 1) - offsetAt(g.row.o, g.i)) >> 1
}

/** The segment's first seq (its first varint), to order segments before decoding them. */
function firstSeq(g: Segment): number {
  const i = offsetAt(g.row.o, g.i)
  return i < offsetAt(g.row.o, g.i + 1) ? readVarint(g.row.d, i) : 0
}

/** Decodes a segment into s and m from index k; returns the index after its last posting. */
function decodeSegment(g: Segment, term: string, s: Float64Array, m: Uint32Array, k: number): number {
  return decodePostings(g.row.d, offsetAt(g.row.o, g.i), offsetAt(g.row.o, g.i + 1), s, m, k, hasPositions(term))
}

/** Whether s[0, n) ascends strictly. */
function ascending(s: Float64Array, n: number): boolean {
  for (let i = 1; i < n; i++) if (s[i]! <= s[i - 1]!) return false
  return true
}

/** One term's list from its segments (removals applied in chunk order). */
function termList(term: string, segments: Segment[]): List {
  if (!segments.some((g) => g.row.del)) {
    let bound = 0
    for (const g of segments) bound += segmentBound(g)
    const { s, m } = scratchFor(bound)
    let n = 0
    // By first seq, so runs covering separate seq ranges come out in order; sorted only when not.
    const ordered = segments.map((g) => ({ g, first: firstSeq(g) })).sort((a, b) => a.first - b.first)
    for (const { g } of ordered) n = decodeSegment(g, term, s, m, n)
    if (ascending(s, n)) return { s: s.slice(0, n), m: m.slice(0, n) }
    return sortList(s.slice(0, n), m.slice(0, n))
  }
  const live = new Map<number, number>()
  for (const g of segments.sort((a, b) => a.row.c - b.row.c)) {
    const { s, m } = scratchFor(segmentBound(g))
    const n = decodeSegment(g, term, s, m, 0)
    for (let i = 0; i < n; i++) {
      if (g.row.del) live.delete(s[i]!)
      else live.set(s[i]!, m[i]!)
    }
  }
  return sortList(Float64Array.from(live.keys()), Uint32Array.from(live.values()))
}

/** The rows of every level's bucket holding `term` (or, with `prefix`, every term starting with it). */
async function termRows(reader: RowReader, term: string, prefix: boolean): Promise<PostingRow[]> {
  const position = prefix ? undefined : termPosition(term)
  const spans = levelSpans(position === undefined ? prefixSpan(term) : { lo: position, hi: position + 1 }).slice(0, reader.levels)
  return (await Promise.all(spans.map(([lo, hi]) => reader.rows(lo, hi)))).flat()
}

/** The messages (per group) holding `term`, or any term starting with it when `prefix`. */
async function lookup(reader: RowReader, term: string, prefix: boolean): Promise<Sets> {
  const rows = await termRows(reader, term, prefix)
  // gk → term → segments
  const found = new Map<string, Map<string, Segment[]>>()
  for (const row of rows) {
    const terms = findTerms(row, term, prefix)
    if (!terms.length) continue
    let byTerm = found.get(row.gk)
    if (!byTerm) found.set(row.gk, (byTerm = new Map()))
    for (const { i, term: key } of terms) {
      let segs = byTerm.get(key)
      if (!segs) byTerm.set(key, (segs = []))
      segs.push({ row, i })
    }
  }
  const out: Sets = new Map()
  for (const [gk, byTerm] of found) {
    let list = emptyList
    for (const [key, segs] of byTerm) list = union(list, termList(key, segs))
    if (list.s.length) out.set(gk, list)
  }
  return out
}

/**
 * How many messages hold `term` (with times that `keep` accepts), without building the list.
 * Undefined when a removal row is among its rows, or when a seq may be counted twice (a term
 * removed and added again can leave it in two runs; their seq ranges then overlap): the full
 * evaluation answers then.
 */
async function countOfTerm(reader: RowReader, term: string, keep: Plan['keepTime']): Promise<number | undefined> {
  const byGroup = new Map<string, Segment[]>()
  for (const row of await termRows(reader, term, false)) {
    const found = findTerms(row, term, false)
    if (!found.length) continue
    if (row.del) return undefined
    const segs = byGroup.get(row.gk)
    if (segs) segs.push({ row, i: found[0]!.i })
    else byGroup.set(row.gk, [{ row, i: found[0]!.i }])
  }
  let total = 0
  for (const segments of byGroup.values()) {
    const spans: [number, number][] = []
    for (const g of segments) {
      const { s, m } = scratchFor(segmentBound(g))
      const n = decodeSegment(g, term, s, m, 0)
      if (n === 0) continue
      if (!ascending(s, n)) return undefined
      spans.push([s[0]!, s[n - 1]!])
      if (keep.length === 0) total += n
      else for (let k = 0; k < n; k++) if (keep.every((f) => f(m[k]!))) total++
    }
    spans.sort((a, b) => a[0] - b[0])
    for (let j = 1; j < spans.length; j++) if (spans[j]![0] <= spans[j - 1]![1]) return undefined
  }
  return total
}

/** Positions decoded with the scratch buffers (decodePostings fills it; nothing reads past n). */
const scratchPositions: Positions[] = []

/**
 * Where `term` stands in the candidates holding it, per group (latest writes win, removals apply).
 * `candidates`: per group, seqs ascending (a List's), walked beside each segment's ascending seqs.
 */
async function positionsOf(reader: RowReader, term: string, candidates: Map<string, Float64Array>): Promise<Map<string, Map<number, number[]>>> {
  const rows = await termRows(reader, term, false)
  const out = new Map<string, Map<number, number[]>>()
  const keeps = hasPositions(term)
  for (const row of [...rows].sort((a, b) => a.c - b.c)) {
    const wanted = candidates.get(row.gk)
    const found = wanted ? findTerms(row, term, false) : []
    if (!found.length) continue
    let bySeq = out.get(row.gk)
    if (!bySeq) out.set(row.gk, (bySeq = new Map()))
    const i = found[0]!.i
    const { s, m } = scratchFor(segmentBound({ row, i }))
    const n = decodePostings(row.d, offsetAt(row.o, i), offsetAt(row.o, i + 1), s, m, 0, keeps, keeps ? scratchPositions : undefined)
    for (let k = 0, w = 0; k < n; k++) {
      const seq = s[k]!
      while (w < wanted!.length && wanted![w]! < seq) w++
      if (w === wanted!.length) break
      if (wanted![w] !== seq) continue
      if (row.del) bySeq.delete(seq)
      else bySeq.set(seq, positionList(keeps ? scratchPositions[k] : undefined))
    }
  }
  scratchPositions.length = 0
  return out
}

/**
 * Keeps the candidates where a phrase's word parts stand at the phrase's distances from each other
 * (tokenize.ts phraseParts): a message containing the phrase always does, so nothing is lost, and
 * most messages that merely hold its words are dropped before their text is read.
 */
async function filterPhrase(reader: RowReader, sets: Sets, parts: { term: string; pos: number }[]): Promise<Sets> {
  const terms = [...new Set(parts.map((p) => p.term))]
  const candidates = new Map([...sets].map(([gk, list]) => [gk, list.s] as const))
  const at = new Map(await Promise.all(terms.map(async (t) => [t, await positionsOf(reader, t, candidates)] as const)))
  const out: Sets = new Map()
  for (const [gk, list] of sets) {
    const maps = parts.map((p) => at.get(p.term)!.get(gk))
    if (maps.some((m) => !m)) continue
    const keep = new Uint8Array(list.s.length)
    let n = 0
    for (let k = 0; k < list.s.length; k++) {
      const seq = list.s[k]!
      const lists = maps.map((m) => m!.get(seq) ?? [])
      if (lists[0]!.some((p0) => parts.every((part, j) => lists[j]!.includes(p0 + part.pos - parts[0]!.pos)))) {
        keep[k] = 1
        n++
      }
    }
    if (n === 0) continue
    const s = new Float64Array(n)
    const m = new Uint32Array(n)
    for (let k = 0, j = 0; k < list.s.length; k++) {
      if (!keep[k]) continue
      s[j] = list.s[k]!
      m[j++] = list.m[k]!
    }
    out.set(gk, { s, m })
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Planning

interface Plan {
  /** Lookups ANDed together; each entry is an OR of lookups. */
  positive: { term: string; prefix: boolean }[][]
  /** Subtracted: each entry is an AND of lookups (one negated clause). */
  negative: { term: string; prefix: boolean }[][]
  /** Time filters on the postings' times (Unix seconds; 0 = unknown). */
  keepTime: ((time: number) => boolean)[]
  /** Candidates must be checked with the reference predicate. */
  verify: boolean
  /** Quoted phrases of two or more word parts: candidates are narrowed by the parts' positions first. */
  phrases: { term: string; pos: number }[][]
}

function timeTest(range: { from?: number; to?: number }): (time: number) => boolean {
  return (time) => time > 0 && (range.from === undefined || time * 1000 >= range.from) && (range.to === undefined || time * 1000 < range.to)
}

function dateRangeOf(c: Clause, offsetMinutes: number): { from?: number; to?: number } {
  return querySummary({ clauses: [{ ...c, negated: false }] }, { timeZoneOffsetMinutes: offsetMinutes }).range
}

function plan(summary: QuerySummary, prepared: PreparedSearch): Plan {
  const positive: Plan['positive'] = []
  const negative: Plan['negative'] = []
  const keepTime: Plan['keepTime'] = []
  let verify = summary.phrases.length > 0
  for (const term of summary.terms) positive.push([{ term, prefix: false }])
  const longPrefixes = summary.prefixes.filter((p) => !spansEverything(p))
  const shortPrefixes = summary.prefixes.filter(spansEverything)
  for (const p of longPrefixes) positive.push([{ term: p, prefix: true }])
  if (summary.from.length) positive.push(summary.from.map((v) => ({ term: fromTerm(v), prefix: false })))
  if (prepared.sender) positive.push([{ term: fromTerm(prepared.sender), prefix: false }])
  for (const h of summary.has) positive.push([{ term: hasTerm(h), prefix: false }])
  for (const i of summary.is) positive.push([{ term: isTerm(i), prefix: false }])
  // A short Latin prefix reads every bucket: worth it only when nothing else narrows the search.
  if (shortPrefixes.length) {
    if (positive.length) verify = true
    else for (const p of shortPrefixes) positive.push([{ term: p, prefix: true }])
  }
  const range = summary.range
  if (range.from !== undefined || range.to !== undefined) keepTime.push(timeTest(range))
  if (prepared.range.from !== undefined || prepared.range.to !== undefined) keepTime.push(timeTest(prepared.range))
  const offset = prepared.ctx.timeZoneOffsetMinutes ?? 0
  for (const c of summary.negated) {
    switch (c.kind) {
      case 'word':
        if (c.terms.length === 0 && c.prefixes.length === 0) verify = true
        else negative.push([...c.terms.map((term) => ({ term, prefix: false })), ...c.prefixes.map((term) => ({ term, prefix: true }))])
        break
      case 'phrase':
        verify = true
        break
      case 'from':
        negative.push([{ term: fromTerm(c.value), prefix: false }])
        break
      case 'has':
        negative.push([{ term: hasTerm(c.value), prefix: false }])
        break
      case 'is':
        negative.push([{ term: isTerm(c.value), prefix: false }])
        break
      case 'before':
      case 'after':
      case 'on': {
        const inRange = timeTest(dateRangeOf(c, offset))
        keepTime.push((time) => !inRange(time))
        break
      }
      case 'in':
        break // applied to the scope
    }
  }
  const phrases = summary.phrases.map(phraseParts).filter((parts) => parts.length >= 2)
  return { positive, negative, keepTime, verify, phrases }
}

/** The groups a request may match: its scope, narrowed by `in:` clauses. */
function scopeGroups(prepared: PreparedSearch, summary: QuerySummary): string[] {
  const matchesGroup = (gk: string, value: string) => {
    const id = groupIdOf(gk)
    const name = prepared.names.get(id)
    return normalize(id) === value || (name !== undefined && normalize(name) === value)
  }
  const excluded = summary.negated.filter((c) => c.kind === 'in').map((c) => (c as { value: string }).value)
  return prepared.gks.filter((gk) => (summary.in.length === 0 || summary.in.some((v) => matchesGroup(gk, v))) && !excluded.some((v) => matchesGroup(gk, v)))
}

// ---------------------------------------------------------------------------------------------
// Results

const shift = 2 ** 21

/**
 * Candidates in result order (newest first). Positions follow (group key, seq) ascending, so the
 * rank key time·2^21 + position, taken largest first, orders by time, then group key, then seq, all
 * descending (request.ts newestFirst). An early page is a top-k selection in one pass over the
 * keys; the full sort is made only when a page beyond the first few thousand is asked for.
 */
class Ranked {
  readonly n: number
  private readonly gks: string[]
  /** Where each group's results start among the positions (gks order), and n at the end. */
  private readonly starts: number[]
  private readonly seq: Float64Array
  private readonly time: Uint32Array
  private full?: Uint32Array

  constructor(sets: Sets) {
    this.gks = [...sets.keys()].sort()
    this.starts = [0]
    for (const gk of this.gks) this.starts.push(this.starts[this.starts.length - 1]! + sets.get(gk)!.s.length)
    const n = (this.n = this.starts[this.gks.length]!)
    if (this.gks.length === 1) {
      // One group: its list is the ranking, as is (neither changes it).
      const list = sets.get(this.gks[0]!)!
      this.seq = list.s
      this.time = list.m
      return
    }
    this.seq = new Float64Array(n)
    this.time = new Uint32Array(n)
    this.gks.forEach((gk, g) => {
      const list = sets.get(gk)!
      this.seq.set(list.s, this.starts[g]!)
      this.time.set(list.m, this.starts[g]!)
    })
  }

  /** Positions of results [from, to) in result order. */
  positions(from: number, to: number): number[] {
    to = Math.min(to, this.n)
    if (from >= to) return []
    if (!this.full && to <= 4096 && to * 4 < this.n && this.n < shift) return this.top(to).slice(from)
    return Array.from(this.order().subarray(from, to))
  }

  key(position: number): [string, number] {
    // The last group starting at or before the position.
    let lo = 0
    let hi = this.gks.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.starts[mid]! <= position) lo = mid
      else hi = mid - 1
    }
    const g = lo
    return [this.gks[g]!, this.seq[position]!]
  }

  /**
   * The k first positions in result order: one pass keeping the k largest rank keys in a min-heap.
   * Backwards, because times mostly grow with seq: the newest come first and the rest fail one
   * comparison against the heap's smallest.
   */
  private top(k: number): number[] {
    const heap = new Float64Array(k)
    let size = 0
    const down = (at: number) => {
      for (;;) {
        const l = 2 * at + 1
        const r = l + 1
        let m = at
        if (l < size && heap[l]! < heap[m]!) m = l
        if (r < size && heap[r]! < heap[m]!) m = r
        if (m === at) return
        const t = heap[at]!
        heap[at] = heap[m]!
        heap[m] = t
        at = m
      }
    }
    for (let i = this.n - 1; i >= 0; i--) {
      const key = this.time[i]! * shift + i
      if (size < k) {
        let at = size++
        heap[at] = key
        while (at > 0) {
          const parent = (at - 1) >> 1
          if (heap[parent]! <= heap[at]!) break
          const t = heap[at]!
          heap[at] = heap[parent]!
          heap[parent] = t
          at = parent
        }
      } else if (key > heap[0]!) {
        heap[0] = key
        down(0)
      }
    }
    return Array.from(heap.subarray(0, size))
      .sort((a, b) => b - a)
      .map((key) => key % shift)
  }

  private order(): Uint32Array {
    if (this.full) return this.full
    const n = this.n
    const out = new Uint32Array(n)
    if (n < shift) {
      const keys = new Float64Array(n)
      for (let i = 0; i < n; i++) keys[i] = this.time[i]! * shift + i
      keys.sort()
      for (let i = 0; i < n; i++) out[n - 1 - i] = keys[i]! % shift
    } else {
      const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.time[b]! - this.time[a]! || b - a)
      out.set(idx)
    }
    return (this.full = out)
  }
}

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
interface Candidates {
  all(): Promise<Ranked>
  first(k: number): Promise<{ ranked: Ranked; complete: boolean }>
  count(): Promise<number | undefined>
}

/** A run over ordered candidates; with `verify`, each is checked with the reference predicate. */
function candidateRun(db: AppDB, prepared: PreparedSearch, source: Candidates, verify: boolean): SearchRun {
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
function rangeRun(db: AppDB, prepared: PreparedSearch, gks: string[], keepTime: Plan['keepTime'], range: { from?: number; to?: number }): SearchRun {
  const dated = keepTime.length > 0
  const lo = Math.max(1, range.from === undefined ? 1 : Math.ceil(range.from / 1000))
  const hi = range.to === undefined ? Dexie.maxKey : Math.ceil(range.to / 1000)
  const collection = (gk: string) =>
    dated
      ? db.messages.where('[gk+time]').between([gk, lo], [gk, hi], true, false)
      : db.messages.where('[gk+seq]').between([gk, Dexie.minKey], [gk, Dexie.maxKey])
  let counted: Promise<number> | undefined
  if (typeof hi === 'number' && lo >= hi) return { query: prepared.query, count: async () => 0, page: async () => [] }
  return {
    query: prepared.query,
    count: () => (counted ??= Promise.all(gks.map((gk) => collection(gk).count())).then((n) => n.reduce((a, b) => a + b, 0))),
    page: async (offset, limit) => {
      const per = await Promise.all(
        gks.map((gk) =>
          (dated ? collection(gk) : db.messages.where('[gk+time]').between([gk, Dexie.minKey], [gk, Dexie.maxKey]))
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

/** Every message in scope and range, as lists read from the [gk+time] index (keys only). */
async function universe(db: AppDB, gks: string[], range: { from?: number; to?: number }): Promise<Sets> {
  const lo = range.from === undefined ? Dexie.minKey : Math.ceil(range.from / 1000)
  const hi = range.to === undefined ? Dexie.maxKey : Math.ceil(range.to / 1000)
  const out: Sets = new Map()
  if (typeof lo === 'number' && typeof hi === 'number' && lo >= hi) return out
  await Promise.all(
    gks.map(async (gk) => {
      const c = () => db.messages.where('[gk+time]').between([gk, lo], [gk, hi], true, false)
      const [keys, primary] = await Promise.all([c().keys(), c().primaryKeys()])
      const s = new Float64Array(primary.length)
      const m = new Uint32Array(primary.length)
      primary.forEach((pk, i) => {
        s[i] = (pk as unknown as [string, number])[1]
        const t = (keys[i] as unknown as [string, number])[1]
        m[i] = typeof t === 'number' && t > 0 && t < 2 ** 32 ? Math.floor(t) : 0
      })
      const list = sortList(s, m)
      if (list.s.length) out.set(gk, list)
    })
  )
  return out
}

export async function indexSearch(req: SearchRequest, db: AppDB = appDb): Promise<SearchOutcome> {
  const prepared = await prepareSearch(req, db)
  if ('error' in prepared) return { ok: false, error: prepared }
  const summary = querySummary(prepared.query, prepared.ctx)
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
  const reading = <T>(answer: (reader: RowReader) => Promise<T>) => {
    Object.assign(lastSearchStats, { rows: 0, bytes: 0, readMs: 0 })
    return db.transaction('r', [db.postings, db.messages, db.groups], () => answer(new RowReader(db, gks, allGroups)))
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

function filterSets(sets: Sets, keep: Plan['keepTime']): Sets {
  let result = sets
  for (const k of keep) {
    const next: Sets = new Map()
    for (const [gk, list] of result) {
      const r = filterList(list, k)
      if (r.s.length) next.set(gk, r)
    }
    result = next
  }
  return result
}

function isDate(c: Clause): boolean {
  return c.kind === 'before' || c.kind === 'after' || c.kind === 'on'
}

function size(s: Sets): number {
  let n = 0
  for (const l of s.values()) n += l.s.length
  return n
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b)
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b)
}
