/**
 * The state of one group's sync run, shared by its parts (window-pull.ts, floor-probe.ts,
 * commit-pipeline.ts, and the worker loop in engine.ts): the coverage as it grows, the counters
 * progress reports, the run's abort signal, and the one way to ask the server for a page.
 */
import { setMaxListeners } from 'node:events'
import type { GroupMsgGetSimpleRequest, GroupMsgGetSimpleResponse, RawMessage } from '../shared/tim-types'
import { emptyCoverage, type Coverage } from '../shared/coverage'
import type { MessageSource, SyncOptions, SyncProgress } from './engine'
import { Semaphore } from './semaphore'

/** Seqs per request: ReqMsgNumber is at most 20. */
export const pageSize = 20

export function validSeq(m: RawMessage): boolean {
  return Number.isSafeInteger(m.MsgSeq) && m.MsgSeq >= 1
}

export class SyncRun {
  readonly groupId: string
  readonly topicId: string | undefined
  readonly windowSize: number
  /** Below this seq the engine walks down to 1 instead of probing for the start. */
  readonly walkToOneBelow: number
  /** How many workers pull windows at once. */
  readonly workers: number
  /** Aborted by the caller's signal, a failed commit or a failed worker. */
  readonly abort = new AbortController()
  readonly signal: AbortSignal

  /** Coverage including every batch handed to the sink (durable or not yet). */
  cov: Coverage
  /** Messages received this run. */
  messages = 0
  requests = 0
  /** Seqs of the planned walk that are durable in the sink. */
  seqsDone = 0
  seqsTotal = 0
  phase: SyncProgress['phase'] = 'head'
  /** The lowest seq of any message seen: history certainly reaches down to it. */
  lowestSeen = Infinity
  /** Where history is estimated to start, for progress only (floor-probe.ts estimateFloor). */
  estimatedFloor = 1
  /** While the estimate is being probed, progress is not reported: its total would be the whole open gap. */
  estimating = false

  private readonly slots: Semaphore
  private readonly started: number
  private readonly pace: PaceMeter
  private readonly onOuterAbort = () => this.abort.abort(this.o.signal?.reason)

  constructor(private readonly o: SyncOptions) {
    this.groupId = o.groupId
    this.topicId = o.topicId
    this.windowSize = o.windowSize ?? 200
    this.walkToOneBelow = o.walkToOneBelow ?? 2000
    this.slots = o.slots ?? new Semaphore(o.concurrency ?? 16)
    this.workers = o.slots ? o.slots.size : (o.concurrency ?? 16)
    o.signal?.addEventListener('abort', this.onOuterAbort, { once: true })
    this.signal = this.abort.signal
    // Every in-flight request and limiter wait listens on this signal: dozens at a time is expected.
    setMaxListeners(0, this.signal)
    this.cov = o.coverage ? structuredClone(o.coverage) : emptyCoverage()
    this.started = performance.now()
    this.pace = new PaceMeter(o.source)
  }

  /** Stops listening to the caller's signal (the run is over). */
  dispose(): void {
    this.o.signal?.removeEventListener('abort', this.onOuterAbort)
  }

  progress(): void {
    if (!this.o.onProgress || this.estimating) return
    const elapsed = (performance.now() - this.started) / 1000
    const rate = elapsed > 0.1 ? this.seqsDone / elapsed : 0
    this.o.onProgress({
      groupId: this.groupId,
      phase: this.phase,
      messages: this.messages,
      requests: this.requests,
      requestsPerSecond: this.pace.rate(),
      seqsDone: this.seqsDone,
      seqsTotal: this.seqsTotal,
      etaSeconds: rate > 0 ? Math.max(0, (this.seqsTotal - this.seqsDone) / rate) : null
    })
  }

  /** One group_msg_get_simple request, through the run's slots and under its signal. */
  async fetchPage(req: Omit<GroupMsgGetSimpleRequest, 'GroupId' | 'WithRecalledMsg'>): Promise<GroupMsgGetSimpleResponse> {
    await this.slots.acquire()
    try {
      this.signal.throwIfAborted()
      this.requests++
      // WithRecalledMsg 1: recalled messages come back as IsPlaceMsg 2 instead of leaving gaps.
      return await this.o.source.groupMsgGetSimple(
        { GroupId: this.groupId, ...req, WithRecalledMsg: 1, ...(this.o.topicId ? { TopicId: this.o.topicId } : {}) },
        this.signal
      )
    } finally {
      this.slots.release()
    }
  }
}

/** Requests per second over the last few seconds, from the client's own counter. */
class PaceMeter {
  private samples: { t: number; n: number }[] = []
  constructor(private readonly source: MessageSource) {}
  rate(): number {
    const now = performance.now()
    const n = this.source.stats?.requests ?? 0
    this.samples.push({ t: now, n })
    while (this.samples.length > 2 && now - this.samples[0]!.t > 5000) this.samples.shift()
    const first = this.samples[0]!
    const dt = (now - first.t) / 1000
    return dt > 0.2 ? (n - first.n) / dt : 0
  }
}
