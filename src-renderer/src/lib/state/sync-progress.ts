/**
 * What the sync panel shows as done, across Pause and Resume (issue 15 item 3). Resuming starts a
 * new run that only walks what is left (the store's coverage, and for a recheck the ranges the
 * paused runs already rechecked), and that run counts from zero. The panel adds what the earlier
 * runs of the same sync committed, so "done" only ever moves forward and the total stays the same.
 */
import type { SyncProgressEvent } from '@shared/ipc/contract'
import { addRange, emptyCoverage, type Coverage, type SeqRange } from '@shared/coverage'

/** What earlier runs of the same sync did for one group. */
export interface Carried {
  /** Seqs they committed. */
  done: number
  /** Messages they received. */
  messages: number
  /** A recheck: the seq ranges they walked and committed, so a resumed recheck skips them. */
  rechecked: Coverage
}

export function noneCarried(): Carried {
  return { done: 0, messages: 0, rechecked: emptyCoverage() }
}

/** Notes a committed batch of a recheck. */
export function noteRechecked(c: Carried, range: SeqRange | null): void {
  if (range) c.rechecked = addRange(c.rechecked, range)
}

/** The done and total to show for a progress event of the current run. */
export function shownProgress(
  carried: Carried | undefined,
  previous: { seqsDone: number } | undefined,
  e: Pick<SyncProgressEvent, 'seqsDone' | 'seqsTotal' | 'messages'>
): { seqsDone: number; seqsTotal: number; messages: number } {
  const base = carried?.done ?? 0
  // Events of one run never go back; the max also covers one that overtook another.
  const seqsDone = Math.max(previous?.seqsDone ?? 0, base + e.seqsDone)
  return { seqsDone, seqsTotal: Math.max(seqsDone, base + e.seqsTotal), messages: (carried?.messages ?? 0) + e.messages }
}
