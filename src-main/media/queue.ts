/**
 * The media download queue (issue 17 §1 "When"): bounded concurrency, retries with backoff,
 * one job per object and group, progress events, drain().
 *
 * It holds nothing that cannot be derived again: jobs come from the archive's messages minus the
 * outcomes already settled (ledger.ts `pendingJobs`), and a job's outcome is handed to `record`
 * (which makes it durable) before the job counts as done. Kill the process at any moment and the
 * next run derives the same queue, less what was recorded.
 *
 * Jobs are keyed by (groupId, key), not by key alone: the key comes from a message body, which
 * anyone in a group can craft, so a message in group B reusing the UUID of a file in group A must
 * not make A's object count as saved (or B's as fetched from A's URL). The same bytes fetched for
 * both are still stored once (the store is content-addressed).
 *
 * Not under the REST API's limiter: COS downloads have their own bound, `concurrency`.
 */
import { EventEmitter } from 'node:events'
import type { MediaRef } from '../shared/media/objects'
import { backoffMs, DEFAULT_RETRY, shouldRetry, type MediaOutcome, type RetryPolicy } from './outcome'
import type { FetchAttempt, FetchOnceOptions } from './fetcher'

/**
 * Downloads in flight by default, measured (notes/fetcher.md; the gated `measure` test in
 * test/unit/media/queue.test.ts): 200 files of 20–200 KB from a loopback server answering after
 * 50 ms, on this 2-core machine. Files/s by concurrency: 1 → 18, 4 → 69, 8 → 131, 16 → 246,
 * 24 → 306, 32 → 365. Up to 16 each slot stays above 80 % of its ideal rate (one file per ~54 ms);
 * past it the gain per slot falls off (CPU for hashing and fsync), and more connections to one
 * COS host buy little. 16 is 13.6× one-at-a-time.
 */
export const DEFAULT_CONCURRENCY = 16

/**
 * Downloads at once while messages are still being synced: the history expires first, so the
 * sync keeps its speed (docs/dev/benchmarks.md, bench:media 2026-12-07: 16 at once held the sync
 * to 0.27–0.38 of its rate, 2 at once 1.02).
 */
export const SYNC_CONCURRENCY = 2

export interface MediaJob {
  groupId: string
  /** The object's identity key (shared/media/objects.ts identityKey). */
  key: string
  ref: MediaRef
  /** Its outcome before this run, if any. */
  prev?: MediaOutcome
}

/** One attempt at a job: usually `(job, opts) => fetcher.fetch(job.ref, opts)` (fetcher.ts). */
export type FetchFn = (job: MediaJob, opts: FetchOnceOptions) => Promise<FetchAttempt>

export interface QueueOptions {
  fetch: FetchFn
  /** Makes an outcome durable. The job is done once this resolves; a rejection stops the queue. */
  record: (job: MediaJob, outcome: MediaOutcome) => Promise<void> | void
  concurrency?: number
  /**
   * The cap right now, asked before each download starts (e.g. SYNC_CONCURRENCY while a sync
   * runs); never above `concurrency`.
   */
  cap?: () => number
  retry?: RetryPolicy
  /** For tests: the random source of the backoff jitter. */
  random?: () => number
  signal?: AbortSignal
}

export interface QueueStats {
  /** Jobs accepted this run. */
  queued: number
  /** Jobs whose outcome is recorded. */
  done: number
  /** Downloads in flight. */
  active: number
  /** Bytes received (all attempts). */
  bytes: number
  /** Outcomes recorded, by status. */
  byStatus: Record<MediaOutcome['status'], number>
  /** Bytes of saved objects. */
  savedBytes: number
}

export interface QueueEvents {
  queued: [job: MediaJob]
  done: [job: MediaJob, outcome: MediaOutcome]
  bytes: [n: number]
}

/** The identity of a job: its group and key. */
export function jobId(groupId: string, key: string): string {
  return JSON.stringify([groupId, key])
}

interface Entry {
  job: MediaJob
  attempts: number
}

export class MediaQueue extends EventEmitter<QueueEvents> {
  private limit: number
  private readonly retry: RetryPolicy
  private readonly pending: Entry[] = []
  /** Accepted this run and not yet recorded: queued, running or waiting out a backoff. */
  private readonly open = new Set<string>()
  /** Recorded this run: not fetched again in the same run. */
  private readonly finished = new Set<string>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly abort = new AbortController()
  private readonly idle: (() => void)[] = []
  private failure: { error: unknown } | null = null
  readonly stats: QueueStats = {
    queued: 0,
    done: 0,
    active: 0,
    bytes: 0,
    byStatus: { saved: 0, expired: 0, refused: 0, failed: 0, 'no-url': 0 },
    savedBytes: 0
  }

  constructor(private readonly o: QueueOptions) {
    super()
    this.limit = Math.max(1, o.concurrency ?? DEFAULT_CONCURRENCY)
    this.retry = o.retry ?? DEFAULT_RETRY
    o.signal?.addEventListener('abort', () => this.stop(o.signal!.reason), { once: true })
  }

  /** How many downloads run at once. */
  get concurrency(): number {
    return this.limit
  }

  /**
   * Changes how many downloads run at once: raised, more start at once; lowered, those running
   * finish and no new one starts until fewer run. (pull keeps it low while the sync runs.)
   */
  setConcurrency(n: number): void {
    this.limit = Math.max(1, Math.floor(n))
    this.pump()
  }

  /**
   * Accepts a job unless the same (groupId, key) is already in this run (queued, in flight or
   * recorded). Returns whether it was accepted.
   */
  add(job: MediaJob): boolean {
    const id = jobId(job.groupId, job.key)
    if (this.abort.signal.aborted || this.open.has(id) || this.finished.has(id)) return false
    this.open.add(id)
    this.pending.push({ job, attempts: 0 })
    this.stats.queued++
    this.emit('queued', job)
    this.pump()
    return true
  }

  /**
   * Lets a recorded job be added again (a failed download asked for once more: the app's queue
   * lives as long as the app, and a later sync should try again what an earlier one could not
   * fetch). No effect on a job still queued or in flight.
   */
  forget(groupId: string, key: string): void {
    const id = jobId(groupId, key)
    if (!this.open.has(id)) this.finished.delete(id)
  }

  /** Whether (groupId, key) was recorded in this run. */
  settled(groupId: string, key: string): boolean {
    return this.finished.has(jobId(groupId, key))
  }

  /** Resolves when every accepted job is recorded; rejects if recording failed. */
  drain(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.idle.push(() => {
        if (this.failure) reject(this.failure.error as Error)
        else resolve()
      })
      this.wake()
    })
  }

  /** Stops: downloads in flight are aborted (nothing is recorded for them), nothing new starts. */
  stop(reason: unknown = new Error('stopped')): void {
    if (this.abort.signal.aborted) return
    this.abort.abort(reason)
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    this.pending.length = 0
    this.wake()
  }

  private wake(): void {
    if (this.open.size > 0 && !this.abort.signal.aborted && !this.failure) return
    if (this.stats.active > 0) return
    for (const f of this.idle.splice(0)) f()
  }

  private pump(): void {
    const cap = this.o.cap ? Math.max(1, Math.min(this.limit, this.o.cap())) : this.limit
    while (this.stats.active < cap && this.pending.length > 0 && !this.abort.signal.aborted) {
      const e = this.pending.shift()!
      this.stats.active++
      void this.run(e)
    }
  }

  private async run(e: Entry): Promise<void> {
    const { job } = e
    const id = jobId(job.groupId, job.key)
    e.attempts++
    let result: FetchAttempt | null = null
    try {
      result = await this.o.fetch(job, {
        prev: job.prev,
        signal: this.abort.signal,
        onBytes: (n) => {
          this.stats.bytes += n
          this.emit('bytes', n)
        }
      })
    } catch (err) {
      // Only an abort throws: the run is stopping and the object keeps its previous outcome.
      if (!this.abort.signal.aborted) result = { outcome: { status: 'failed', error: String(err), attempts: 1, at: Date.now() }, retry: false }
    }
    const retrying = result !== null && result.retry && shouldRetry('retry', e.attempts, this.retry) && !this.abort.signal.aborted
    if (retrying) {
      // The slot is free during the wait: other objects go on downloading.
      const t = setTimeout(
        () => {
          this.timers.delete(t)
          this.pending.push(e)
          this.pump()
        },
        backoffMs(e.attempts, this.retry, this.o.random)
      )
      this.timers.add(t)
    } else if (result && !this.abort.signal.aborted) {
      const outcome: MediaOutcome = result.outcome.status === 'failed' ? { ...result.outcome, attempts: e.attempts } : result.outcome
      try {
        await this.o.record(job, outcome)
        this.finished.add(id)
        this.stats.done++
        this.stats.byStatus[outcome.status]++
        if (outcome.status === 'saved') this.stats.savedBytes += outcome.bytes
        this.emit('done', job, outcome)
      } catch (err) {
        this.failure ??= { error: err }
        this.stop(err)
      }
    }
    if (!retrying) this.open.delete(id)
    this.stats.active--
    this.pump()
    this.wake()
  }
}
