/**
 * Pulling one window of seqs: page down from its top with ReqMsgSeq/ReqMsgNumber ≤ 20, committing
 * every answer with the seq range it proves complete (see engine.ts for what a response proves).
 * After a cut-short answer (IsFinished 0 or 2) it continues below the lowest seq it got.
 */
import { TimApiError } from '../tim/errors'
import type { GroupMsgGetSimpleResponse } from '../shared/tim-types'
import type { CommitPipeline } from './commit-pipeline'
import type { Window } from './planner'
import { pageSize, validSeq, type SyncRun } from './sync-run'

/** Pulls and commits the window; true when any message was found in it. */
export async function pullWindow(run: SyncRun, commits: CommitPipeline, w: Window): Promise<boolean> {
  let cursor = w.hi
  let found = false
  let cap = pageSize
  while (cursor >= w.lo) {
    const n = Math.min(cap, cursor - w.lo + 1)
    let res: GroupMsgGetSimpleResponse
    try {
      res = await run.fetchPage({ ReqMsgSeq: cursor, ReqMsgNumber: n })
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
    await commits.commit({ messages: list, range: [lo, cursor] }, cursor - Math.max(lo, w.lo) + 1)
    cap = pageSize
    cursor = lo - 1
  }
  return found
}
