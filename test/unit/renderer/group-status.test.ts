import { describe, expect, it } from 'vitest'
import { emptyCoverage } from '../../../src-main/shared/coverage'
import { dateRangeText, groupStatus, groupStatusText, incompleteText } from '../../../src-renderer/src/features/groups/group-status'

// 3 Dec 2026, 14:05 UTC
const checkedAt = Date.UTC(2026, 11, 3, 14, 5, 0)
const syncedEmpty = { messages: 0, coverage: { ranges: [], floor: 1, top: 0 }, lastSyncAt: checkedAt, imported: false }
const neverSynced = { messages: 0, coverage: emptyCoverage(), lastSyncAt: null, imported: false }

describe('what a group without messages says (issue 15 item 6)', () => {
  it('a synced group with no messages on the server says so, with when it was checked', () => {
    expect(groupStatus(syncedEmpty)).toEqual({ kind: 'empty', checkedAt })
    const en = groupStatusText(groupStatus(syncedEmpty), 'en')!
    expect(en).toMatch(/^No messages on the server \(checked .*2026.*\)$/)
    expect(en).not.toMatch(/complete|yet/)
    expect(groupStatusText(groupStatus(syncedEmpty), 'zh-CN')).toMatch(/^服务器上没有消息（检查于 .*2026.*）$/)
  })

  it('a group never synced says "Not synced yet", in both languages', () => {
    expect(groupStatus(neverSynced)).toEqual({ kind: 'never' })
    expect(groupStatusText(groupStatus(neverSynced), 'en')).toBe('Not synced yet')
    expect(groupStatusText(groupStatus(neverSynced), 'zh-CN')).toBe('尚未同步')
  })

  it('an empty group whose sync was found empty but not recorded as finished still says it is empty', () => {
    expect(groupStatusText(groupStatus({ ...syncedEmpty, lastSyncAt: null }), 'en')).toBe('No messages on the server')
  })

  it('a group with messages or covered seqs gets the usual figures instead', () => {
    expect(groupStatus({ ...syncedEmpty, messages: 3, coverage: { ranges: [[1, 3]], floor: 1, top: 3 } })).toEqual({ kind: 'messages' })
    expect(groupStatus({ ...neverSynced, coverage: { ranges: [[5, 9]], floor: null, top: 9 } })).toEqual({ kind: 'messages' })
    expect(groupStatusText({ kind: 'messages' }, 'en')).toBeNull()
  })
})

describe('the sidebar’s date range and completeness (issue 18 §7)', () => {
  // 12 Mar 2024 09:00 UTC and 5 Dec 2026 23:30 UTC.
  const first = Date.UTC(2024, 2, 12, 9, 0, 0) / 1000
  const last = Date.UTC(2026, 11, 5, 23, 30, 0) / 1000

  // ICU puts thin spaces around the en dash: compared with plain spaces.
  const plain = (s: string | null) => s?.replace(/[\u2009\u202f]/gu, ' ')

  it('spans the first and last message’s days, in the locale', () => {
    expect(plain(dateRangeText(first, last, 'en', 'UTC'))).toBe('Mar 12, 2024 – Dec 5, 2026')
    expect(plain(dateRangeText(Date.UTC(2026, 11, 1) / 1000, last, 'en', 'UTC'))).toBe('Dec 1 – 5, 2026')
    // As CLDR writes a Chinese range (2024/3/12 – 2026/12/5 in current ICU data).
    expect(dateRangeText(first, last, 'zh-CN', 'UTC')).toMatch(/^2024\D+3\D+12\D+2026\D+12\D+5\D*$/)
  })

  it('reads the days in the given time zone: 23:30 UTC is the next day in Shanghai', () => {
    expect(plain(dateRangeText(first, last, 'en', 'Asia/Shanghai'))).toBe('Mar 12, 2024 – Dec 6, 2026')
  })

  it('names one day once, and nothing without times', () => {
    expect(dateRangeText(last, last + 60, 'en', 'UTC')).toBe('Dec 5, 2026')
    expect(dateRangeText(0, 0, 'en', 'UTC')).toBeNull()
  })

  it('says what is missing without seq numbers, and nothing when complete', () => {
    expect(incompleteText({ ranges: [[1, 600]], floor: 1, top: 600 }, false, 'en')).toBeNull()
    expect(
      incompleteText(
        {
          ranges: [
            [1, 100],
            [200, 300],
            [400, 600]
          ],
          floor: 1,
          top: 600
        },
        false,
        'en'
      )
    ).toBe('2 gaps')
    expect(
      incompleteText(
        {
          ranges: [
            [1, 100],
            [200, 600]
          ],
          floor: 1,
          top: 600
        },
        false,
        'zh-CN'
      )
    ).toBe('1 处缺口')
    expect(incompleteText({ ranges: [[50, 600]], floor: null, top: 600 }, false, 'en')).toBe('start of history not found yet')
    expect(incompleteText({ ranges: [[50, 600]], floor: null, top: 600 }, true, 'en')).toBeNull()
  })
})
