import { describe, expect, it } from 'vitest'
import { addRange, applyBatchCoverage, emptyCoverage, isComplete, missingRanges } from '../../../src-main/shared/coverage'

describe('coverage', () => {
  it('merges overlapping and adjacent ranges', () => {
    let c = emptyCoverage()
    c = addRange(c, [50, 60])
    c = addRange(c, [10, 20])
    c = addRange(c, [21, 30])
    c = addRange(c, [55, 70])
    expect(c.ranges).toEqual([
      [10, 30],
      [50, 70]
    ])
    expect(c.top).toBe(70)
    c = addRange(c, [31, 49])
    expect(c.ranges).toEqual([[10, 70]])
  })

  it('lists what is missing newest first, with the lowest gap open until the floor is known', () => {
    let c = addRange(emptyCoverage(), [90, 100])
    c = addRange(c, [40, 60])
    expect(missingRanges(c)).toEqual([
      { range: [61, 89], open: false },
      { range: [1, 39], open: true }
    ])
    expect(missingRanges(c, 120)[0]).toEqual({ range: [101, 120], open: false })
    c = applyBatchCoverage(c, { floor: 30 })
    expect(missingRanges(c)).toEqual([
      { range: [61, 89], open: false },
      { range: [30, 39], open: false }
    ])
    expect(isComplete(c)).toBe(false)
    c = addRange(addRange(c, [61, 89]), [30, 39])
    expect(isComplete(c)).toBe(true)
  })

  it('treats an empty group with a known floor as complete', () => {
    expect(isComplete(applyBatchCoverage(emptyCoverage(), { floor: 1, top: 0 }))).toBe(true)
    expect(isComplete(emptyCoverage())).toBe(false)
  })
})
