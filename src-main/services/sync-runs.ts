/**
 * Sync runs: one at a time, each syncing its groups through the engine (archive/engine.ts) while the
 * renderer commits the batches and acknowledges them (sync.ack). Batches, progress and the run's end
 * go out as host events. Once a batch is acknowledged as committed, its messages go to
 * `onCommitted` (the media service queues their objects: media is fetched only for messages that
 * are in the archive).
 */
import { randomUUID } from 'node:crypto'
import { unitKey } from '../shared/archive-record'
import { syncGroup, type ArchiveSink, type SyncBatch, type SyncProgress } from '../archive/engine'
import { Semaphore } from '../archive/semaphore'
import type { Result, SyncBatchEvent, SyncDoneEvent, SyncGroupDone, SyncProgressEvent, SyncStartInput } from '../shared/ipc/contract'
import type { TimClient } from '../tim/client'
import { TimApiError } from '../tim/errors'
import { CancelledError, StoreError, errorOf, fail, ok } from './app-errors'
import type { Emit } from './host-events'
import type { Workspaces } from './workspaces'

export interface SyncRunsOptions {
  /** Requests in flight across all groups of a sync run. Default 16. */
  concurrency?: number
  /**
   * Batches sent to the renderer and not yet acknowledged, across the run. Default 256: the page
   * commits what is queued in one transaction (up to 2,000 messages, BatchCommitter) and acks after
   * it, so the window must hold more than one transaction's worth or the walk idles while it commits.
   */
  maxUnackedBatches?: number
  /** Batches of one group handed over and not yet acknowledged (the engine's commit pipeline). Default 128. */
  maxPendingCommits?: number
  /** Minimum interval between progress events of one group, ms. Default 100 (≤ 10/s). */
  progressIntervalMs?: number
}

/**
 * Messages of one group the renderer acknowledged as committed. `groupId` is the unit: a
 * Community topic's ID for a topic's batch (shared/archive-record.ts unitKey), as the page's media
 * lookups name it.
 */
export type OnCommitted = (groupId: string, messages: SyncBatch['messages']) => void

export class SyncRuns {
  private run: Run | undefined

  constructor(
    private readonly workspaces: Workspaces,
    private readonly emit: Emit,
    private readonly opts: SyncRunsOptions = {},
    private readonly onCommitted?: OnCommitted
  ) {}

  /** True while a sync run is active. */
  get active(): boolean {
    return this.run !== undefined
  }

  /** Cancels whatever runs. */
  cancelAll(): void {
    this.run?.cancel()
  }

  async start(input: SyncStartInput): Promise<Result<{ runId: string }>> {
    const busy = () => fail<{ runId: string }>('BUSY', 'A sync is already running: wait for it to finish or cancel it first.', { params: { reason: 'sync' } })
    if (this.run) return busy()
    const c = await this.workspaces.connected()
    if (!c.ok) return c
    if (c.id !== input.workspaceId) {
      return fail(
        'NOT_CONNECTED',
        `This archive belongs to workspace ${input.workspaceId}, but ${c.id} is connected. Connect to ${input.workspaceId} to sync it.`,
        {
          params: { reason: 'otherWorkspace', wanted: input.workspaceId, connected: c.id }
        }
      )
    }
    // Checked again: another start may have won the race while this one awaited.
    if (this.run) return busy()
    const run = new Run(randomUUID(), this.opts, this.emit, this.onCommitted)
    this.run = run
    this.execute(run, input, c.client, c.secret).catch((e: unknown) => {
      // A bug, not an API failure (those end up per group): still free the slot and say so.
      console.error('tim-archive: sync run failed', e)
      run.cancel()
      run.finish()
      if (this.run === run) this.run = undefined
      const error = errorOf(e, c.secret)
      this.emit('sync:done', {
        runId: run.id,
        status: 'failed',
        groups: input.groups.map((g) => ({ groupId: g.groupId, ...(g.topicId ? { topicId: g.topicId } : {}), complete: false, error }))
      })
    })
    return ok({ runId: run.id })
  }

  /** Stops the run; what was committed stays. */
  async cancel(runId: string): Promise<void> {
    if (this.run?.id === runId) this.run.cancel()
  }

  /** The renderer committed (or failed to commit) these batches of the run (see the channel table). */
  async ack(runId: string, batchIds: readonly number[], error?: string | null): Promise<void> {
    const run = this.run
    if (run?.id !== runId) return
    for (const batchId of batchIds) run.ack(batchId, error ?? undefined)
  }

  private async execute(run: Run, input: SyncStartInput, client: TimClient, secret: string): Promise<void> {
    const slots = new Semaphore(this.opts.concurrency ?? 16)
    const sink: ArchiveSink = { commit: (batch) => run.commit(batch) }
    const groups = await Promise.all(
      input.groups.map(async ({ groupId, topicId, coverage, rechecked }): Promise<SyncGroupDone> => {
        const unit = topicId ? { groupId, topicId } : { groupId }
        try {
          const res = await syncGroup({
            source: client,
            groupId,
            sink,
            coverage,
            recheck: input.recheck ?? false,
            ...(rechecked ? { rechecked } : {}),
            ...(topicId ? { topicId } : {}),
            slots,
            maxPendingCommits: this.opts.maxPendingCommits ?? 128,
            signal: run.signal,
            onProgress: (p) => run.progress(p, topicId)
          })
          return { ...unit, complete: res.complete }
        } catch (e) {
          run.dropProgress(unitKey(groupId, topicId))
          const error = errorOf(e, secret)
          // After a cancel, aborted groups simply stopped; only real failures are reported.
          if (run.cancelled && (error.code === 'CANCELLED' || !(e instanceof TimApiError || e instanceof StoreError))) {
            return { ...unit, complete: false }
          }
          return { ...unit, complete: false, error }
        }
      })
    )
    run.finish()
    const status: SyncDoneEvent['status'] = run.cancelled ? 'cancelled' : groups.every((g) => g.error) ? 'failed' : 'done'
    if (this.run === run) this.run = undefined
    this.emit('sync:done', { runId: run.id, status, groups })
  }
}

interface Pending {
  resolve: () => void
  reject: (e: Error) => void
}

/** One sync run: its abort signal, the batches awaiting acks, and per-group progress throttling. */
class Run {
  readonly signal: AbortSignal
  cancelled = false
  private readonly abort = new AbortController()
  private nextBatchId = 1
  private readonly pending = new Map<number, Pending>()
  /** Bounds the batches sent and not yet acknowledged, so a slow renderer slows the engine down. */
  private unacked = 0
  private readonly windowWaiters: Pending[] = []
  private readonly maxUnacked: number
  private readonly interval: number
  private readonly throttle = new Map<string, { last: number; timer?: NodeJS.Timeout; queued?: SyncProgressEvent; done?: boolean }>()

  constructor(
    readonly id: string,
    opts: SyncRunsOptions,
    private readonly emit: Emit,
    private readonly onCommitted?: OnCommitted
  ) {
    this.signal = this.abort.signal
    this.maxUnacked = Math.max(1, opts.maxUnackedBatches ?? 256)
    this.interval = opts.progressIntervalMs ?? 100
  }

  async commit(batch: SyncBatch): Promise<void> {
    this.signal.throwIfAborted()
    if (this.unacked >= this.maxUnacked) {
      // The slot is handed over by the batch that frees it (see finally).
      await new Promise<void>((resolve, reject) => this.windowWaiters.push({ resolve, reject }))
    } else {
      this.unacked++
    }
    try {
      const batchId = this.nextBatchId++
      const event: SyncBatchEvent = {
        runId: this.id,
        batchId,
        groupId: batch.groupId,
        ...(batch.topicId ? { topicId: batch.topicId } : {}),
        messages: batch.messages,
        range: batch.range ? [batch.range[0], batch.range[1]] : null
      }
      if (batch.floor !== undefined) event.floor = batch.floor
      if (batch.top !== undefined) event.top = batch.top
      // Registered before the event goes out: a transport may ack synchronously.
      const acked = new Promise<void>((resolve, reject) => this.pending.set(batchId, { resolve, reject }))
      this.emit('sync:batch', event)
      await acked
      this.handOver(batch)
    } finally {
      const next = this.windowWaiters.shift()
      if (next) next.resolve()
      else this.unacked--
    }
  }

  /** A committed batch's messages to onCommitted; its failure never fails the sync. */
  private handOver(batch: SyncBatch): void {
    if (!this.onCommitted || batch.messages.length === 0) return
    try {
      this.onCommitted(unitKey(batch.groupId, batch.topicId), batch.messages)
    } catch (e) {
      console.error('tim-archive: onCommitted threw', e)
    }
  }

  ack(batchId: number, error?: string): void {
    const p = this.pending.get(batchId)
    if (!p) return
    this.pending.delete(batchId)
    if (error === undefined) p.resolve()
    else p.reject(new StoreError(`Could not save to the local archive: ${error || 'unknown error'}`, error || undefined))
  }

  cancel(): void {
    if (this.cancelled) return
    this.cancelled = true
    const reason = new CancelledError()
    this.abort.abort(reason)
    for (const p of this.pending.values()) p.reject(reason)
    this.pending.clear()
    for (const w of this.windowWaiters.splice(0)) w.reject(reason)
  }

  /** Throttled per unit: a Community's topics each have their own progress. */
  progress(p: SyncProgress, topicId?: string): void {
    const unit = unitKey(p.groupId, topicId)
    let st = this.throttle.get(unit)
    if (!st) {
      st = { last: -Infinity }
      this.throttle.set(unit, st)
    }
    if (st.done) return
    const event: SyncProgressEvent = {
      runId: this.id,
      groupId: p.groupId,
      ...(topicId ? { topicId } : {}),
      phase: p.phase,
      messages: p.messages,
      requestsPerSecond: p.requestsPerSecond,
      seqsDone: p.seqsDone,
      seqsTotal: p.seqsTotal,
      etaSeconds: p.etaSeconds
    }
    const now = performance.now()
    if (p.phase === 'done' || now - st.last >= this.interval) {
      if (st.timer) clearTimeout(st.timer)
      st.timer = undefined
      st.queued = undefined
      st.last = now
      if (p.phase === 'done') st.done = true
      this.emit('sync:progress', event)
      return
    }
    // Within the interval: keep the latest and send it when the interval is up.
    st.queued = event
    if (!st.timer) {
      const s = st
      s.timer = setTimeout(
        () => {
          s.timer = undefined
          if (!s.queued || s.done) return
          const q = s.queued
          s.queued = undefined
          s.last = performance.now()
          this.emit('sync:progress', q)
        },
        this.interval - (now - st.last)
      )
      s.timer.unref?.()
    }
  }

  dropProgress(groupId: string): void {
    const st = this.throttle.get(groupId)
    if (!st) return
    if (st.timer) clearTimeout(st.timer)
    st.timer = undefined
    st.queued = undefined
    st.done = true
  }

  finish(): void {
    for (const id of this.throttle.keys()) this.dropProgress(id)
  }
}
