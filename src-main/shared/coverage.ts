/**
 * Coverage: what is known about a group's seq space. It is the sync checkpoint: every batch is
 * committed together with the range it completes, so after a crash the next sync pulls exactly
 * what is missing.
 *
 * Seqs start at 1 and grow by one per message (docs/reference/tencent-im-api.md §1.5). A seq
 * inside a covered range either has an archived message (normal or placeholder) or is a hole the
 * server never returns. Seqs below `floor` are before the start of retrievable history.
 */

/** Inclusive seq range [lo, hi]. */
export type SeqRange = [lo: number, hi: number]

export interface Coverage {
  /** Sorted ascending, disjoint and non-adjacent ranges of seqs known complete. */
  ranges: SeqRange[]
  /** History starts here: seqs below never need pulling. null until the start has been found. */
  floor: number | null
  /** The newest seq known (0 for a group with no messages). */
  top: number
}

export function emptyCoverage(): Coverage {
  return { ranges: [], floor: null, top: 0 }
}

/** Adds a completed range, merging neighbours. Returns a new Coverage. */
export function addRange(cov: Coverage, range: SeqRange): Coverage {
  let [lo, hi] = range
  if (!(lo <= hi)) return cov
  const out: SeqRange[] = []
  let placed = false
  for (const r of cov.ranges) {
    if (r[1] < lo - 1) {
      out.push(r)
    } else if (r[0] > hi + 1) {
      if (!placed) {
        out.push([lo, hi])
        placed = true
      }
      out.push(r)
    } else {
      lo = Math.min(lo, r[0])
      hi = Math.max(hi, r[1])
    }
  }
  if (!placed) out.push([lo, hi])
  return { ...cov, ranges: out, top: Math.max(cov.top, hi) }
}

/** Applies one committed batch's coverage facts. */
export function applyBatchCoverage(cov: Coverage, batch: { range?: SeqRange | null; floor?: number; top?: number }): Coverage {
  let next = batch.range ? addRange(cov, batch.range) : { ...cov }
  if (batch.top !== undefined) next.top = Math.max(next.top, batch.top)
  if (batch.floor !== undefined) next = { ...next, floor: batch.floor }
  return next
}

/**
 * The seq ranges still to pull below `top`, newest first. When the floor is unknown the lowest gap
 * reaches down to seq 1 and is marked `open`: where history really starts must be found in it.
 */
export function missingRanges(cov: Coverage, top = cov.top): { range: SeqRange; open: boolean }[] {
  const floor = cov.floor ?? 1
  const out: { range: SeqRange; open: boolean }[] = []
  let hi = top
  for (let i = cov.ranges.length - 1; i >= 0 && hi >= floor; i--) {
    const r = cov.ranges[i]!
    if (r[0] > hi) continue
    if (r[1] < hi) out.push({ range: [Math.max(r[1] + 1, floor), hi], open: false })
    hi = Math.min(hi, r[0] - 1)
  }
  if (hi >= floor) out.push({ range: [floor, hi], open: cov.floor === null })
  return out
}

/** True when every seq from the start of history to the newest known one has been pulled. */
export function isComplete(cov: Coverage): boolean {
  if (cov.floor === null) return false
  if (cov.top < cov.floor) return true
  return missingRanges(cov).length === 0
}

/** Number of seqs in the given ranges. */
export function countSeqs(ranges: SeqRange[]): number {
  return ranges.reduce((n, [lo, hi]) => n + (hi - lo + 1), 0)
}
