/**
 * A set of seqs kept as compressed runs ([lo, hi] ranges), built from seqs that arrive in any order.
 *
 * An archive file is not sorted by seq (the engine pulls windows concurrently, newest first), so
 * seqs are buffered and merged into the runs a chunk at a time: each merge is one sort of the chunk
 * plus one linear pass over the runs. Memory is the number of runs (one per hole or change of
 * kind), never the number of seqs.
 */
import type { SeqRange } from '../coverage'

const chunkSize = 8192

export class RunSet {
  /** Disjoint, non-adjacent runs, ascending. */
  private runs: SeqRange[] = []
  private pending: number[] = []

  add(seq: number): void {
    this.pending.push(seq)
    if (this.pending.length >= chunkSize) this.flush()
  }

  /** The runs, ascending. */
  ranges(): SeqRange[] {
    this.flush()
    return this.runs
  }

  /** Number of distinct seqs. */
  count(): number {
    let n = 0
    for (const [lo, hi] of this.ranges()) n += hi - lo + 1
    return n
  }

  private flush(): void {
    if (this.pending.length === 0) return
    const seqs = this.pending.sort((a, b) => a - b)
    this.pending = []
    // Compress the chunk to runs, then merge two sorted run lists.
    const fresh: SeqRange[] = []
    for (const s of seqs) {
      const last = fresh[fresh.length - 1]
      if (last && s <= last[1] + 1) last[1] = Math.max(last[1], s)
      else fresh.push([s, s])
    }
    this.runs = mergeRuns(this.runs, fresh)
  }
}

/** Merges two ascending lists of runs into one of disjoint, non-adjacent runs. */
export function mergeRuns(a: readonly SeqRange[], b: readonly SeqRange[]): SeqRange[] {
  const out: SeqRange[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]![0] <= b[j]![0]) ? a[i++]! : b[j++]!
    const last = out[out.length - 1]
    if (last && next[0] <= last[1] + 1) last[1] = Math.max(last[1], next[1])
    else out.push([next[0], next[1]])
  }
  return out
}

/** The seqs of `ranges` that are not in `minus` (both ascending, disjoint). */
export function subtractRuns(ranges: readonly SeqRange[], minus: readonly SeqRange[]): SeqRange[] {
  const out: SeqRange[] = []
  let j = 0
  for (const [lo0, hi] of ranges) {
    let lo = lo0
    while (j < minus.length && minus[j]![1] < lo) j++
    let k = j
    while (lo <= hi && k < minus.length && minus[k]![0] <= hi) {
      const [mlo, mhi] = minus[k]!
      if (mlo > lo) out.push([lo, mlo - 1])
      lo = Math.max(lo, mhi + 1)
      k++
    }
    if (lo <= hi) out.push([lo, hi])
  }
  return out
}

/** The gaps between consecutive runs: seqs inside [first, last] that are in no run. */
export function gapsBetween(ranges: readonly SeqRange[]): SeqRange[] {
  const out: SeqRange[] = []
  for (let i = 1; i < ranges.length; i++) out.push([ranges[i - 1]![1] + 1, ranges[i]![0] - 1])
  return out
}

export function countRuns(ranges: readonly SeqRange[]): number {
  let n = 0
  for (const [lo, hi] of ranges) n += hi - lo + 1
  return n
}
