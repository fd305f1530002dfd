import { describe, expect, it } from 'vitest'
import { Planner, type Window } from '../../../src-main/archive/planner'

/** Every window the planner hands out, in order, as if each came back with messages. */
async function drain(p: Planner): Promise<Window[]> {
  const out: Window[] = []
  const signal = new AbortController().signal
  for (let w = await p.next(signal); w; w = await p.next(signal)) {
    out.push(w)
    p.done(w, true)
  }
  return out
}

function expectExactCover(ws: Window[], lo: number, hi: number): void {
  const sorted = [...ws].sort((a, b) => b.hi - a.hi)
  expect(sorted[0]!.hi).toBe(hi)
  for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.hi).toBe(sorted[i - 1]!.lo - 1)
  expect(sorted.at(-1)!.lo).toBe(lo)
}

describe('the window planner', () => {
  it('shrinks the last windows of the walk, so every worker stays busy to the end', async () => {
    const ws = await drain(new Planner([{ range: [1, 12_000], open: true }], 200, { workers: 16, shrinkBelow: 2000 }))
    expectExactCover(ws, 1, 12_000)
    // Above 2,000 (where an empty window may mark the start of history) windows keep their size.
    for (const w of ws.filter((w) => w.lo > 2000)) expect(w.hi - w.lo + 1).toBe(200)
    const low = ws.filter((w) => w.hi <= 2000)
    // Below, they shrink as the seqs left are shared among the workers: the last are one request.
    const sizes = low.map((w) => w.hi - w.lo + 1)
    expect(sizes[0]).toBeLessThan(200)
    expect(sizes.slice(-16).every((s) => s === 20)).toBe(true)
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]!)
    // Windows stay whole requests of 20 seqs, but for the remainder at the very bottom.
    expect(low.slice(0, -1).every((w) => (w.hi - w.lo + 1) % 20 === 0)).toBe(true)
  })

  it('shrinks closed gaps too (a recheck, a hole between archived ranges), newest first', async () => {
    const gaps = [
      { range: [5001, 6000] as [number, number], open: false },
      { range: [1, 3000] as [number, number], open: false }
    ]
    const ws = await drain(new Planner(gaps, 200, { workers: 8 }))
    expect(ws[0]!.hi).toBe(6000)
    expectExactCover(
      ws.filter((w) => w.lo > 3000),
      5001,
      6000
    )
    expectExactCover(
      ws.filter((w) => w.hi <= 3000),
      1,
      3000
    )
    expect(ws.at(-1)!.hi - ws.at(-1)!.lo + 1).toBe(20)
  })

  it('keeps full windows with one worker, or without being told the workers', async () => {
    for (const p of [new Planner([{ range: [1, 1000], open: true }], 100), new Planner([{ range: [1, 1000], open: false }], 100, { workers: 1 })]) {
      const ws = await drain(p)
      expect(ws.map((w) => w.hi - w.lo + 1)).toEqual(Array(10).fill(100))
    }
  })
})
