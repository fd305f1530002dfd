/**
 * Stop syncing a group, and deleting a group from the archive (issue 15 item 19). These are the
 * only paths that remove anything archived; nothing else deletes messages (sync, import, recheck,
 * re-adding or rediscovering a group only ever add or upgrade: archive-repo.ts).
 *
 * Deleting is ONE read-write transaction over every table that holds the group or something derived
 * from it: its messages, its coverage (the sync state), its group row (profile, statistics, the
 * search index's state), its part of every projection (projections/: the search postings, the chart
 * counts), its people (names) and its retention setting. Either all of it is gone or, when anything fails or
 * the window closes half-way, IndexedDB aborts the transaction and the group is exactly as it was:
 * there is no half-deleted group to resume.
 *
 * A Community's topics are channels of the group (issue 18 §2), each under its own key: deleting the
 * Community deletes its topics too, in the same transaction (they would otherwise stay, listed on
 * their own); deleting a topic deletes that topic only.
 *
 * A million-message group must not freeze the window: the messages go in key ranges of `chunk`
 * rows (IndexedDB's own delete(range), one request per chunk), and `onProgress` hears after each,
 * between IndexedDB requests, so the page stays responsive and can draw a progress bar.
 */
import Dexie from 'dexie'
import { db as appDb, type AppDB } from './app-db'
import { deleteRange } from './delete-range'
import { groupIdOf, workspaceOfKey } from './group-key'
import { bySeq } from './pager'
import { projections, projectionTables } from './projections'
import { retentionKey } from './settings'

/** Stops (or resumes) syncing a group: Sync all and the scheduled sync skip it; its archive stays. */
export async function setSyncStopped(gk: string, stopped: boolean, database: AppDB = appDb): Promise<void> {
  await database.groups.update(gk, { syncStopped: stopped })
}

export interface DeleteProgress {
  /** Messages deleted so far (of this transaction: none of it is kept unless all of it commits). */
  done: number
  /** Messages the group holds (a Community's: with its topics'). */
  total: number
}

/** The keys of a Community's topics in the store (none for a topic or any other group). */
export async function topicKeysOf(gk: string, database: AppDB = appDb): Promise<string[]> {
  const ws = workspaceOfKey(gk)
  const groupId = groupIdOf(gk)
  const rows = await database.groups.where('workspaceId').equals(ws).toArray()
  return rows.filter((r) => r.topic?.groupId === groupId && r.gk !== gk).map((r) => r.gk)
}

export interface DeleteResult {
  messages: number
}

/** Messages deleted per IndexedDB request (and per progress report). */
const CHUNK = 5000

/**
 * Deletes the group and everything derived from it, all or nothing (see the header). Resolves with
 * the number of messages deleted; a group that is not in the store deletes nothing.
 */
export async function deleteGroup(
  gk: string,
  opts: { onProgress?: (p: DeleteProgress) => void; chunk?: number } = {},
  database: AppDB = appDb
): Promise<DeleteResult> {
  const chunk = opts.chunk ?? CHUNK
  const derived = projectionTables(projections).map((name) => database.table(name))
  const tables = [database.groups, database.messages, database.coverage, ...derived, database.settings, database.people]
  return database.transaction('rw', tables, async (tx) => {
    // The topics first, the group last: the sidebar never shows a topic without its group.
    const units = [...(await topicKeysOf(gk, database)), gk]
    let total = 0
    for (const unit of units) total += await bySeq(database.messages, unit).count()
    let done = 0
    opts.onProgress?.({ done, total })
    for (const unit of units) {
      for (;;) {
        // The next chunk's last key; every key before it (this unit's, in seq order) goes with it.
        const keys = await bySeq(database.messages, unit).limit(chunk).primaryKeys()
        if (!keys.length) break
        await deleteRange(tx, database.messages.name, [unit, Dexie.minKey], keys[keys.length - 1])
        done += keys.length
        opts.onProgress?.({ done, total })
      }
      for (const projection of projections) await projection.forget(tx, unit)
      await database.coverage.delete(unit)
      await database.settings.delete(retentionKey(unit))
      await database.people.where('[gk+account]').between([unit, Dexie.minKey], [unit, Dexie.maxKey]).delete()
      // Last, through Dexie: the group list's liveQuery hears of it and the group leaves the sidebar.
      await database.groups.delete(unit)
    }
    return { messages: done }
  })
}
