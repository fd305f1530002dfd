/**
 * Groups and workspaces in the store: adding groups, recording sync outcomes, reading coverage.
 */
import { emptyCoverage, type Coverage } from '@shared/coverage'
import { toAppError } from '@shared/ipc/app-error'
import type { AppError, GroupProfile, Result, TopicProfile, WorkspaceInfo } from '@shared/ipc/contract'
import { db as appDb, emptyStats, importedWorkspaceId, type AppDB, type GroupRow } from './app-db'
import { groupKey } from './group-key'
import { defaultRetentionDays, retentionKey, workspaceRetentionKey } from './settings'

/** Adds groups (or refreshes the profile of ones already listed). Returns the keys of the new ones. */
export async function addGroups(
  workspaceId: string,
  profiles: GroupProfile[],
  database: AppDB = appDb,
  now = Date.now()
): Promise<{ added: string[]; refreshed: string[] }> {
  return database.transaction('rw', database.groups, async () => {
    const gks = profiles.map((p) => groupKey(workspaceId, p.groupId))
    const rows = await database.groups.bulkGet(gks)
    const added: string[] = []
    const refreshed: string[] = []
    const puts: GroupRow[] = profiles.map((profile, i) => {
      const gk = gks[i]!
      const row = rows[i]
      if (row) {
        refreshed.push(gk)
        return { ...row, profile }
      }
      added.push(gk)
      return {
        gk,
        workspaceId,
        groupId: profile.groupId,
        profile,
        addedAt: now,
        lastSyncAt: null,
        lastError: null,
        stats: emptyStats()
      }
    })
    await database.groups.bulkPut(puts)
    return { added, refreshed }
  })
}

/**
 * Adds a Community's topics as rows of their own (gk = `${workspaceId}|${topicId}`, db/group-key.ts),
 * or renames the ones already listed. `group` is the Community's profile: a topic is archivable as
 * its group is, and has its type (people.resolve pages a Community's members its own way).
 * Answers the keys of every topic given, in order. Topics the server no longer lists stay, with
 * what is archived of them.
 */
export async function addTopics(
  workspaceId: string,
  group: GroupProfile,
  topics: readonly TopicProfile[],
  database: AppDB = appDb,
  now = Date.now()
): Promise<string[]> {
  return database.transaction('rw', database.groups, async () => {
    const gks = topics.map((t) => groupKey(workspaceId, t.topicId))
    const rows = await database.groups.bulkGet(gks)
    const puts: GroupRow[] = []
    topics.forEach((t, i) => {
      const row = rows[i]
      const name = t.name || row?.topic?.name || ''
      const profile: GroupProfile = { groupId: t.topicId, name, type: group.type, archivable: group.archivable }
      const topic = { groupId: group.groupId, name }
      if (row) {
        if (row.profile.name !== name || row.topic?.name !== name || row.profile.archivable !== profile.archivable) {
          puts.push({ ...row, profile: { ...row.profile, ...profile }, topic })
        }
        return
      }
      puts.push({ gk: gks[i]!, workspaceId, groupId: t.topicId, profile, topic, addedAt: now, lastSyncAt: null, lastError: null, stats: emptyStats() })
    })
    if (puts.length) await database.groups.bulkPut(puts)
    return gks
  })
}

/**
 * What a sync of these group keys pulls: each key, and for a Community (its profile's type) its
 * topics: those the store lists (not stopped) and, through `listTopics` (get_topic), new ones, which
 * are added as rows first. A Community whose topics cannot be listed is still synced with the
 * topics already known; its error is answered for the caller to show.
 */
export async function withTopics(
  workspaceId: string,
  gks: readonly string[],
  listTopics: (groupId: string) => Promise<Result<TopicProfile[]>>,
  database: AppDB = appDb
): Promise<{ gks: string[]; errors: { groupId: string; error: AppError }[] }> {
  const out = new Set(gks)
  const errors: { groupId: string; error: AppError }[] = []
  const rows = await database.groups.bulkGet([...gks])
  for (const row of rows) {
    if (!row || row.topic || row.profile.type !== 'Community') continue
    const known = await database.groups
      .where('workspaceId')
      .equals(workspaceId)
      .filter((r) => r.topic?.groupId === row.groupId && !r.syncStopped)
      .primaryKeys()
    for (const gk of known) out.add(gk)
    const listed = await listTopics(row.groupId)
    if (!listed.ok) {
      errors.push({ groupId: row.groupId, error: listed.error })
      continue
    }
    const added = await addTopics(workspaceId, row.profile, listed.value, database)
    const stopped = await database.groups.bulkGet(added)
    added.forEach((gk, i) => {
      if (!stopped[i]?.syncStopped) out.add(gk)
    })
  }
  return { gks: [...out], errors }
}

/** What a sync run reported for one group: success sets lastSyncAt and clears the error. */
export async function recordSyncOutcome(
  gk: string,
  outcome: { ok: true } | { ok: false; error: AppError },
  database: AppDB = appDb,
  now = Date.now()
): Promise<void> {
  await database.groups.update(gk, outcome.ok ? { lastSyncAt: now, lastError: null } : { lastError: toAppError(outcome.error) })
}

/** The coverage the store holds for a group (what a sync should start from). */
export async function getCoverage(gk: string, database: AppDB = appDb): Promise<Coverage> {
  const row = await database.coverage.get(gk)
  return row ? { ranges: row.ranges, floor: row.floor, top: row.top } : emptyCoverage()
}

export async function saveWorkspace(info: WorkspaceInfo, database: AppDB = appDb, now = Date.now()): Promise<void> {
  const existing = await database.workspaces.get(info.id)
  await database.workspaces.put({ ...info, addedAt: existing?.addedAt ?? now })
}

/** A group as the UI lists it: its row, its coverage and its retention setting. */
export interface GroupView {
  row: GroupRow
  coverage: Coverage
  /** Days of history the server keeps for it (the admin's plan), for the "may expire unseen" warning. */
  retentionDays: number
}

/**
 * The groups "Sync all" and the scheduled sync pull: the connected workspace's own (not imported)
 * archivable groups, without those the admin stopped syncing.
 */
export function syncAllTargets(list: readonly GroupView[]): GroupView[] {
  // A Community's topics stop with it (Stop syncing on the group).
  const stopped = new Set(list.filter((g) => g.row.syncStopped && !g.row.topic).map((g) => `${g.row.workspaceId}|${g.row.groupId}`))
  return list.filter(
    (g) =>
      g.row.workspaceId !== importedWorkspaceId &&
      g.row.profile.archivable &&
      !g.row.syncStopped &&
      !(g.row.topic && stopped.has(`${g.row.workspaceId}|${g.row.topic.groupId}`))
  )
}

/**
 * Of the given group keys, those still in the store and not stopped: what Resume of a paused run
 * may sync again (a group deleted or stopped since the pause must not be pulled back in).
 */
export async function stillSyncing(gks: string[], database: AppDB = appDb): Promise<string[]> {
  const rows = await database.groups.bulkGet(gks)
  return gks.filter((_, i) => rows[i] && !rows[i]!.syncStopped)
}

/**
 * The groups of the given workspaces, each with its coverage and retention setting, the given
 * workspaces' order first, then by name. Meant to run inside liveQuery (only Dexie calls).
 */
export async function listGroups(workspaceIds: string[], database: AppDB = appDb): Promise<GroupView[]> {
  const rows = await database.groups.where('workspaceId').anyOf(workspaceIds).toArray()
  const gks = rows.map((r) => r.gk)
  const [covs, retention, planRows] = await Promise.all([
    database.coverage.bulkGet(gks),
    database.settings.bulkGet(gks.map(retentionKey)),
    database.settings.bulkGet(workspaceIds.map(workspaceRetentionKey))
  ])
  const days = (v: unknown): number | null => (typeof v === 'number' && v > 0 ? v : null)
  // A group's own setting wins; else its workspace's plan; else the free plan's 7 days.
  const plan = new Map(workspaceIds.map((ws, i) => [ws, days(planRows[i]?.value)]))
  const views = rows.map((row, i) => {
    const c = covs[i]
    return {
      row,
      coverage: c ? { ranges: c.ranges, floor: c.floor, top: c.top } : emptyCoverage(),
      retentionDays: days(retention[i]?.value) ?? plan.get(row.workspaceId) ?? defaultRetentionDays
    }
  })
  const order = (ws: string) => workspaceIds.indexOf(ws)
  return views.sort(
    (a, b) =>
      order(a.row.workspaceId) - order(b.row.workspaceId) || a.row.profile.name.localeCompare(b.row.profile.name) || a.row.groupId.localeCompare(b.row.groupId)
  )
}
