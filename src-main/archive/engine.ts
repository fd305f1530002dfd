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
import { TimApiError } from '../tim/errors'
import type { GetGroupInfoRequest, GetGroupInfoResponse, GroupMsgGetSimpleRequest, GroupMsgGetSimpleResponse, RawMessage } from '../shared/tim-types'
import { addRange, countSeqs, emptyCoverage, isComplete, missingRanges, type Coverage, type SeqRange } from '../shared/coverage'
import { CommitPipeline } from './commit-pipeline'
import { estimateFloor, probeBelow } from './floor-probe'
import { Planner } from './planner'
import type { Semaphore } from './semaphore'
import { pageSize, SyncRun, validSeq } from './sync-run'
import { pullWindow } from './window-pull'

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
  /** A Community topic's batch: the topic, its own sync unit (own seqs, coverage and resume state). */
  topicId?: string
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
  /**
   * How many batches of one group may wait to be durable before the walk holds back (default 32,
   * commit-pipeline.ts). A sink that writes everything waiting in one go (one fsync for many
   * batches) can take more, so a slow disk does not stall the requests.
   */
  readonly maxPendingCommits?: number
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
  /**
   * Batches handed to the sink and not yet durable, per group (default 32, commit-pipeline.ts). A
   * sink that commits many batches per transaction (the app's IndexedDB) needs more in flight, or
   * the walk stalls while each transaction commits.
   */
  maxPendingCommits?: number
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

/**
 * Syncs one group. The run's state lives in a SyncRun (sync-run.ts); its parts are the commit
 * pipeline (commit-pipeline.ts), the window planner (planner.ts), the pull of one window
 * (window-pull.ts) and the search for where history starts (floor-probe.ts).
 */
export async function syncGroup(o: SyncOptions): Promise<SyncResult> {
  const run = new SyncRun(o)
  const commits = new CommitPipeline(run, o.sink, o.maxPendingCommits)
  try {
    // 1. The newest seq (a head request when get_group_info cannot say).
    const headRange = await readHead(o, run, commits)

    // 2. Plan: the gaps below the newest seq. A recheck walks everything from the floor again.
    const cov = run.cov
    let planCov: Coverage = o.recheck
      ? headRange
        ? addRange({ ...emptyCoverage(), floor: cov.floor }, headRange)
        : { ...emptyCoverage(), floor: cov.floor, top: cov.top }
      : cov
    if (o.recheck) for (const r of o.rechecked ?? []) planCov = addRange(planCov, r)
    const gaps = missingRanges(planCov, cov.top)
    // The head request's seqs are part of this run's work too (a topic or small group without
    // get_group_info is fetched whole by it): counted in the total, and done once durable (readHead).
    run.seqsTotal = countSeqs(gaps.map((g) => g.range)) + (headRange ? headRange[1] - headRange[0] + 1 : 0)
    run.phase = 'pulling'
    run.progress()

    const planner = new Planner(gaps, run.windowSize, { workers: run.workers, shrinkBelow: run.walkToOneBelow })
    planner.onOpenWindow = (w) => {
      // The walk went below the estimate: grow it as it goes.
      if (w.lo < run.estimatedFloor) {
        run.seqsTotal += run.estimatedFloor - w.lo
        run.estimatedFloor = w.lo
      }
    }

    // 3. The walk: `workers` pull windows newest first. The estimate of where history starts
    // (progress only) runs beside it rather than before it: waiting for its probes cost the walk
    // a round trip at the start (docs/dev/benchmarks.md, issue 19).
    const estimate = estimateFloor(run, commits, gaps, () => planner.lowestIssued())
    const results = await Promise.allSettled([...Array.from({ length: run.workers }, () => worker(run, commits, planner)), estimate])
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failure) {
      run.abort.abort(failure.reason)
      await commits.settle().catch(() => {})
      throw commits.failure ? commits.failure.error : failure.reason
    }
    await commits.settle()
    // Walked all the way down to seq 1 (or the known floor): history starts there.
    if (run.cov.floor === null && missingRanges(run.cov).length === 0) {
      await commits.commit({ messages: [], range: null, floor: 1 })
      await commits.settle()
    }
    run.phase = 'done'
    run.progress()
    return { groupId: o.groupId, coverage: run.cov, complete: isComplete(run.cov), messages: run.messages, requests: run.requests }
  } catch (error) {
    run.abort.abort(error)
    await commits.settle().catch(() => {})
    throw error
  } finally {
    run.dispose()
  }
}

/**
 * The newest seq: NextMsgSeq − 1 from get_group_info, else a head request
 * (docs/reference/tencent-im-api.md §1.5). Commits the top (and, for a group with no message
 * ever, the floor). Returns the seq range the head request proved, if one was made.
 */
async function readHead(o: SyncOptions, run: SyncRun, commits: CommitPipeline): Promise<SeqRange | null> {
  const newest = await newestSeq(o, run.signal)
  let headRange: SeqRange | null = null
  if (newest !== null) {
    if (newest > run.cov.top) await commits.commit({ messages: [], range: null, top: newest })
    if (newest === 0 && run.cov.ranges.length === 0) {
      // No message has ever been sent to this group. One request still asks the history API
      // itself, which refuses groups that keep no history (AVChatRoom: 10007).
      await run.fetchPage({ ReqMsgNumber: pageSize })
      await commits.commit({ messages: [], range: null, floor: 1, top: 0 })
    }
  } else {
    const head = await run.fetchPage({ ReqMsgNumber: pageSize })
    const headList = (head.RspMsgList ?? []).filter(validSeq)
    if (headList.length > 0) {
      const seqs = headList.map((m) => m.MsgSeq)
      const top = Math.max(...seqs)
      headRange = [Math.min(...seqs), top]
      // Its seqs count as walked (progress): in the total first, so done never runs ahead of it.
      run.seqsTotal = headRange[1] - headRange[0] + 1
      await commits.commit({ messages: headList, range: headRange, top }, run.seqsTotal)
    } else if (run.cov.top === 0 && run.cov.ranges.length === 0) {
      await commits.commit({ messages: [], range: null, floor: 1, top: 0 })
    }
  }
  return headRange
}

/**
 * One worker of the walk: takes windows from the planner until none is left. When an open window
 * comes back empty it may mark the start of history: the worker holds the planner, lets lower
 * windows in flight finish, and probes below (floor-probe.ts) before committing the floor.
 */
async function worker(run: SyncRun, commits: CommitPipeline, planner: Planner): Promise<void> {
  const signal = run.signal
  for (;;) {
    signal.throwIfAborted()
    const w = await planner.next(signal)
    if (!w) return
    const found = await pullWindow(run, commits, w)
    planner.done(w, found)
    // An empty window is no floor when a message is already known below it (a probe found
    // one, or the server answered a lower request).
    if (!w.open || found || w.lo <= run.walkToOneBelow || run.lowestSeen < w.lo) continue
    if (!planner.suspectFloor(w)) continue
    // Wait for lower windows already in flight; any message there means this is no floor.
    await planner.settledBelow(w, signal)
    if (!planner.stillSuspect(w)) continue
    run.phase = 'probing'
    run.progress()
    const more = await probeBelow(run, commits, planner.lowestIssued())
    run.phase = 'pulling'
    if (more) planner.resume()
    else {
      const floor = planner.lowestIssued()
      planner.stop()
      // The estimate may reach below where history really starts.
      if (floor > run.estimatedFloor) run.seqsTotal -= floor - run.estimatedFloor
      await commits.commit({ messages: [], range: null, floor })
      run.progress()
    }
  }
}

/**
 * NextMsgSeq − 1 from get_group_info, or null when the source cannot say (no get_group_info, a
 * server without it, or no NextMsgSeq in the answer). A missing or dismissed group fails here
 * with the per-item code (10010/10015), which hides inside a top-level OK
 * (docs/reference/tencent-im-api.md §7.12).
 */
async function newestSeq(o: SyncOptions, signal: AbortSignal): Promise<number | null> {
  // A topic has seqs of its own: the group's NextMsgSeq says nothing of them, so the head
  // request (with TopicId) finds the topic's newest seq.
  if (!o.source.getGroupInfo || o.topicId) return null
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
