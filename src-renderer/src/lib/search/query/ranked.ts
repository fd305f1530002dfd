/**
 * Ranking: candidates in result order, newest first, with a top-k selection for early pages.
 */
import type { Sets } from './lists'

const shift = 2 ** 21

/**
 * Candidates in result order (newest first). Positions follow (group key, seq) ascending, so the
 * rank key time·2^21 + position, taken largest first, orders by time, then group key, then seq, all
 * descending (prepare.ts newestFirst). An early page is a top-k selection in one pass over the
 * keys; the full sort is made only when a page beyond the first few thousand is asked for.
 */
export class Ranked {
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
