import { describe, expect, it } from 'vitest'
import { dayKey, formatDay, formatIsoDateTime, formatTime, startsNewDay } from '../../../src-renderer/src/lib/format/date-time'
import { formatBytes, formatCount, formatDegrees, formatDuration } from '../../../src-renderer/src/lib/format/numbers'

// Day separators follow the local calendar, whatever the machine's zone: times are built from local
// dates, so the test means the same in every zone.
const local = (y: number, mo: number, d: number, h: number, mi: number, s: number): number => new Date(y, mo - 1, d, h, mi, s).getTime() / 1000
const lateMay6 = local(2024, 5, 6, 23, 59, 30)
const earlyMay7 = local(2024, 5, 7, 0, 0, 10)

describe('day separators', () => {
  it('key a message by its local calendar day', () => {
    expect(dayKey(lateMay6)).toBe('2024-05-06')
    expect(dayKey(earlyMay7)).toBe('2024-05-07')
  })

  it('go above the first message of each local day', () => {
    const times = [lateMay6 - 3600, lateMay6, earlyMay7, earlyMay7 + 60]
    const marks = times.map((time, i) => startsNewDay(i > 0 ? times[i - 1] : undefined, time, false))
    expect(marks).toEqual([true, false, true, false])
  })

  it('wait for older messages before marking the first loaded one', () => {
    expect(startsNewDay(undefined, lateMay6, true)).toBe(false)
    expect(startsNewDay(undefined, lateMay6, false)).toBe(true)
  })

  it('are labelled in the UI language', () => {
    expect(formatDay(earlyMay7, 'en')).toBe('Tuesday, May 7, 2024')
    expect(formatDay(earlyMay7, 'zh-CN')).toBe('2024年5月7日星期二')
  })
})

describe('times, sizes and durations', () => {
  it('show a message time in the local zone', () => {
    expect(formatTime(lateMay6, 'en').replace(/\s/g, ' ')).toBe('11:59 PM')
    expect(formatTime(lateMay6, 'zh-CN')).toBe('23:59')
  })

  it('show an ISO instant, or the text itself when it is not one', () => {
    expect(formatIsoDateTime(new Date(earlyMay7 * 1000).toISOString(), 'en').replace(/\s/g, ' ')).toBe('May 7, 2024, 12:00:10 AM')
    expect(formatIsoDateTime('not a date', 'en')).toBe('not a date')
  })

  it('show byte counts in SI units', () => {
    expect(formatBytes(532, 'en')).toBe('532 byte')
    expect(formatBytes(2_400_000, 'en')).toBe('2.4 MB')
    expect(formatBytes(90_000_000, 'en')).toBe('90 MB')
    expect(formatBytes(-1, 'en')).toBe('-1')
  })

  it('show durations as a clock', () => {
    expect(formatDuration(7, 'en')).toBe('0:07')
    expect(formatDuration(754, 'en')).toBe('12:34')
    expect(formatDuration(3723, 'en')).toBe('1:02:03')
  })

  it('show counts and coordinates', () => {
    expect(formatCount(12345, 'en')).toBe('12,345')
    expect(formatDegrees(22.5405031, 'en')).toBe('22.540503')
    expect(formatDegrees(-68.302951, 'zh-CN')).toBe('-68.302951')
  })
})
