/**
 * How a postings row keeps its postings: one byte array, each term's postings in seq order as
 * pairs of varints (LEB128): the seq's distance from the previous seq of the term, then the time's
 * distance from the previous time, zigzag-coded (times mostly grow with seq, but need not).
 * Measured on the 1,000,000-message bench store: 4.1 bytes per posting instead of 8 as two
 * Uint32Arrays, and one array to clone instead of two. Seqs up to 2^53 and times up to 2^32 fit.
 *
 * A term that keeps positions (terms.ts hasPositions) follows each pair with the word's
 * positions in the message: 0 for none, else (first + 1) * 2 + (more ? 1 : 0), then for more the
 * count of the others and their distances from the one before. One byte for a word that occurs
 * once within its first 63 words.
 */

import type { Positions } from '@shared/search/tokenize'

export type { Positions }

/** Appends varints to a growing byte buffer. */
export class ByteWriter {
  private buf: Uint8Array
  length = 0

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity)
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n))
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
  }

  /** A non-negative integer up to 2^53. */
  varint(v: number): void {
    this.ensure(8)
    const buf = this.buf
    let k = this.length
    if (v < 0x10000000) {
      while (v >= 0x80) {
        buf[k++] = (v & 0x7f) | 0x80
        v >>>= 7
      }
    } else {
      while (v >= 0x80) {
        buf[k++] = (v % 0x80) | 0x80
        v = Math.floor(v / 0x80)
      }
    }
    buf[k++] = v
    this.length = k
  }

  /** Postings s[from, to) (ascending) with their times m[from, to), and with `x`, their positions. */
  postings(s: ArrayLike<number>, m: ArrayLike<number>, from: number, to: number, x?: ArrayLike<Positions>): void {
    let seq = 0
    let time = 0
    for (let j = from; j < to; j++) {
      this.varint(s[j]! - seq)
      this.varint(zigzag(m[j]! - time))
      seq = s[j]!
      time = m[j]!
      if (x) this.positions(x[j])
    }
  }

  private positions(p: Positions): void {
    if (typeof p === 'number') {
      this.varint((p + 1) * 2)
      return
    }
    if (!p || p.length === 0) {
      this.varint(0)
      return
    }
    this.varint((p[0]! + 1) * 2 + (p.length > 1 ? 1 : 0))
    if (p.length === 1) return
    this.varint(p.length - 1)
    for (let i = 1; i < p.length; i++) this.varint(p[i]! - p[i - 1]!)
  }

  /** What was written, one byte per character (a one-byte string: see Bytes). */
  text(): Bytes {
    return bytesText(this.buf, 0, this.length)
  }
}

/** A signed distance as a non-negative integer: 0, -1, 1, -2, … as 0, 1, 2, 3, … */
function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1
}

/**
 * A row's bytes as a string, one byte (0-255) per character. IndexedDB hands a string back as a
 * string in V8's heap, where a search's reads are short-lived young objects; an ArrayBuffer gets a
 * backing store of its own outside it, and a search reads hundreds of them. Measured in this
 * machine's Chromium, strings read faster and with a far shorter tail than Uint8Arrays, whose
 * backing stores are swept and freed in bursts (figures: docs/dev/benchmarks.md).
 */
export type Bytes = string

function bytesText(buf: Uint8Array | Uint16Array, from: number, to: number): string {
  let out = ''
  // fromCharCode takes a typed array as its arguments, in slices that stay under the engine's limit.
  for (let i = from; i < to; i += 8192) out += String.fromCharCode.apply(null, buf.subarray(i, Math.min(to, i + 8192)) as unknown as number[])
  return out
}

/**
 * Offsets (up to 2^32) as a string, two characters (16 bits each) per offset: a two-byte string,
 * for the reason Bytes is a string.
 */
export type Offsets = string

export function offsetsText(o: ArrayLike<number>): Offsets {
  const halves = new Uint16Array(o.length * 2)
  for (let i = 0; i < o.length; i++) {
    halves[2 * i] = Math.floor(o[i]! / 0x10000)
    halves[2 * i + 1] = o[i]! & 0xffff
  }
  return bytesText(halves, 0, halves.length)
}

/** Offset i of an Offsets string. */
export function offsetAt(o: Offsets, i: number): number {
  return o.charCodeAt(2 * i) * 0x10000 + o.charCodeAt(2 * i + 1)
}

/**
 * Decodes the postings in d[from, to) into s and m from index k; returns the index after the last.
 * The arrays need room for (to - from) / 2 postings (every posting takes two bytes at least).
 * `positions`: the term keeps positions; they are read into x when given, else skipped.
 */
export function decodePostings(d: Bytes, from: number, to: number, s: Float64Array, m: Uint32Array, k: number, positions = false, x?: Positions[]): number {
  let seq = 0
  let time = 0
  let i = from
  // Varints inline, with a fast path for one byte (most of them): this loop decodes every
  // posting a search reads.
  while (i < to) {
    let b = d.charCodeAt(i++)
    let v = b & 0x7f
    for (let mul = 0x80; b & 0x80; mul *= 0x80) {
      b = d.charCodeAt(i++)
      v += (b & 0x7f) * mul
    }
    seq += v
    b = d.charCodeAt(i++)
    v = b & 0x7f
    for (let mul = 0x80; b & 0x80; mul *= 0x80) {
      b = d.charCodeAt(i++)
      v += (b & 0x7f) * mul
    }
    time += v % 2 === 0 ? v / 2 : -(v + 1) / 2
    s[k] = seq
    m[k] = time
    if (positions) {
      b = d.charCodeAt(i++)
      v = b & 0x7f
      for (let mul = 0x80; b & 0x80; mul *= 0x80) {
        b = d.charCodeAt(i++)
        v += (b & 0x7f) * mul
      }
      if (v & 1) {
        // More than one: the count of the others, then their distances.
        b = d.charCodeAt(i++)
        let more = b & 0x7f
        for (let mul = 0x80; b & 0x80; mul *= 0x80) {
          b = d.charCodeAt(i++)
          more += (b & 0x7f) * mul
        }
        let p = (v >> 1) - 1
        const list: number[] | undefined = x ? [p] : undefined
        for (let j = 0; j < more; j++) {
          b = d.charCodeAt(i++)
          let dv = b & 0x7f
          for (let mul = 0x80; b & 0x80; mul *= 0x80) {
            b = d.charCodeAt(i++)
            dv += (b & 0x7f) * mul
          }
          p += dv
          list?.push(p)
        }
        if (x) x[k] = list
      } else if (x) {
        x[k] = v === 0 ? undefined : (v >> 1) - 1
      }
    }
    k++
  }
  return k
}

/** What walkPostings learns of one term's postings in a row, without decoding them into arrays. */
export interface PostingsSpan {
  count: number
  firstSeq: number
  firstTime: number
  lastSeq: number
  lastTime: number
  maxTime: number
  /** Where the bytes after the first posting's seq and time start (its positions, or the next posting). */
  rest: number
}

/** Where readVarint stopped: the index after the varint it read. */
let after = 0

/** The varint at d[i]; sets `after`. */
export function readVarint(d: Bytes, i: number): number {
  let b = d.charCodeAt(i++)
  let v = b & 0x7f
  for (let mul = 0x80; b & 0x80; mul *= 0x80) {
    b = d.charCodeAt(i++)
    v += (b & 0x7f) * mul
  }
  after = i
  return v
}

/** Walks the postings in d[from, to) (at least one), as decodePostings reads them. */
export function walkPostings(d: Bytes, from: number, to: number, positions: boolean): PostingsSpan {
  let seq = 0
  let time = 0
  let maxTime = 0
  let count = 0
  let firstSeq = 0
  let firstTime = 0
  let rest = from
  let i = from
  while (i < to) {
    seq += readVarint(d, i)
    const v = readVarint(d, after)
    time += v % 2 === 0 ? v / 2 : -(v + 1) / 2
    i = after
    if (count === 0) {
      firstSeq = seq
      firstTime = time
      rest = i
    }
    if (time > maxTime) maxTime = time
    count++
    if (positions) {
      const p = readVarint(d, i)
      i = after
      if (p & 1) {
        let more = readVarint(d, i)
        i = after
        // Skip the distances: each varint ends at a byte under 0x80.
        for (; more > 0; i++) if (d.charCodeAt(i) < 0x80) more--
      }
    }
  }
  return { count, firstSeq, firstTime, lastSeq: seq, lastTime: time, maxTime, rest }
}

/** One term's postings d[from, to) in a row, walked. */
export interface PostingsSegment {
  d: Bytes
  from: number
  to: number
  span: PostingsSpan
}

/** Writes spliceSegments' re-based first postings (reused: each is made and read at once). */
const head = new ByteWriter(32)

/** A posting's seq and time varints, as the distances from (seq, time) before it. */
function headText(dSeq: number, dTime: number): Bytes {
  head.length = 0
  head.varint(dSeq)
  head.varint(zigzag(dTime))
  return head.text()
}

/**
 * One term's postings from segments in ascending seq order, each starting above the last seq of
 * the one before: the bytes an encoding of all of them would write, made by joining the segments
 * and writing each one's first seq and time again as distances from the segment before.
 */
export function spliceSegments(segments: readonly PostingsSegment[], out: Bytes[]): void {
  let prev: PostingsSpan | undefined
  for (const g of segments) {
    if (!prev) out.push(g.d.slice(g.from, g.to))
    else out.push(headText(g.span.firstSeq - prev.lastSeq, g.span.firstTime - prev.lastTime), g.d.slice(g.span.rest, g.to))
    prev = g.span
  }
}
