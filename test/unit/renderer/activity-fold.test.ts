/**
 * The charts' folding of UTC hourly counts into local days and a local weekday × hour grid, with a
 * fixed time zone offset.
 */
import { describe, expect, it } from 'vitest'
import { fixedOffset, foldDays, foldWeekHours, topSenders, type OffsetAt } from '../../../src-renderer/src/features/charts/activity-fold'

/** The UTC hour since the epoch of an ISO instant. */
const hourOf = (iso: string) => Date.parse(iso) / 3600_000
/** Local days since the epoch of a YYYY-MM-DD. */
const dayOf = (ymd: string) => Date.parse(`${ymd}T00:00:00Z`) / 86400_000

describe('folding hourly counts into local time', () => {
  // Monday 2026-11-23 16:00 UTC is Tuesday 00:00 in UTC+8.
  const hours = [
    { hour: hourOf('2026-11-23T15:00:00Z'), n: 2 },
    { hour: hourOf('2026-11-23T16:00:00Z'), n: 3 },
    { hour: hourOf('2026-11-26T01:00:00Z'), n: 5 }
  ]

  it('sums the hours of each local day and fills the days between with zeros', () => {
    expect(foldDays(hours, fixedOffset(0))).toEqual([
      { day: dayOf('2026-11-23'), n: 5 },
      { day: dayOf('2026-11-24'), n: 0 },
      { day: dayOf('2026-11-25'), n: 0 },
      { day: dayOf('2026-11-26'), n: 5 }
    ])
    expect(foldDays(hours, fixedOffset(8 * 60))).toEqual([
      { day: dayOf('2026-11-23'), n: 2 },
      { day: dayOf('2026-11-24'), n: 3 },
      { day: dayOf('2026-11-25'), n: 0 },
      { day: dayOf('2026-11-26'), n: 5 }
    ])
    // West of UTC: 01:00 UTC on the 26th is still the 25th in UTC−5.
    expect(foldDays(hours, fixedOffset(-5 * 60)).map((d) => d.n)).toEqual([5, 0, 5])
    expect(foldDays([], fixedOffset(0))).toEqual([])
  })

  it('places each hour on its local weekday (Monday first) and local hour', () => {
    const utc = foldWeekHours(hours, fixedOffset(0))
    expect(utc[0]![15]).toBe(2) // Monday 15:00
    expect(utc[0]![16]).toBe(3)
    expect(utc[3]![1]).toBe(5) // Thursday 01:00
    expect(utc.flat().reduce((a, b) => a + b, 0)).toBe(10)
    const east = foldWeekHours(hours, fixedOffset(8 * 60))
    expect(east[0]![23]).toBe(2) // Monday 23:00
    expect(east[1]![0]).toBe(3) // Tuesday 00:00
    expect(east[3]![9]).toBe(5) // Thursday 09:00
    // Before 1970 (negative days) still lands on the right weekday: 1969-12-29 was a Monday.
    expect(foldWeekHours([{ hour: hourOf('1969-12-29T10:00:00Z'), n: 1 }], fixedOffset(0))[0]![10]).toBe(1)
    // Sunday is the last row.
    expect(foldWeekHours([{ hour: hourOf('2026-11-29T12:00:00Z'), n: 4 }], fixedOffset(0))[6]![12]).toBe(4)
  })

  it('gives a half-hour zone each UTC hour at the local hour its first minute falls in', () => {
    // UTC 18:00–19:00 is 23:30–00:30 in UTC+5:30: wholly Monday 23:00.
    const h = [{ hour: hourOf('2026-11-23T18:00:00Z'), n: 7 }]
    const grid = foldWeekHours(h, fixedOffset(330))
    expect(grid[0]![23]).toBe(7)
    expect(grid.flat().reduce((a, b) => a + b, 0)).toBe(7)
    expect(foldDays(h, fixedOffset(330))).toEqual([{ day: dayOf('2026-11-23'), n: 7 }])
  })

  it('follows an offset that changes (daylight saving time)', () => {
    // A zone that is UTC+1 before 2026-03-29 01:00 UTC and UTC+2 after.
    const switchAt = Date.parse('2026-03-29T01:00:00Z')
    const cet: OffsetAt = (ms) => (ms < switchAt ? 60 : 120)
    const h = [
      { hour: hourOf('2026-03-28T22:00:00Z'), n: 1 }, // Saturday 23:00 local
      { hour: hourOf('2026-03-29T22:00:00Z'), n: 1 } // Monday 00:00 local
    ]
    expect(foldDays(h, cet)).toEqual([
      { day: dayOf('2026-03-28'), n: 1 },
      { day: dayOf('2026-03-29'), n: 0 },
      { day: dayOf('2026-03-30'), n: 1 }
    ])
    const grid = foldWeekHours(h, cet)
    expect(grid[5]![23]).toBe(1)
    expect(grid[0]![0]).toBe(1)
  })
})

describe('top senders', () => {
  it('keeps the busiest and sums the others', () => {
    const sorted = [
      { from: 'a', n: 10 },
      { from: 'b', n: 5 },
      { from: 'c', n: 2 },
      { from: 'd', n: 1 }
    ]
    expect(topSenders(sorted, 2)).toEqual({ top: sorted.slice(0, 2), others: 3, otherSenders: 2, total: 18 })
    expect(topSenders(sorted, 10)).toEqual({ top: sorted, others: 0, otherSenders: 0, total: 18 })
  })
})
