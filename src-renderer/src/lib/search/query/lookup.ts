/**
 * Reading the index for a query: the postings rows of a term's buckets (RowReader, one read per
 * bucket span per search), decoded into per-group lists (lookup), counted without building the
 * list (countOfTerm), or narrowed to where a phrase's words stand together (filterPhrase); and
 * every message in scope and range from the messages' own [gk+time] index (universe).
 */
import Dexie from 'dexie'
import { positionList } from '@shared/search/tokenize'
import type { AppDB } from '@renderer/lib/db/app-db'
import { byTime } from '@renderer/lib/db/pager'
import { decodePostings, offsetAt, readVarint, type Positions } from '../index/codec'
import { levelSpans, LEVELS, type PostingRow } from '../index/layout'
import { findTerms } from '../index/rows'
import { hasPositions, prefixSpan, termPosition } from '../index/terms'
import { emptyList, sortList, union, type List, type Sets } from './lists'
import type { Plan } from './plan'

/**
 * What a search's reads read, for bench:search's report and the tests (bytes: of encoded
 * postings). The caller owns it and passes it in (indexSearch's `stats`); each answer's reading
 * starts it again from zero, so after a page or a count it holds what that one read.
 */
export interface SearchReadStats {
  rows: number
  bytes: number
  readMs: number
}

/**
 * Reads each bucket span's rows at most once per search, for the groups in scope: one range per
 * level for all groups, or one per (bucket, group) when a few groups are asked for.
 */
export class RowReader {
  private spans = new Map<string, Promise<PostingRow[]>>()
  private readonly inScope: Set<string>
  /** Lookups read levels [0, levels): the newest runs. */
  levels = LEVELS.length

  constructor(
    private readonly db: AppDB,
    private readonly gks: string[],
    private readonly allGroups: boolean,
    private readonly stats?: SearchReadStats
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
    const stats = this.stats
    if (!stats) return this.readRows(lo, hi)
    const t0 = performance.now()
    const rows = await this.readRows(lo, hi)
    stats.readMs += performance.now() - t0
    stats.rows += rows.length
    for (const r of rows) stats.bytes += r.d.length
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
export async function lookup(reader: RowReader, term: string, prefix: boolean): Promise<Sets> {
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
export async function countOfTerm(reader: RowReader, term: string, keep: Plan['keepTime']): Promise<number | undefined> {
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
export async function filterPhrase(reader: RowReader, sets: Sets, parts: { term: string; pos: number }[]): Promise<Sets> {
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

/** Every message in scope and range, as lists read from the [gk+time] index (keys only). */
export async function universe(db: AppDB, gks: string[], range: { from?: number; to?: number }): Promise<Sets> {
  const lo = range.from === undefined ? Dexie.minKey : Math.ceil(range.from / 1000)
  const hi = range.to === undefined ? Dexie.maxKey : Math.ceil(range.to / 1000)
  const out: Sets = new Map()
  if (typeof lo === 'number' && typeof hi === 'number' && lo >= hi) return out
  await Promise.all(
    gks.map(async (gk) => {
      const c = () => byTime(db.messages, gk, lo, hi, true, false)
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
