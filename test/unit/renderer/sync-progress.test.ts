// Issue 15 item 3: the sync panel's "done" only moves forward across Pause, Resume and Cancel.
import { describe, expect, it } from 'vitest'
import { noneCarried, noteRechecked, shownProgress } from '../../../src-renderer/src/lib/state/sync-progress'

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

  it('remembers the ranges a recheck committed, merged, for the resumed run to skip', () => {
    const c = noneCarried()
    noteRechecked(c, [901, 1000])
    noteRechecked(c, [801, 900])
    noteRechecked(c, null)
    noteRechecked(c, [101, 200])
    expect(c.rechecked.ranges).toEqual([
      [101, 200],
      [801, 1000]
    ])
  })
})
