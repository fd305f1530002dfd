/**
 * Scheduled sync while the app is open: a timer that asks lib/schedule/scheduler.ts whether "Sync
 * all" is due and starts it. The setting, the last scheduled start and the last scheduled result
 * are kept in the settings table, so a reload (or a restart) keeps the schedule instead of
 * syncing at once or forgetting it.
 */
import { getSetting, setSetting, settingKeys } from '@renderer/lib/db/settings'
import { decide, defaultScheduleHours, delayUntilCheck, isScheduleHours, nextRunAt } from '@renderer/lib/schedule/scheduler'
import type { RunStatus } from './sync.svelte'

export interface ScheduleResult {
  /** When the scheduled run ended (ms). */
  at: number
  status: Extract<RunStatus, 'done' | 'failed' | 'cancelled' | 'paused'>
  /** Groups (or store writes) that reported an error. */
  errors: number
}

/** What the scheduler needs to know about the app at a given moment. */
export interface ScheduleContext {
  syncing: boolean
  connected: boolean
  /** Keys of the groups "Sync all" would sync. */
  gks: string[]
  /** The oldest last completed sync among them (ms), null when one was never synced. */
  lastSyncAt: number | null
}

class ScheduleState {
  everyHours = $state(defaultScheduleHours)
  lastRunAt = $state<number | null>(null)
  lastResult = $state<ScheduleResult | null>(null)
  loaded = $state(false)
  /** A run the scheduler started and whose end is not recorded yet. */
  running = $state(false)

  private timer: ReturnType<typeof setTimeout> | null = null
  private checking = false
  private context: (() => ScheduleContext) | null = null
  private run: ((gks: string[]) => Promise<boolean>) | null = null

  async load(): Promise<void> {
    const [hours, lastRunAt, lastResult] = await Promise.all([
      getSetting<unknown>(settingKeys.scheduleHours, defaultScheduleHours),
      getSetting<unknown>(settingKeys.scheduleLastRunAt, null),
      getSetting<unknown>(settingKeys.scheduleLastResult, null)
    ])
    this.everyHours = isScheduleHours(hours) ? hours : defaultScheduleHours
    this.lastRunAt = typeof lastRunAt === 'number' ? lastRunAt : null
    this.lastResult = isResult(lastResult) ? lastResult : null
    this.loaded = true
  }

  async setEveryHours(hours: number): Promise<void> {
    if (!isScheduleHours(hours)) return
    this.everyHours = hours
    await setSetting(settingKeys.scheduleHours, hours)
  }

  /** When the next scheduled run is due (ms), or null when off. */
  nextAt(lastSyncAt: number | null): number | null {
    return nextRunAt({ everyHours: this.everyHours, lastRunAt: this.lastRunAt, lastSyncAt })
  }

  /**
   * Checks now, and again until stopped: at the next due time, at most a minute apart (a laptop
   * that slept wakes to a check within the minute). `context()` is read at each check; `run`
   * starts "Sync all" and says whether a run started. Returns the stop function.
   */
  start(context: () => ScheduleContext, run: (gks: string[]) => Promise<boolean>): () => void {
    this.context = context
    this.run = run
    this.poke()
    return () => {
      this.context = null
      this.run = null
      if (this.timer) clearTimeout(this.timer)
      this.timer = null
    }
  }

  /** Checks again now (a setting changed, a sync ended) instead of waiting for the timer. */
  poke(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    void this.check()
  }

  private async check(): Promise<void> {
    // One check at a time: a poke during a check's awaits must not start a second run.
    if (this.checking) return
    this.checking = true
    try {
      await this.checkOnce()
    } finally {
      this.checking = false
    }
  }

  private async checkOnce(): Promise<void> {
    const context = this.context
    const run = this.run
    if (!context || !run || !this.loaded) return this.later(null)
    const ctx = context()
    const now = Date.now()
    const state = { everyHours: this.everyHours, lastRunAt: this.lastRunAt, lastSyncAt: ctx.lastSyncAt }
    const d = decide(state, now, { syncing: ctx.syncing, connected: ctx.connected, groups: ctx.gks.length })
    if (d.run) {
      // Persist the start first: a reload in the middle must not start another run at once.
      this.lastRunAt = now
      await setSetting(settingKeys.scheduleLastRunAt, now).catch((e: unknown) => console.error('could not save the schedule', e))
      const started = await run(ctx.gks).catch((e: unknown) => {
        console.error('the scheduled sync did not start', e)
        return false
      })
      // The end of a started run is recorded by finish(), called when the sync is no longer active.
      this.running = started
      if (!started) await this.record({ at: Date.now(), status: 'failed', errors: 1 })
    }
    this.later(nextRunAt({ ...state, lastRunAt: this.lastRunAt }))
  }

  private later(nextAt: number | null): void {
    if (!this.context) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => this.poke(), delayUntilCheck(nextAt, Date.now()))
  }

  /** The scheduled run ended: remember how, for "last scheduled sync: …". */
  async finish(status: ScheduleResult['status'], errors: number, now = Date.now()): Promise<void> {
    if (!this.running) return
    this.running = false
    await this.record({ at: now, status, errors })
    this.poke()
  }

  private async record(result: ScheduleResult): Promise<void> {
    this.lastResult = result
    await setSetting(settingKeys.scheduleLastResult, result).catch((e: unknown) => console.error('could not save the schedule', e))
  }
}

function isResult(v: unknown): v is ScheduleResult {
  if (typeof v !== 'object' || v === null) return false
  const r = v as Record<string, unknown>
  return typeof r.at === 'number' && typeof r.errors === 'number' && ['done', 'failed', 'cancelled', 'paused'].includes(String(r.status))
}

export const schedule = new ScheduleState()
