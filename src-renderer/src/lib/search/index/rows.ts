/**
 * Packing postings into rows (layout.ts PostingRow) and reading them back: a run's rows at a
 * level, cut into parts of at most rowPostings postings; a row's terms and postings decoded.
 */
import { ByteWriter, decodePostings, offsetAt, offsetsText, type Positions } from './codec'
import type { PostingsBuilder } from './diff'
import { bucketAt, type PostingRow } from './layout'
import { hasPositions, termPosition } from './terms'

/** Postings s[from, to) with their times m[from, to) and positions x[from, to), ascending by seq. */
interface Slice {
  s: ArrayLike<number>
  m: ArrayLike<number>
  x: ArrayLike<Positions>
  from: number
  to: number
}

/** A run's postings at one level, being gathered: bucket → term → slices. */
export class Gather {
  readonly buckets = new Map<number, Map<string, Slice[]>>()

  /** `rowPostings`: postings per row at most (layout.ts PostingsTuning). */
  constructor(
    readonly level: number,
    readonly rowPostings: number
  ) {}

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
      cutParts(out, b, gk, c, del, names, o, s, m, x, this.rowPostings)
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
  x: Positions[],
  max: number
): void {
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
export function levelRows(level: number, gk: string, c: number, del: 0 | 1, postings: PostingsBuilder, rowPostings: number): PostingRow[] {
  return new Gather(level, rowPostings).addAll(postings).rows(gk, c, del)
}
