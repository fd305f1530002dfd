/**
 * `tim-archive pull --db postgres://…` (issue 20 §1): the same pull as `--out`, into the team
 * archive's PostgreSQL (schema: src-main/db/migrations.ts; sink: archive/pg-archive.ts).
 *
 * - The schema is migrated first when needed (db/migrate.ts).
 * - `--all-groups` adds every group of the app (get_appid_group_list); AVChatRoom groups, which
 *   keep no history on the server, are named and left to the listener.
 * - Each group is taken with an advisory lock (db/group-locks.ts); a group another process holds
 *   is skipped and said so. Its Community topics are pulled under the group's lock.
 * - People and names go to tim_archive.context_lines (db/context-lines.ts), media outcomes with
 *   `--media DIR` to tim_archive.media and the records' `_archive.media`.
 * - A database failure (unreachable, restarted mid-pull) ends the run with one line naming the
 *   cause; what was committed stays, and the same command resumes.
 */
import { syncGroup, type SyncResult } from '../archive/engine'
import { PgArchive } from '../archive/pg-archive'
import { Semaphore } from '../archive/semaphore'
import { openPool, describeDbError, parseDbUrl, redact, DbError, withDbErrors } from '../db/connect'
import { ensureSchema } from '../db/migrate'
import { GroupLocks } from '../db/group-locks'
import { DbContextWriter } from '../db/context-lines'
import { TimClient } from '../tim/client'
import { MAX_PEOPLE_PER_GROUP } from '../people/resolve'
import { formatCount } from '../shared/format'
import { UsageError, credsFromEnv } from './env-creds'
import { ProgressReporter } from './progress'
import { MediaPull } from './pull-media'
import { makeFetchPolicy } from '../media/url-policy'
import { contextSummary, pullGroupContext, type GroupContextResult } from './pull-context'
import { describeFailure, mediaSummary, pullCommunityTopics, pullSummary, type MediaFlags } from './pull'

export interface PullDbOptions {
  db: string
  groups: string[]
  allGroups: boolean
  recheck: boolean
  rate: number
  concurrency: number
  timeoutMs: number
  people: boolean
  media: MediaFlags | null
}

interface GroupRun {
  groupId: string
  skipped?: string
  result?: PromiseSettledResult<SyncResult>
  topics: { topicId: string; complete: boolean; error?: string }[]
  context?: GroupContextResult
}

const n = (v: number): string => formatCount(v, 'en')

export async function runPullDb(o: PullDbOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const url = parseDbUrl(o.db)
  if (o.groups.length === 0 && !o.allGroups) throw new UsageError('Give at least one --group ID, or --all-groups.')
  const creds = credsFromEnv(env, { needIdentifier: true, needEndpoint: true })
  const client = new TimClient(creds, { rate: o.rate, timeoutMs: o.timeoutMs })
  const pool = openPool(url, 4)
  const abort = new AbortController()
  // The first database failure: it stops the run, and is what the user is told.
  let dbFailure: unknown = null
  const dbFailed = (e: unknown) => {
    dbFailure ??= e
    abort.abort(e)
  }
  let locks: GroupLocks | null = null
  let media: MediaPull | null = null
  const onSignal = () => abort.abort(new Error('interrupted'))
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    await withDbErrors(url, () => ensureSchema(pool))
    locks = await withDbErrors(url, () => GroupLocks.open(url, dbFailed))

    let groups = [...new Set(o.groups)]
    const notes: string[] = []
    if (o.allGroups) {
      const all = await client.listAllGroupIds(undefined, abort.signal)
      const extra = all.filter((g) => !groups.includes(g))
      // AVChatRoom keeps no history on the server (group_msg_get_simple answers 10007): only the
      // listener can archive it. Named once, not counted as a failure of the nightly run.
      const live = new Set<string>()
      if (extra.length > 0) {
        const infos = await client.getGroupInfos(extra, abort.signal, { responseFilter: { GroupBaseInfoFilter: ['Type'] } }).catch(() => [])
        for (const i of infos) if (i.ErrorCode === 0 && i.Type === 'AVChatRoom') live.add(i.GroupId)
      }
      for (const g of extra) {
        if (live.has(g)) notes.push(`${g}: skipped, an AVChatRoom keeps no history on the server (only Tencent's callbacks can archive it)`)
        else groups.push(g)
      }
      process.stderr.write(`--all-groups: ${n(all.length)} group${all.length === 1 ? '' : 's'} in the app\n`)
    }
    groups = groups.filter((g) => g !== '')

    let media_: MediaPull | null = null
    const archive = new PgArchive(pool, { onAppend: (recs) => media_?.hooks.onAppend?.(recs), onFailure: dbFailed })
    await withDbErrors(url, () => archive.addGroups(groups))

    const progress = new ProgressReporter(process.stderr, groups.length)
    if (o.media) {
      media = await MediaPull.open({
        dir: o.media.dir,
        policy: makeFetchPolicy({ endpoint: client.baseUrl, extraHosts: o.media.hosts }),
        limits: o.media.limits,
        budgetBytes: o.media.budgetBytes,
        recheck: o.recheck,
        concurrency: o.media.concurrency,
        signal: abort.signal,
        onChange: () => progress.tick()
      })
      media_ = media
      const m = media
      progress.showMedia(() => m.counts)
    }
    const context = o.people ? new DbContextWriter(pool) : null
    const slots = new Semaphore(o.concurrency)
    const before = await withDbErrors(url, () => archive.messageCount())

    const runs: GroupRun[] = []
    const mine: string[] = []
    for (const groupId of groups) {
      if (await withDbErrors(url, () => locks!.tryLock(groupId))) mine.push(groupId)
      else runs.push({ groupId, skipped: 'another tim-archive process is pulling this group now (its lock is held); it was left to that process', topics: [] })
    }
    if (media) {
      // What earlier runs left: the records of these groups whose media still needs work.
      const hooks = media.hooks
      await withDbErrors(url, () => archive.forEachRecord(mine, (r) => hooks.onRecord?.(r)))
      media.start(archive)
    }

    const pullTopics = (groupId: string): Promise<GroupRun['topics']> =>
      pullCommunityTopics(groupId, {
        client,
        sink: archive,
        coverage: (topicId) => archive.openUnit(groupId, topicId),
        recheck: o.recheck,
        slots,
        signal: abort.signal,
        onProgress: (p) => progress.update(p)
      })

    const results = await Promise.allSettled(
      mine.map(async (groupId) => {
        const run: GroupRun = { groupId, topics: [] }
        runs.push(run)
        const r = await syncGroup({
          source: client,
          groupId,
          sink: archive,
          coverage: await archive.openUnit(groupId),
          recheck: o.recheck,
          slots,
          signal: abort.signal,
          onProgress: (p) => progress.update(p)
        })
        run.topics = await pullTopics(groupId)
        if (context && !abort.signal.aborted) {
          run.context = await pullGroupContext(
            client,
            context,
            groupId,
            await archive.senders(groupId, MAX_PEOPLE_PER_GROUP),
            abort.signal,
            Date.now,
            media ? (g, u) => media?.keepAvatars(g, u) : undefined
          )
        }
        if (r.complete) await archive.markPulled(groupId)
        return r
      })
    )
    for (const [i, r] of results.entries()) {
      const run = runs.find((x) => x.groupId === mine[i])
      if (run) run.result = r
      if (r.status === 'rejected' && isDbFailure(r.reason)) dbFailure ??= r.reason
    }
    if (!dbFailure) {
      await media?.drain()
      await archive.drain()
    }
    progress.finish()
    if (dbFailure) throw dbFailure

    let failed = 0
    for (const note of notes) process.stderr.write(`${note}\n`)
    for (const run of runs) {
      if (run.skipped) {
        process.stderr.write(`SKIPPED ${run.groupId}: ${run.skipped}\n`)
        continue
      }
      const r = run.result
      if (r?.status === 'fulfilled' && r.value.complete) {
        process.stdout.write(`${run.groupId}: complete, ${n(await archive.messageCount(run.groupId))} messages archived\n`)
        for (const t of run.topics) {
          if (t.complete) process.stdout.write(`${t.topicId}: complete, ${n(await archive.messageCount(run.groupId, t.topicId))} messages archived\n`)
          else {
            failed++
            process.stderr.write(`FAILED ${t.topicId}: ${t.error ?? 'incomplete: the server ended the history early'}\n`)
          }
        }
        if (run.context) {
          process.stdout.write(`${run.groupId}: ${contextSummary(run.context).replace('context line', 'context row')}\n`)
          for (const w of run.context.warnings) process.stderr.write(`${run.groupId}: ${w}\n`)
        }
      } else {
        failed++
        const reason = r?.status === 'rejected' ? describeFailure(r.reason) : 'incomplete: the server ended the history early'
        process.stderr.write(`FAILED ${run.groupId}: ${reason}\n`)
      }
    }
    const added = (await archive.messageCount()) - before
    process.stdout.write(
      `${redact(url)}: ${pullSummary(progress.fetched, added, archive.changed)}; ${n(client.stats.requests)} requests (${n(client.stats.retries)} retried)\n`
    )
    if (media && o.media) process.stdout.write(`${o.media.dir}: ${mediaSummary(media.byStatus, media.savedBytes, media.avatarsByStatus)}\n`)
    if (abort.signal.aborted) {
      process.stderr.write('Interrupted: what was pulled is saved; run the same command to resume.\n')
      return 130
    }
    return failed > 0 ? 1 : 0
  } catch (e) {
    const cause = dbFailure ?? e
    const d = cause instanceof DbError ? cause.message : describeDbError(cause, url)
    if (d) throw new DbError(d, cause)
    throw e
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await media?.close().catch(() => {})
    await locks?.close()
    await pool.end().catch(() => {})
  }
}

/** A failure of the database rather than of the API: it ends the whole run. */
function isDbFailure(e: unknown): boolean {
  if (e instanceof DbError) return true
  const err = e as { code?: unknown; severity?: unknown }
  // node-postgres's server errors carry a severity; connection failures a Node errno code.
  return typeof err?.severity === 'string' || /Connection terminated|ECONNREFUSED|ECONNRESET/.test(String((e as Error)?.message ?? ''))
}
