import { describe, expect, it } from 'vitest'
import { retentionWarning, unpulledGaps, type RetentionInput } from '../../../src-renderer/src/lib/schedule/retention'

const day = 86_400_000
const now = Date.UTC(2026, 10, 25, 12, 0)
const complete = { ranges: [[1, 600]] as [number, number][], floor: 1, top: 600 }

function group(over: Partial<RetentionInput> = {}): RetentionInput {
  return { retentionDays: 7, lastSyncAt: now - day, addedAt: now - 60 * day, coverage: complete, firstTime: (now - 50 * day) / 1000, ...over }
}

describe('retention warning', () => {
  it('says nothing for a group synced yesterday on a 7-day plan', () => {
    expect(retentionWarning(group(), now)).toBeNull()
  })

  it('warns two days before messages sent since the last sync start expiring', () => {
    expect(retentionWarning(group({ lastSyncAt: now - 4.9 * day }), now)).toBeNull()
    expect(retentionWarning(group({ lastSyncAt: now - 6 * day }), now)).toMatchObject({ kind: 'soon', daysLeft: 1, retentionDays: 7 })
    // Rounded up: 23 hours left is "within 1 day", 36 hours "within 2 days".
    expect(retentionWarning(group({ lastSyncAt: now - 6 * day - 3_600_000 }), now)).toMatchObject({ kind: 'soon', daysLeft: 1 })
    expect(retentionWarning(group({ lastSyncAt: now - 5.5 * day }), now)).toMatchObject({ kind: 'soon', daysLeft: 2 })
  })

  it('says messages may already be lost once the last sync is older than the retention', () => {
    expect(retentionWarning(group({ lastSyncAt: now - 8 * day }), now)).toMatchObject({ kind: 'expired', daysLeft: 0 })
  })

  it('follows the plan: 6 days without a sync is fine on a 30-day plan, 29 is not', () => {
    expect(retentionWarning(group({ retentionDays: 30, lastSyncAt: now - 6 * day }), now)).toBeNull()
    expect(retentionWarning(group({ retentionDays: 30, lastSyncAt: now - 29 * day }), now)).toMatchObject({ kind: 'soon', daysLeft: 1 })
    expect(retentionWarning(group({ retentionDays: 90, lastSyncAt: now - 91 * day }), now)).toMatchObject({ kind: 'expired' })
  })

  it('warns for a group never synced once it has been listed for more than a day', () => {
    const fresh = group({ lastSyncAt: null, addedAt: now - 3_600_000, coverage: { ranges: [], floor: null, top: 0 }, firstTime: 0 })
    expect(retentionWarning(fresh, now)).toBeNull()
    expect(retentionWarning({ ...fresh, addedAt: now - 2 * day }, now)).toMatchObject({ kind: 'never', lastSyncAt: null })
  })

  it('warns about gaps left by an interrupted sync when their messages are near the window', () => {
    const holey = {
      ranges: [
        [1, 100],
        [300, 600]
      ] as [number, number][],
      floor: 1,
      top: 600
    }
    expect(unpulledGaps(holey)).toBe(1)
    expect(retentionWarning(group({ coverage: holey, firstTime: (now - 6 * day) / 1000 }), now)).toMatchObject({ kind: 'gaps', gaps: 1, daysLeft: 1 })
    // Gaps among messages from two days ago are far from the 7-day window.
    expect(retentionWarning(group({ coverage: holey, firstTime: (now - 2 * day) / 1000 }), now)).toBeNull()
  })

  it('counts an unfound start of history as a gap, and warns for a first sync that was cancelled', () => {
    const started = { ranges: [[500, 600]] as [number, number][], floor: null, top: 600 }
    expect(unpulledGaps(started)).toBe(1)
    expect(retentionWarning(group({ lastSyncAt: null, coverage: started, addedAt: now }), now)).toMatchObject({ kind: 'gaps', gaps: 1 })
  })

  it('never warns for an imported archive', () => {
    expect(retentionWarning(group({ imported: true, lastSyncAt: null }), now)).toBeNull()
  })
})
