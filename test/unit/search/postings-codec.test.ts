import { describe, expect, it } from 'vitest'
import { ByteWriter, decodePostings, offsetAt, offsetsText } from '../../../src-renderer/src/lib/search/postings-codec'

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
