// Issue 15 item 3: the sync panel's "done" only moves forward across Pause, Resume and Cancel.
import { describe, expect, it } from 'vitest'
import { carryOver, noneCarried, noteWalked, shownProgress } from '../../../src-renderer/src/lib/state/sync-progress'

describe('sync progress across pause and resume', () => {
  it('keeps what the paused run committed, so done never goes back and the total stays', () => {
    // Paused at 3,520 of 30,000: the resumed run has 26,480 seqs left and counts from zero.
    const carried = { ...noneCarried(), done: 3520, messages: 3400 }
    let shown = { seqsDone: 3520, seqsTotal: 30_000, messages: 3400 }
    for (const done of [0, 0, 400, 2340]) {
      const next = shownProgress(carried, shown, { seqsDone: done, seqsTotal: 26_480, messages: done })
      expect(next.seqsDone).toBeGreaterThanOrEqual(shown.seqsDone)
      expect(next.seqsTotal).toBe(30_000)
      shown = next
    }
    // Cancelled after the resumed run committed 2,340 more.
    expect(shown).toEqual({ seqsDone: 5860, seqsTotal: 30_000, messages: 5740 })
  })

  it('counts a fresh run from zero', () => {
    expect(shownProgress(undefined, undefined, { seqsDone: 40, seqsTotal: 100, messages: 38 })).toEqual({ seqsDone: 40, seqsTotal: 100, messages: 38 })
  })

  it('remembers the ranges the runs committed, merged, for a resumed recheck to skip', () => {
    const c = noneCarried()
    noteWalked(c, [901, 1000])
    noteWalked(c, [801, 900])
    noteWalked(c, null)
    noteWalked(c, [101, 200])
    expect(c.walked.ranges).toEqual([
      [101, 200],
      [801, 1000]
    ])
  })

  it('carries at least what was committed, when the last progress before the pause said less', () => {
    // The pause cut off the progress event of the last batches: 720 shown, 1,000 committed. The
    // resumed run walks the other 7,000, so the total stays 8,000.
    const c = noneCarried()
    noteWalked(c, [7001, 8000])
    carryOver(c, { seqsDone: 720, messages: 700 })
    expect(c.done).toBe(1000)
    expect(shownProgress(c, { seqsDone: 1000 }, { seqsDone: 0, seqsTotal: 7000, messages: 0 })).toMatchObject({ seqsDone: 1000, seqsTotal: 8000 })
  })
})
