/**
 * The sync engine: pulls everything of a group that its coverage says is missing, as fast as the
 * SDKAppID's rate limit allows. Plain Node; imports nothing from Electron.
 *
 * 1. get_group_info's NextMsgSeq gives the newest seq (NextMsgSeq − 1). A head request (no
 *    ReqMsgSeq) is the fallback; it cannot tell an empty group from newest seqs that are holes.
 * 2. The missing seq ranges (coverage gaps) are split into windows of `windowSize` seqs, issued
 *    newest first, and pulled by `concurrency` workers through the shared rate limiter.
 * 3. Within a window a worker pages down with ReqMsgSeq/ReqMsgNumber ≤ 20. After a cut-short
 *    answer (IsFinished 0 or 2) it continues below the lowest seq it got.
 * 4. Every answer becomes one SyncBatch: its messages plus the seq range it proves complete. The
 *    sink commits both together, so a kill at any instant resumes with no gap and no duplicate.
 *
 * What a response proves (this must hold whether the server treats ReqMsgNumber as a seq range,
 * as the reference says, or as a message count):
 * - IsFinished 1 and fewer than n messages: no other message exists in [ReqMsgSeq-n+1, ReqMsgSeq].
 * - otherwise: [lowest seq returned, ReqMsgSeq] is complete.
 *
 * Where history starts: when the floor is unknown, the lowest gap reaches seq 1. If a whole window
 * there comes back empty, the engine stops issuing lower windows, lets the ones in flight finish,
 * and probes a handful of seqs further down at doubling distances. If all of that is empty too,
 * history starts at the lowest window pulled (seqs below it are purged or never existed); any
 * message found resumes the walk. Near seq 1 it simply walks down to 1.
 */
import { setMaxListeners } from 'node:events'
import { TimApiError } from '../tim/errors'
import type { GetGroupInfoRequest, GetGroupInfoResponse, GroupMsgGetSimpleRequest, GroupMsgGetSimpleResponse, RawMessage } from '../shared/tim-types'
import { addRange, applyBatchCoverage, countSeqs, emptyCoverage, isComplete, missingRanges, type Coverage, type SeqRange } from '../shared/coverage'
import { Semaphore } from './semaphore'

/** What the engine needs of a client, plus optional request statistics. */
export interface MessageSource {
  groupMsgGetSimple(req: GroupMsgGetSimpleRequest, signal?: AbortSignal): Promise<GroupMsgGetSimpleResponse>
  /** Used for NextMsgSeq, the newest seq. Without it the engine relies on a head request. */
  getGroupInfo?(req: GetGroupInfoRequest, signal?: AbortSignal): Promise<GetGroupInfoResponse>
  readonly stats?: { requests: number; retries: number; rateLimited: number }
}

/** One unit of durable progress: messages and the coverage they complete, committed together. */
export interface SyncBatch {
  groupId: string
  /** Messages exactly as the API returned them. May repeat ones already archived. */
  messages: RawMessage[]
  /** Seqs now known complete, or null when the batch only carries floor/top facts. */
  range: SeqRange | null
  /** Set once the start of history is established. */
  floor?: number
  /** The newest seq known. */
  top?: number
}

export interface ArchiveSink {
  /** Persist the batch's messages and coverage atomically; resolve once durable. */
  commit(batch: SyncBatch): Promise<void>
}

export interface SyncProgress {
  groupId: string
  phase: 'head' | 'pulling' | 'probing' | 'done'
  /** Messages received this run (including ones already archived, during a recheck). */
  messages: number
  /** Requests this engine made for the group (excluding transport retries). */
  requests: number
  /** Recent requests per second across the client (all groups sharing it). */
  requestsPerSecond: number
  /**
   * Seqs of this run's walk that are durable in the sink (counted when its commit resolves, so a
   * pause or cancel never takes back what was shown). Never decreases within a run.
   */
  seqsDone: number
  /** Estimated seqs to walk this run (an upper bound while the start of history is unknown). */
  seqsTotal: number
  /** Seconds left at the current pace, or null before there is a pace. */
  etaSeconds: number | null
}

export interface SyncOptions {
  source: MessageSource
  groupId: string
  sink: ArchiveSink
  /** What is already archived. */
  coverage?: Coverage
  /** Walk already archived history again, to record what the server has since removed. */
  recheck?: boolean
  /**
   * With `recheck`: seq ranges an earlier, paused run of the same recheck already walked and
   * committed. They are not walked again, so Resume continues the recheck instead of restarting it.
   */
  rechecked?: SeqRange[]
  /** Requests in flight for this group (or shared across groups with `slots`). Default 16. */
  concurrency?: number
  /** A semaphore shared by several groups so their total in-flight requests stay bounded. */
  slots?: Semaphore
  /** Seqs per window. Default 200 (10 requests). */
  windowSize?: number
  /** Below this seq the engine walks down to 1 instead of probing for the start. Default 2000. */
  walkToOneBelow?: number
  topicId?: string
  signal?: AbortSignal
  onProgress?: (p: SyncProgress) => void
}

export interface SyncResult {
  groupId: string
  coverage: Coverage
  complete: boolean
  /** Messages received this run. */
  messages: number
  requests: number
}

interface Window {
  lo: number
  hi: number
  open: boolean
}

const pageSize = 20
/** Batches handed to the sink and not yet durable, per group. */
const maxPendingCommits = 32

function validSeq(m: RawMessage): boolean {
  return Number.isSafeInteger(m.MsgSeq) && m.MsgSeq >= 1
}

export async function syncGroup(o: SyncOptions): Promise<SyncResult> {
  const windowSize = o.windowSize ?? 200
  const walkToOneBelow = o.walkToOneBelow ?? 2000
  const slots = o.slots ?? new Semaphore(o.concurrency ?? 16)
  const workers = o.slots ? o.slots.size : (o.concurrency ?? 16)
  const groupAbort = new AbortController()
  const onOuterAbort = () => groupAbort.abort(o.signal?.reason)
  o.signal?.addEventListener('abort', onOuterAbort, { once: true })
  const signal = groupAbort.signal
  // Every in-flight request and limiter wait listens on this signal: dozens at a time is expected.
  setMaxListeners(0, signal)

  let cov: Coverage = o.coverage ? structuredClone(o.coverage) : emptyCoverage()
  let messages = 0
  let requests = 0
  let seqsDone = 0
  let seqsTotal = 0
  const started = performance.now()
  const pace = new PaceMeter(o.source)
  let phase: SyncProgress['phase'] = 'head'
  /** The lowest seq of any message seen: history certainly reaches down to it. */
  let lowestSeen = Infinity

  const progress = () => {
    if (!o.onProgress) return
    const elapsed = (performance.now() - started) / 1000
    const rate = elapsed > 0.1 ? seqsDone / elapsed : 0
    o.onProgress({
      groupId: o.groupId,
      phase,
      messages,
      requests,
      requestsPerSecond: pace.rate(),
      seqsDone,
      seqsTotal,
      etaSeconds: rate > 0 ? Math.max(0, (seqsTotal - seqsDone) / rate) : null
    })
  }

  const fetchPage = async (req: Omit<GroupMsgGetSimpleRequest, 'GroupId' | 'WithRecalledMsg'>) => {
    await slots.acquire()
    try {
      signal.throwIfAborted()
      requests++
      // WithRecalledMsg 1: recalled messages come back as IsPlaceMsg 2 instead of leaving gaps.
      return await o.source.groupMsgGetSimple({ GroupId: o.groupId, ...req, WithRecalledMsg: 1, ...(o.topicId ? { TopicId: o.topicId } : {}) }, signal)
    } finally {
      slots.release()
    }
  }

  // Commits are pipelined: a worker hands its batch to the sink and goes on pulling, so a store
  // that answers slowly (the renderer's IndexedDB behind IPC) does not idle the rate limit. At
  // most `maxPendingCommits` are outstanding; a failed commit aborts the group. Durability is
  // unchanged: each batch carries its own coverage, so only committed ranges are ever claimed.
  const pending = new Set<Promise<void>>()
  // Set from promise callbacks; the cast keeps TypeScript from narrowing it to null for good.
  let commitFailure = null as { error: unknown } | null
  /** `walked`: the seqs of the planned walk this batch completes, counted once it is durable. */
  const commit = async (batch: Omit<SyncBatch, 'groupId'>, walked = 0) => {
    if (commitFailure) throw commitFailure.error
    const full: SyncBatch = { groupId: o.groupId, ...batch }
    cov = applyBatchCoverage(cov, full)
    messages += batch.messages.length
    for (const m of batch.messages) if (m.MsgSeq < lowestSeen) lowestSeen = m.MsgSeq
    const p: Promise<void> = o.sink.commit(full).then(
      () => {
        pending.delete(p)
        if (walked > 0 && !commitFailure) {
          seqsDone += walked
          progress()
        }
      },
      (error: unknown) => {
        pending.delete(p)
        commitFailure ??= { error }
        groupAbort.abort(error)
      }
    )
    pending.add(p)
    while (pending.size >= maxPendingCommits) await Promise.race(pending)
  }
  const settleCommits = async () => {
    while (pending.size > 0) await Promise.race(pending)
    if (commitFailure) throw commitFailure.error
  }

  try {
    // 1. The newest seq: NextMsgSeq − 1 from get_group_info, else a head request
    // (docs/reference/tencent-im-api.md §1.5).
    const newest = await newestSeq(o, signal)
    let headRange: SeqRange | null = null
    if (newest !== null) {
      if (newest > cov.top) await commit({ messages: [], range: null, top: newest })
      if (newest === 0 && cov.ranges.length === 0) {
        // No message has ever been sent to this group. One request still asks the history API
        // itself, which refuses groups that keep no history (AVChatRoom: 10007).
        await fetchPage({ ReqMsgNumber: pageSize })
        await commit({ messages: [], range: null, floor: 1, top: 0 })
      }
    } else {
      const head = await fetchPage({ ReqMsgNumber: pageSize })
      const headList = (head.RspMsgList ?? []).filter(validSeq)
      if (headList.length > 0) {
        const seqs = headList.map((m) => m.MsgSeq)
        const top = Math.max(...seqs)
        headRange = [Math.min(...seqs), top]
        await commit({ messages: headList, range: headRange, top })
      } else if (cov.top === 0 && cov.ranges.length === 0) {
        await commit({ messages: [], range: null, floor: 1, top: 0 })
      }
    }

    // 2. Plan: the gaps below the newest seq. A recheck walks everything from the floor again.
    let planCov: Coverage = o.recheck
      ? headRange
        ? addRange({ ...emptyCoverage(), floor: cov.floor }, headRange)
        : { ...emptyCoverage(), floor: cov.floor, top: cov.top }
      : cov
    if (o.recheck) for (const r of o.rechecked ?? []) planCov = addRange(planCov, r)
    const gaps = missingRanges(planCov, cov.top)
    seqsTotal = countSeqs(gaps.map((g) => g.range))
    phase = 'pulling'
    progress()

    const planner = new Planner(gaps, windowSize)

    const pullWindow = async (w: Window): Promise<boolean> => {
      let cursor = w.hi
      let found = false
      let cap = pageSize
      while (cursor >= w.lo) {
        const n = Math.min(cap, cursor - w.lo + 1)
        let res: GroupMsgGetSimpleResponse
        try {
          res = await fetchPage({ ReqMsgSeq: cursor, ReqMsgNumber: n })
        } catch (e) {
          // 10018: the answer would exceed 1 MB: ask for fewer messages
          // (docs/reference/tencent-im-api.md §1.8).
          if (e instanceof TimApiError && e.code === 10018 && n > 1) {
            cap = Math.ceil(n / 2)
            continue
          }
          throw e
        }
        const list = (res.RspMsgList ?? []).filter((m) => validSeq(m) && m.MsgSeq <= cursor)
        const finished = res.IsFinished === undefined || res.IsFinished === 1
        let lo: number
        if (list.length === 0) {
          if (!finished && n > 1) {
            // Cut short with nothing returned: ask for less rather than skip anything.
            cap = Math.ceil(n / 2)
            continue
          }
          lo = cursor - n + 1
        } else {
          found = true
          const low = Math.min(...list.map((m) => m.MsgSeq))
          lo = finished && list.length < n ? Math.min(low, cursor - n + 1) : low
        }
        lo = Math.max(lo, 1)
        await commit({ messages: list, range: [lo, cursor] }, cursor - Math.max(lo, w.lo) + 1)
        cap = pageSize
        cursor = lo - 1
      }
      return found
    }

    /** Probes seqs [p-19, p] at each point; commits what it finds. One boolean per point. */
    const probeAt = (points: number[]): Promise<boolean[]> =>
      Promise.all(
        points.map(async (p) => {
          const n = Math.min(pageSize, p)
          let res: GroupMsgGetSimpleResponse
          try {
            res = await fetchPage({ ReqMsgSeq: p, ReqMsgNumber: n })
          } catch (e) {
            // Too large to answer (10018) means there are messages here; the walk will page them.
            if (e instanceof TimApiError && e.code === 10018) return true
            throw e
          }
          const list = (res.RspMsgList ?? []).filter((m) => validSeq(m) && m.MsgSeq <= p)
          if (list.length === 0) return false
          const low = Math.min(...list.map((m) => m.MsgSeq))
          const finished = res.IsFinished === undefined || res.IsFinished === 1
          const rlo = Math.max(1, finished && list.length < n ? Math.min(low, p - n + 1) : low)
          await commit({ messages: list, range: [rlo, p] })
          return true
        })
      )

    /** Seqs below `from` at doubling distances, ending near seq 1. */
    const doublingPoints = (from: number, first: number): number[] => {
      const points: number[] = []
      for (let d = first; from - d >= 1; d *= 2) points.push(from - d)
      if (points.length === 0 || points[points.length - 1]! > pageSize) points.push(Math.min(pageSize, from - 1))
      return points.filter((p) => p >= 1)
    }

    // Probes below an empty window, at doubling distances: does any history remain down there?
    const probeBelow = async (lo: number): Promise<boolean> => {
      const points = [lo - 1, ...doublingPoints(lo, windowSize)].filter((p, i, a) => p >= 1 && a.indexOf(p) === i)
      return (await probeAt(points)).some(Boolean)
    }

    // For progress only: a huge open gap (history may start far above seq 1, as in a group whose
    // seqs reached 7,800,000 long ago) would make the first ETA hours long. A few probes at
    // doubling distances below the top estimate where history starts; the walk still decides.
    const open = gaps.find((g) => g.open)
    let estimatedFloor = open ? open.range[0] : 1
    if (open && open.range[1] - open.range[0] + 1 > 50 * windowSize) {
      const points = doublingPoints(open.range[1], windowSize)
      const hits = await probeAt(points)
      const lowestHit = hits.lastIndexOf(true)
      estimatedFloor = lowestHit + 1 < points.length ? points[lowestHit + 1]! : open.range[0]
      seqsTotal -= estimatedFloor - open.range[0]
      progress()
    }
    planner.onOpenWindow = (w) => {
      // The walk went below the estimate: grow it as it goes.
      if (w.lo < estimatedFloor) {
        seqsTotal += estimatedFloor - w.lo
        estimatedFloor = w.lo
      }
    }

    const worker = async () => {
      for (;;) {
        signal.throwIfAborted()
        const w = await planner.next(signal)
        if (!w) return
        const found = await pullWindow(w)
        planner.done(w, found)
        // An empty window is no floor when a message is already known below it (a probe found
        // one, or the server answered a lower request).
        if (!w.open || found || w.lo <= walkToOneBelow || lowestSeen < w.lo) continue
        if (!planner.suspectFloor(w)) continue
        // Wait for lower windows already in flight; any message there means this is no floor.
        await planner.settledBelow(w, signal)
        if (!planner.stillSuspect(w)) continue
        phase = 'probing'
        progress()
        const more = await probeBelow(planner.lowestIssued())
        phase = 'pulling'
        if (more) planner.resume()
        else {
          const floor = planner.lowestIssued()
          planner.stop()
          // The estimate may reach below where history really starts.
          if (floor > estimatedFloor) seqsTotal -= floor - estimatedFloor
          await commit({ messages: [], range: null, floor })
          progress()
        }
      }
    }

    const results = await Promise.allSettled(Array.from({ length: workers }, () => worker()))
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failure) {
      groupAbort.abort(failure.reason)
      await settleCommits().catch(() => {})
      throw commitFailure ? commitFailure.error : failure.reason
    }
    await settleCommits()
    // Walked all the way down to seq 1 (or the known floor): history starts there.
    if (cov.floor === null && missingRanges(cov).length === 0) {
      await commit({ messages: [], range: null, floor: 1 })
      await settleCommits()
    }
    phase = 'done'
    progress()
    return { groupId: o.groupId, coverage: cov, complete: isComplete(cov), messages, requests }
  } catch (error) {
    groupAbort.abort(error)
    await settleCommits().catch(() => {})
    throw error
  } finally {
    o.signal?.removeEventListener('abort', onOuterAbort)
  }
}

/**
 * NextMsgSeq − 1 from get_group_info, or null when the source cannot say (no get_group_info, a
 * server without it, or no NextMsgSeq in the answer). A missing or dismissed group fails here
 * with the per-item code (10010/10015), which hides inside a top-level OK
 * (docs/reference/tencent-im-api.md §7.12).
 */
async function newestSeq(o: SyncOptions, signal: AbortSignal): Promise<number | null> {
  if (!o.source.getGroupInfo) return null
  let res: GetGroupInfoResponse
  try {
    res = await o.source.getGroupInfo({ GroupIdList: [o.groupId] }, signal)
  } catch (e) {
    // Group-specific refusals are the answer; anything else (e.g. 60009/10003 from a server
    // without this command) leaves the head request to find the newest seq.
    if (e instanceof TimApiError && typeof e.code === 'number' && [10007, 10010, 10015].includes(e.code)) throw e
    if (e instanceof TimApiError && (e.transient || e.code === 70001 || e.code === 70009 || e.code === 60010)) throw e
    return null
  }
  const item = (res.GroupInfo ?? []).find((i) => i.GroupId === o.groupId) ?? res.GroupInfo?.[0]
  if (!item) return null
  if (item.ErrorCode) throw new TimApiError('get_group_info', item.ErrorCode, String(item.ErrorInfo ?? ''), false)
  const next = item.NextMsgSeq
  return typeof next === 'number' && Number.isSafeInteger(next) && next >= 1 ? next - 1 : null
}

/**
 * Hands out windows newest first. In the open gap it can be held back while the engine decides
 * whether an empty window marks the start of history.
 */
class Planner {
  private readonly queue: Window[] = []
  private openNextHi: number | null = null
  private openLo = 1
  private held = false
  private stopped = false
  private suspect: Window | null = null
  private readonly inFlight = new Set<Window>()
  private lowest = Infinity
  private waiters: (() => void)[] = []
  /** Told about every window issued in the open gap. */
  onOpenWindow: (w: Window) => void = () => {}

  constructor(
    gaps: { range: SeqRange; open: boolean }[],
    private readonly size: number
  ) {
    for (const g of gaps) {
      if (g.open) {
        this.openNextHi = g.range[1]
        this.openLo = g.range[0]
      } else {
        for (let hi = g.range[1]; hi >= g.range[0]; hi -= size) {
          this.queue.push({ lo: Math.max(g.range[0], hi - size + 1), hi, open: false })
        }
      }
    }
  }

  private notify(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  private wait(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
      this.waiters.push(() => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      })
    })
  }

  async next(signal: AbortSignal): Promise<Window | null> {
    for (;;) {
      const fixed = this.queue.shift()
      if (fixed) {
        this.inFlight.add(fixed)
        return fixed
      }
      if (this.openNextHi !== null && this.openNextHi >= this.openLo && !this.stopped && !this.held) {
        const hi = this.openNextHi
        const w: Window = { lo: Math.max(this.openLo, hi - this.size + 1), hi, open: true }
        this.openNextHi = w.lo - 1
        this.lowest = Math.min(this.lowest, w.lo)
        this.inFlight.add(w)
        this.onOpenWindow(w)
        return w
      }
      const openLeft = this.openNextHi !== null && this.openNextHi >= this.openLo && !this.stopped
      if (!openLeft && this.inFlight.size === 0 && !this.suspect) return null
      if (!openLeft && !this.held && !this.suspect) return null
      await this.wait(signal)
    }
  }

  done(w: Window, found: boolean): void {
    this.inFlight.delete(w)
    if (found && this.suspect && w.hi < this.suspect.lo) this.suspect = null
    if (found && this.suspect === null) this.held = false
    this.notify()
  }

  /** An open window came back empty: hold lower windows while it is checked. */
  suspectFloor(w: Window): boolean {
    if (this.suspect || this.stopped) return false
    this.suspect = w
    this.held = true
    return true
  }

  async settledBelow(w: Window, signal: AbortSignal): Promise<void> {
    while ([...this.inFlight].some((x) => x.open && x.hi < w.lo)) await this.wait(signal)
  }

  stillSuspect(w: Window): boolean {
    if (this.suspect !== w) {
      this.held = false
      this.notify()
      return false
    }
    return true
  }

  lowestIssued(): number {
    return this.lowest
  }

  resume(): void {
    this.suspect = null
    this.held = false
    this.notify()
  }

  /** The start of history is found: no window below it is planned. */
  stop(): void {
    this.suspect = null
    this.stopped = true
    this.held = false
    this.notify()
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
