/**
 * When the scheduled "Sync all" runs next: pure arithmetic over times passed in (ms since epoch),
 * so the tests need no timers. The state lives in the settings table (lib/state/schedule.svelte.ts
 * reads and writes it); a reload keeps the schedule because `lastRunAt` is persisted.
 *
 * Rules:
 * - off (0 hours): never due;
 * - the interval counts from the later of the last completed sync (any sync, scheduled or not:
 *   a manual Sync all resets the clock) and the last scheduled start (so a scheduled run that
 *   failed is not retried in a tight loop, but again one interval later);
 * - never synced and never scheduled: due at once;
 * - never while a sync is running, and not without a connection or a group to sync.
 */

/** Choices for "sync every N hours"; 0 is off (the default). */
export const scheduleChoices = [0, 1, 3, 6, 12, 24] as const
export const defaultScheduleHours = 0

export interface ScheduleState {
  /** Hours between runs; 0 = off. */
  everyHours: number
  /** When the scheduler last started a run (ms), or null. */
  lastRunAt: number | null
}

export interface ScheduleInput extends ScheduleState {
  /** The newest completed sync among the groups to sync (ms), or null. */
  lastSyncAt: number | null
}

const hourMs = 3_600_000

export function isScheduleHours(n: unknown): n is number {
  return typeof n === 'number' && (scheduleChoices as readonly number[]).includes(n)
}

/** When the next scheduled run is due (ms), or null when the schedule is off. */
export function nextRunAt(s: ScheduleInput): number | null {
  if (!(s.everyHours > 0)) return null
  const base = Math.max(s.lastSyncAt ?? -Infinity, s.lastRunAt ?? -Infinity)
  // Never synced, never scheduled: due at once.
  if (base === -Infinity) return 0
  return base + s.everyHours * hourMs
}

export type ScheduleDecision = { run: true } | { run: false; reason: 'off' | 'busy' | 'not-connected' | 'nothing' | 'not-yet'; nextAt: number | null }

/** Whether the scheduler should start "Sync all" now. */
export function decide(s: ScheduleInput, now: number, ctx: { syncing: boolean; connected: boolean; groups: number }): ScheduleDecision {
  const nextAt = nextRunAt(s)
  if (nextAt === null) return { run: false, reason: 'off', nextAt: null }
  if (!ctx.connected) return { run: false, reason: 'not-connected', nextAt }
  if (ctx.groups === 0) return { run: false, reason: 'nothing', nextAt }
  if (ctx.syncing) return { run: false, reason: 'busy', nextAt }
  if (now < nextAt) return { run: false, reason: 'not-yet', nextAt }
  return { run: true }
}

/** How long to wait before checking again: until the next run, at most `maxMs` (the clock may jump). */
export function delayUntilCheck(nextAt: number | null, now: number, maxMs = 60_000): number {
  if (nextAt === null) return maxMs
  return Math.max(1_000, Math.min(maxMs, nextAt - now))
}
