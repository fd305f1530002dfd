/**
 * Where history starts, by probing: a few requests of 20 seqs at doubling distances below a point.
 * Used twice by a sync run: to estimate the start for progress before the walk (estimateFloor), and
 * when an open window comes back empty, to ask whether any history remains below it (probeBelow).
 */
import { TimApiError } from '../tim/errors'
import type { SeqRange } from '../shared/coverage'
import type { GroupMsgGetSimpleResponse } from '../shared/tim-types'
import type { CommitPipeline } from './commit-pipeline'
import { pageSize, validSeq, type SyncRun } from './sync-run'

/** Probes seqs [p-19, p] at each point; commits what it finds. One boolean per point. */
export function probeAt(run: SyncRun, commits: CommitPipeline, points: number[]): Promise<boolean[]> {
  return Promise.all(
    points.map(async (p) => {
      const n = Math.min(pageSize, p)
      let res: GroupMsgGetSimpleResponse
      try {
        res = await run.fetchPage({ ReqMsgSeq: p, ReqMsgNumber: n })
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
      await commits.commit({ messages: list, range: [rlo, p] })
      return true
    })
  )
}

/** Seqs below `from` at doubling distances, ending near seq 1. */
export function doublingPoints(from: number, first: number): number[] {
  const points: number[] = []
  for (let d = first; from - d >= 1; d *= 2) points.push(from - d)
  if (points.length === 0 || points[points.length - 1]! > pageSize) points.push(Math.min(pageSize, from - 1))
  return points.filter((p) => p >= 1)
}

/** Probes below an empty window, at doubling distances: does any history remain down there? */
export async function probeBelow(run: SyncRun, commits: CommitPipeline, lo: number): Promise<boolean> {
  const points = [lo - 1, ...doublingPoints(lo, run.windowSize)].filter((p, i, a) => p >= 1 && a.indexOf(p) === i)
  return (await probeAt(run, commits, points)).some(Boolean)
}

/**
 * For progress only: a huge open gap (history may start far above seq 1, as in a group whose seqs
 * reached 7,800,000 long ago) would make the first ETA hours long. A few probes at doubling
 * distances below the top estimate where history starts (run.estimatedFloor, run.seqsTotal); the
 * walk still decides. It runs beside the walk: until it answers, progress is held back (its total
 * would be the whole open gap), and the estimate never lies above a window already issued
 * (`lowestIssued`), which the planner did not count against it.
 */
export async function estimateFloor(
  run: SyncRun,
  commits: CommitPipeline,
  gaps: { range: SeqRange; open: boolean }[],
  lowestIssued: () => number = () => Infinity
): Promise<void> {
  const open = gaps.find((g) => g.open)
  run.estimatedFloor = open ? open.range[0] : 1
  if (open && open.range[1] - open.range[0] + 1 > 50 * run.windowSize) {
    const points = doublingPoints(open.range[1], run.windowSize)
    run.estimating = true
    try {
      const hits = await probeAt(run, commits, points)
      const lowestHit = hits.lastIndexOf(true)
      const estimate = lowestHit + 1 < points.length ? points[lowestHit + 1]! : open.range[0]
      run.estimatedFloor = Math.max(open.range[0], Math.min(estimate, lowestIssued()))
      run.seqsTotal -= run.estimatedFloor - open.range[0]
    } finally {
      run.estimating = false
    }
    run.progress()
  }
}
