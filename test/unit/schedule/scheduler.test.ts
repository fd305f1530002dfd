import { describe, expect, it } from 'vitest'
import { decide, delayUntilCheck, isScheduleHours, nextRunAt } from '../../../src-renderer/src/lib/schedule/scheduler'

const h = 3_600_000
const t0 = Date.UTC(2026, 10, 25, 9, 0)
const ready = { syncing: false, connected: true, groups: 2 }

describe('scheduled sync', () => {
  it('is off by default and never runs when off', () => {
    expect(nextRunAt({ everyHours: 0, lastRunAt: null, lastSyncAt: null })).toBeNull()
    expect(decide({ everyHours: 0, lastRunAt: null, lastSyncAt: null }, t0, ready)).toEqual({ run: false, reason: 'off', nextAt: null })
  })

  it('runs at once when turned on for an archive that was never synced', () => {
    expect(decide({ everyHours: 6, lastRunAt: null, lastSyncAt: null }, t0, ready)).toEqual({ run: true })
  })

  it('runs when the interval has passed since the last completed sync, not before', () => {
    const s = { everyHours: 3, lastRunAt: null, lastSyncAt: t0 }
    expect(nextRunAt(s)).toBe(t0 + 3 * h)
    expect(decide(s, t0 + 3 * h - 1, ready)).toEqual({ run: false, reason: 'not-yet', nextAt: t0 + 3 * h })
    expect(decide(s, t0 + 3 * h, ready)).toEqual({ run: true })
  })

  it('counts from the last scheduled start when that is later (a failed run is retried one interval later)', () => {
    const s = { everyHours: 1, lastRunAt: t0 + 5 * h, lastSyncAt: t0 }
    expect(nextRunAt(s)).toBe(t0 + 6 * h)
    expect(decide(s, t0 + 5.5 * h, ready).run).toBe(false)
    expect(decide(s, t0 + 6 * h, ready).run).toBe(true)
  })

  it('a manual sync pushes the next scheduled one back', () => {
    const s = { everyHours: 12, lastRunAt: t0, lastSyncAt: t0 + 10 * h }
    expect(nextRunAt(s)).toBe(t0 + 22 * h)
  })

  it('never starts while a sync runs, without a connection, or with nothing to sync', () => {
    const s = { everyHours: 1, lastRunAt: null, lastSyncAt: t0 }
    const now = t0 + 2 * h
    expect(decide(s, now, { ...ready, syncing: true })).toEqual({ run: false, reason: 'busy', nextAt: t0 + h })
    expect(decide(s, now, { ...ready, connected: false })).toMatchObject({ run: false, reason: 'not-connected' })
    expect(decide(s, now, { ...ready, groups: 0 })).toMatchObject({ run: false, reason: 'nothing' })
    expect(decide(s, now, ready)).toEqual({ run: true })
  })

  it('survives a reload: the same persisted state gives the same answer', () => {
    const persisted = JSON.parse(JSON.stringify({ everyHours: 24, lastRunAt: t0 })) as { everyHours: number; lastRunAt: number }
    expect(nextRunAt({ ...persisted, lastSyncAt: null })).toBe(t0 + 24 * h)
  })

  it('checks again at the next run time, at most a minute away, at least a second', () => {
    expect(delayUntilCheck(null, t0)).toBe(60_000)
    expect(delayUntilCheck(t0 + 10_000, t0)).toBe(10_000)
    expect(delayUntilCheck(t0 + 5 * h, t0)).toBe(60_000)
    expect(delayUntilCheck(t0 - 5, t0)).toBe(1_000)
  })

  it('accepts only the offered intervals', () => {
    expect([0, 1, 3, 6, 12, 24].every(isScheduleHours)).toBe(true)
    expect([2, -1, '1', null, 1.5].some(isScheduleHours)).toBe(false)
  })
})
