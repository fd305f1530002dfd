/**
 * Sync runs as the UI sees them, and the renderer's half of the sync loop:
 *   onBatch    → BatchAcker: queued batches are committed together in one transaction, then
 *                ONE sync.ack(runId, [batchIds…]) names them all (one per error for failed ones)
 *   onProgress → per-group progress, rate, ETA
 *   onDone     → lastSyncAt / lastError per group, run status
 * The engine waits for every ack, so a batch the store could not write is never counted as done.
 *
 * Pause is a cancel the UI offers to resume; resuming starts a new run from the store's coverage,
 * which is exactly what is still missing.
 */
import type { AppError, SyncBatchEvent, SyncDoneEvent, SyncProgressEvent, SyncTarget } from '@shared/ipc/contract'
import { unitKey } from '@shared/archive-record'
import { groupIdOf, groupKey, unitOfKey } from '@renderer/lib/db/group-key'
import { getCoverage, recordSyncOutcome, stillSyncing, withTopics } from '@renderer/lib/db/groups-repo'
import type { MessageKey } from '@renderer/lib/i18n/core'
import { api } from '@renderer/lib/ipc/api'
import { BatchAcker, type BatchFailure } from '@renderer/lib/sync/batch-acks'
import { carryOver, noneCarried, noteWalked, shownProgress, type Carried } from './sync-progress'
import { errorMessage, workspace } from './workspace.svelte'

export type RunStatus = 'idle' | 'starting' | 'running' | 'pausing' | 'paused' | 'cancelling' | 'cancelled' | 'done' | 'failed'

export interface GroupProgress {
  gk: string
  groupId: string
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled'
  phase: SyncProgressEvent['phase'] | null
  messages: number
  seqsDone: number
  seqsTotal: number
  etaSeconds: number | null
  error?: AppError
}

export interface SyncError {
  groupId?: string
  code?: number | string
  message: string
  /** The host's params and untranslated detail (AppError), for describeError. */
  params?: AppError['params']
  detail?: string
  /** A UI string to show instead of `message` (translated). */
  key?: MessageKey
}

class SyncState {
  runId = $state<string | null>(null)
  status = $state<RunStatus>('idle')
  /** Group keys of the current (or last) run, for Resume. */
  targets = $state.raw<string[]>([])
  recheck = $state(false)
  progress = $state<Record<string, GroupProgress>>({})
  errors = $state.raw<SyncError[]>([])
  requestsPerSecond = $state(0)
  /** Counts finished runs: views re-read what they show (a recheck rewrites old messages). */
  finishedRuns = $state(0)

  private workspaceId: string | null = null
  private intent: 'pause' | 'cancel' | null = null
  /** Done events that arrived before sync.start answered with their runId. */
  private early = new Map<string, SyncDoneEvent>()
  private subscribed = false
  /** Per group key: what earlier runs of this sync did, carried over by Resume. */
  private carried = new Map<string, Carried>()
  private acker = new BatchAcker((runId, batchIds, error) => api.sync.ack(runId, batchIds, error), {
    onFailed: (failures) => this.onStoreFailed(failures),
    onCommitted: (events) => this.onCommitted(events)
  })

  active = $derived(this.status === 'starting' || this.status === 'running' || this.status === 'pausing' || this.status === 'cancelling')

  totals = $derived.by(() => {
    let seqsDone = 0
    let seqsTotal = 0
    let messages = 0
    let eta: number | null = null
    let running = 0
    for (const p of Object.values(this.progress)) {
      seqsDone += p.seqsDone
      seqsTotal += p.seqsTotal
      messages += p.messages
      if (p.state === 'running' || p.state === 'queued') {
        running++
        if (p.etaSeconds !== null) eta = Math.max(eta ?? 0, p.etaSeconds)
      }
    }
    return { seqsDone, seqsTotal, messages, etaSeconds: running ? eta : null, groups: Object.keys(this.progress).length }
  })

  /** Subscribes to the host's sync events (once). Returns the unsubscribe. */
  init(): () => void {
    if (this.subscribed) return () => {}
    this.subscribed = true
    const offs = [api.sync.onBatch((e) => this.onBatch(e)), api.sync.onProgress((e) => this.onProgress(e)), api.sync.onDone((e) => void this.onDone(e))]
    return () => {
      for (const off of offs) off()
      this.subscribed = false
    }
  }

  /** Starts a run for the given group keys of the connected workspace. */
  async start(gks: string[], opts: { recheck?: boolean; resume?: boolean } = {}): Promise<void> {
    if (this.active) {
      this.errors = [{ message: 'A sync is already running.', key: 'sync.busy' }]
      return
    }
    const ws = workspace.info
    if (!ws) {
      this.errors = [{ message: 'Connect first.', key: 'sync.notConnected' }]
      return
    }
    let mine = gks.filter((gk) => gk.startsWith(`${ws.id}|`))
    if (!mine.length) {
      this.errors = [{ message: 'No group here can be synced.', key: 'sync.nothing' }]
      return
    }
    // A Community's topics are synced with it, each its own unit; get_topic finds new ones.
    let topicErrors: SyncError[] = []
    if (!opts.resume) {
      this.status = 'starting'
      try {
        const expanded = await withTopics(ws.id, mine, (groupId) => api.groups.topics(groupId))
        mine = expanded.gks
        topicErrors = expanded.errors.map(({ groupId, error }) => ({ groupId, ...error }))
      } catch (e) {
        topicErrors = [{ message: errorMessage(e) }]
      }
    }
    // Resume carries what the paused runs committed; anything else starts counting afresh.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping like this.carried, never rendered
    const carried = new Map<string, Carried>()
    if (opts.resume && ws.id === this.workspaceId) {
      for (const gk of mine) {
        carried.set(gk, carryOver(this.carried.get(gk) ?? noneCarried(), this.progress[gk]))
      }
    }
    this.carried = carried
    const previous = this.progress
    this.workspaceId = ws.id
    this.targets = mine
    this.recheck = !!opts.recheck
    this.intent = null
    this.runId = null
    this.errors = topicErrors
    this.requestsPerSecond = 0
    this.status = 'starting'
    const progress: Record<string, GroupProgress> = {}
    for (const gk of mine) {
      const done = carried.get(gk)?.done ?? 0
      const total = done ? Math.max(done, previous[gk]?.seqsTotal ?? 0) : 0
      const messages = carried.get(gk)?.messages ?? 0
      progress[gk] = { gk, groupId: groupIdOf(gk), state: 'queued', phase: null, messages, seqsDone: done, seqsTotal: total, etaSeconds: null }
    }
    this.progress = progress
    try {
      // The store's coverage is the resume point: the engine pulls only what is missing.
      const groups: SyncTarget[] = await Promise.all(
        mine.map(async (gk) => {
          const target: SyncTarget = { ...unitOfKey(gk), coverage: await getCoverage(gk) }
          const rechecked = carried.get(gk)?.walked.ranges
          if (opts.recheck && rechecked?.length) target.rechecked = rechecked.map(([lo, hi]) => [lo, hi])
          return target
        })
      )
      const res = await api.sync.start({ workspaceId: ws.id, groups, ...(opts.recheck ? { recheck: true } : {}) })
      if (!res.ok) {
        this.status = 'failed'
        this.errors = [{ ...res.error }]
        return
      }
      this.runId = res.value.runId
      const done = this.early.get(res.value.runId)
      this.early.clear()
      if (done) {
        await this.onDone(done)
        return
      }
      if (this.status === 'starting') this.status = 'running'
      // Pause or Cancel pressed before the run had an id.
      if (this.intent) await api.sync.cancel(res.value.runId)
    } catch (e) {
      this.status = 'failed'
      this.errors = [{ message: errorMessage(e) }]
    }
  }

  syncAll(gks: string[]): Promise<void> {
    return this.start(gks)
  }

  async pause(): Promise<void> {
    await this.stop('pause')
  }

  async cancel(): Promise<void> {
    await this.stop('cancel')
  }

  /** Starts again from the store's coverage (what was committed before the pause stays). */
  async resume(): Promise<void> {
    // Groups deleted or stopped since the pause stay out (a deleted one would be written back).
    const targets = await stillSyncing(this.targets).catch(() => this.targets)
    await this.start(targets, { recheck: this.recheck, resume: true })
  }

  dismiss(): void {
    if (this.active) return
    this.status = 'idle'
    this.progress = {}
    this.errors = []
    this.runId = null
  }

  private async stop(intent: 'pause' | 'cancel'): Promise<void> {
    if (!this.active) {
      // Cancelling a paused run just forgets it.
      if (intent === 'cancel' && this.status === 'paused') this.status = 'cancelled'
      return
    }
    this.intent = intent
    this.status = intent === 'pause' ? 'pausing' : 'cancelling'
    if (this.runId) {
      try {
        await api.sync.cancel(this.runId)
      } catch (e) {
        this.errors = [...this.errors, { message: errorMessage(e) }]
      }
    }
  }

  /** The store's key of an event's unit: a Community topic's events carry its topicId. */
  private gkFor(groupId: string, topicId?: string): string | null {
    const ws = this.workspaceId ?? workspace.id
    return ws ? groupKey(ws, unitKey(groupId, topicId)) : null
  }

  private isCurrent(runId: string): boolean {
    return this.runId === runId || (this.runId === null && this.status === 'starting')
  }

  private onBatch(e: SyncBatchEvent): void {
    // Committed with whatever else is queued; acknowledged per write, outside the transaction.
    this.acker.receive(this.gkFor(e.groupId, e.topicId), e)
  }

  /** Batches the store could not write (already acked with the error): tell the admin once. */
  private onStoreFailed(failures: BatchFailure[]): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- local to this call, not state
    const seen = new Set(this.errors.map((x) => `${x.groupId}\u0000${x.message}`))
    const added: SyncError[] = []
    for (const { event, error } of failures) {
      const unit = unitKey(event.groupId, event.topicId)
      const key = `${unit}\u0000${error.message}`
      if (seen.has(key)) continue
      seen.add(key)
      added.push({ groupId: unit, message: error.message, ...(error.reason === 'quota' ? { key: 'storage.full' as const } : {}) })
    }
    if (added.length) this.errors = [...this.errors, ...added]
  }

  /** Committed batches: what a resumed run no longer counts (and a resumed recheck skips). */
  private onCommitted(events: SyncBatchEvent[]): void {
    for (const e of events) {
      if (!this.isCurrent(e.runId)) continue
      const gk = this.gkFor(e.groupId, e.topicId)
      if (!gk) continue
      let c = this.carried.get(gk)
      if (!c) this.carried.set(gk, (c = noneCarried()))
      noteWalked(c, e.range)
    }
  }

  private onProgress(e: SyncProgressEvent): void {
    if (!this.isCurrent(e.runId)) return
    const gk = this.gkFor(e.groupId, e.topicId)
    if (!gk) return
    this.requestsPerSecond = e.requestsPerSecond
    const prev = this.progress[gk]
    const shown = shownProgress(this.carried.get(gk), prev, e)
    this.progress[gk] = {
      gk,
      groupId: unitKey(e.groupId, e.topicId),
      state: e.phase === 'done' ? 'done' : prev?.state === 'failed' ? 'failed' : 'running',
      phase: e.phase,
      messages: shown.messages,
      seqsDone: shown.seqsDone,
      seqsTotal: shown.seqsTotal,
      etaSeconds: e.etaSeconds
    }
    if (this.status === 'starting') this.status = 'running'
  }

  private async onDone(e: SyncDoneEvent): Promise<void> {
    if (this.runId === null && this.status === 'starting') {
      this.early.set(e.runId, e)
      return
    }
    // Outcomes are facts about the store's groups whichever run reported them.
    const groupErrors: SyncError[] = []
    for (const g of e.groups) {
      const gk = this.gkFor(g.groupId, g.topicId)
      if (!gk) continue
      const cancelled = g.error?.code === 'CANCELLED'
      try {
        if (g.error && !cancelled) await recordSyncOutcome(gk, { ok: false, error: g.error })
        else if (!g.error && (e.status !== 'cancelled' || g.complete)) await recordSyncOutcome(gk, { ok: true })
      } catch (err) {
        console.error('could not record the sync outcome', err)
      }
      if (g.error && !cancelled) groupErrors.push({ groupId: unitKey(g.groupId, g.topicId), ...g.error })
      if (this.runId === e.runId && this.progress[gk]) {
        const p = this.progress[gk]
        p.state = g.error ? (cancelled ? 'cancelled' : 'failed') : g.complete || e.status === 'done' ? 'done' : 'cancelled'
        if (g.error) p.error = g.error
        p.etaSeconds = null
      }
    }
    if (this.runId !== e.runId) return
    this.finishedRuns++
    this.requestsPerSecond = 0
    if (groupErrors.length) {
      const seen = new Set(this.errors.map((x) => `${x.groupId}\u0000${x.message}`))
      this.errors = [...this.errors, ...groupErrors.filter((x) => !seen.has(`${x.groupId}\u0000${x.message}`))]
    }
    // A run that finished by itself before the cancel reached it is simply done.
    this.status = e.status === 'done' ? 'done' : this.intent === 'pause' ? 'paused' : this.intent === 'cancel' ? 'cancelled' : e.status
    this.intent = null
  }
}

export const sync = new SyncState()
