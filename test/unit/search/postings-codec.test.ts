import { describe, expect, it } from 'vitest'
import {
  ByteWriter,
  decodePostings,
  offsetAt,
  offsetsText,
  spliceSegments,
  walkPostings,
  type PostingsSegment
} from '../../../src-renderer/src/lib/search/index/codec'

function roundTrip(s: number[], m: number[]): { s: number[]; m: number[]; bytes: number } {
  const w = new ByteWriter(4)
  w.postings(s, m, 0, s.length)
  const d = w.text()
  const os = new Float64Array(d.length >> 1)
  const om = new Uint32Array(d.length >> 1)
  const n = decodePostings(d, 0, d.length, os, om, 0)
  return { s: [...os.subarray(0, n)], m: [...om.subarray(0, n)], bytes: d.length }
}

describe('postings codec', () => {
  it('keeps seqs and times exactly, whichever way times move', () => {
    const s = [1, 2, 3, 130, 20_000, 2 ** 31 + 5, 2 ** 40, Number.MAX_SAFE_INTEGER]
    const m = [1_700_000_000, 1_699_999_000, 0, 2 ** 32 - 1, 0, 5, 1_700_000_000, 1]
    expect(roundTrip(s, m)).toMatchObject({ s, m })
  })

  it('keeps its bytes as a one-byte string, however many, and offsets up to 2^32 two characters each', () => {
    const s = Array.from({ length: 20_000 }, (_, i) => i * 300_000)
    const m = s.map((_, i) => (i * 7919) % 2 ** 32)
    const w = new ByteWriter()
    w.postings(s, m, 0, s.length)
    const d = w.text()
    expect(d.length).toBe(w.length)
    expect([...d].every((c) => c.charCodeAt(0) < 256)).toBe(true)
    expect(roundTrip(s, m)).toMatchObject({ s, m })
    const o = [0, 1, 65_535, 65_536, 1_000_000, 2 ** 32 - 1]
    const text = offsetsText(o)
    expect(text.length).toBe(o.length * 2)
    expect(o.map((_, i) => offsetAt(text, i))).toEqual(o)
  })

  it('takes two bytes for a posting close to the one before it', () => {
    const s = Array.from({ length: 1000 }, (_, i) => 1_000_000 + i)
    const m = Array.from({ length: 1000 }, (_, i) => 1_700_000_000 + i * 30)
    const r = roundTrip(s, m)
    expect(r.s).toEqual(s)
    expect(r.m).toEqual(m)
    expect(r.bytes).toBeLessThan(1000 * 2 + 16)
  })

  it('decodes a range of a larger buffer, after other postings', () => {
    const w = new ByteWriter()
    w.postings([5, 9], [100, 90], 0, 2)
    const from = w.length
    w.postings([7, 8, 1000], [1, 2, 3], 0, 3)
    const d = w.text()
    const s = new Float64Array(10)
    const m = new Uint32Array(10)
    expect(decodePostings(d, from, d.length, s, m, 4)).toBe(7)
    expect([...s.subarray(4, 7)]).toEqual([7, 8, 1000])
    expect([...m.subarray(4, 7)]).toEqual([1, 2, 3])
  })
})

describe('postings codec with positions', () => {
  it('keeps each posting’s positions: none, one, several, far into a long message', () => {
    const s = [3, 4, 9, 10, 500]
    const m = [10, 20, 30, 40, 50]
    const x = [undefined, 0, [2, 5, 9], [62, 63, 64], 70_000]
    const w = new ByteWriter(2)
    w.postings(s, m, 0, s.length, x)
    const d = w.text()
    const os = new Float64Array(d.length >> 1)
    const om = new Uint32Array(d.length >> 1)
    const ox: (number | number[] | undefined)[] = []
    const n = decodePostings(d, 0, d.length, os, om, 0, true, ox)
    expect(n).toBe(5)
    expect([...os.subarray(0, n)]).toEqual(s)
    expect([...om.subarray(0, n)]).toEqual(m)
    expect(ox).toEqual(x)
    // Read without keeping them, the positions are skipped, not mistaken for postings.
    expect(decodePostings(d, 0, d.length, os, om, 0, true)).toBe(5)
    expect([...os.subarray(0, 5)]).toEqual(s)
  })

  it('takes one byte for a word that occurs once among the first 63', () => {
    const w = new ByteWriter()
    w.postings([1], [1], 0, 1, [62])
    expect(w.length).toBe(3)
  })
})

describe('joining postings written apart (a merge of runs)', () => {
  const encode = (s: number[], m: number[], x?: (number | number[] | undefined)[]) => {
    const w = new ByteWriter(2)
    w.postings(s, m, 0, s.length, x)
    return w.text()
  }

  it('walks a term’s postings to their count, first and last seq and time, and newest time, positions skipped', () => {
    const s = [3, 4, 9, 10, 500]
    const m = [10, 200, 30, 40, 50]
    const x = [undefined, 0, [2, 5, 9, 300], [62, 63, 64], 70_000]
    const d = 'junk' + encode(s, m, x)
    const span = walkPostings(d, 4, d.length, true)
    expect(span).toMatchObject({ count: 5, firstSeq: 3, firstTime: 10, lastSeq: 500, lastTime: 50, maxTime: 200 })
    expect(walkPostings(encode(s, m), 0, encode(s, m).length, false)).toMatchObject({ count: 5, lastSeq: 500, maxTime: 200 })
  })

  it('gives the bytes of encoding them all at once, for runs whose seqs follow each other', () => {
    const runs = [
      { s: [1, 2, 300], m: [1_700_000_000, 1_700_000_500, 1_699_000_000], x: [0, [1, 7], 200] },
      { s: [301], m: [5], x: [undefined] },
      { s: [2 ** 40, 2 ** 40 + 1], m: [1_700_000_100, 2 ** 32 - 1], x: [[0, 1, 2], 3] }
    ]
    const segment = (r: (typeof runs)[number]): PostingsSegment => {
      const d = 'ab' + encode(r.s, r.m, r.x) + 'cd'
      return { d, from: 2, to: d.length - 2, span: walkPostings(d, 2, d.length - 2, true) }
    }
    const segments = [runs[0]!, runs[1]!, runs[2]!].map(segment)
    const out: string[] = []
    spliceSegments(segments, out)
    const all = (k: 's' | 'm' | 'x') => runs.flatMap((r) => r[k] as unknown[])
    expect(out.join('')).toBe(encode(all('s') as number[], all('m') as number[], all('x') as (number | number[] | undefined)[]))
  })
})
