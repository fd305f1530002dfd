/**
 * What the sync panel shows as done, across Pause and Resume (issue 15 item 3). Resuming starts a
 * new run that only walks what is left (the store's coverage, and for a recheck the ranges the
 * paused runs already rechecked), and that run counts from zero. The panel adds what the earlier
 * runs of the same sync committed, so "done" only ever moves forward and the total stays the same.
 */
import type { SyncProgressEvent } from '@shared/ipc/contract'
import { addRange, countSeqs, emptyCoverage, type Coverage, type SeqRange } from '@shared/coverage'

/** What earlier runs of the same sync did for one group. */
export interface Carried {
  /** Seqs they committed. */
  done: number
  /** Messages they received. */
  messages: number
  /**
   * The seq ranges their batches committed. A resumed recheck skips them; and they are what the
   * resumed run no longer counts, so they are the base it adds to (the progress events a pause
   * cuts off may have said less).
   */
  walked: Coverage
}

export function noneCarried(): Carried {
  return { done: 0, messages: 0, walked: emptyCoverage() }
}

/** Notes a committed batch. */
export function noteWalked(c: Carried, range: SeqRange | null): void {
  if (range) c.walked = addRange(c.walked, range)
}

/** At Resume: what the paused runs did, from what was shown and what was committed. */
export function carryOver(c: Carried, shown: { seqsDone: number; messages: number } | undefined): Carried {
  c.done = Math.max(c.done, shown?.seqsDone ?? 0, countSeqs(c.walked.ranges))
  c.messages = Math.max(c.messages, shown?.messages ?? 0)
  return c
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
