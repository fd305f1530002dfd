/**
 * The health report for groups in the store: their messages stream from IndexedDB a page at a
 * time through the [gk+seq] primary key (lib/db/pager.ts; never a whole group at once: a group may hold a million
 * messages) into the same HealthAccumulator the CLI uses, with the coverage and the group rows
 * (last sync, last error) as the sync state. Cancellable between pages.
 *
 * Media (issue 17 §5): the app's store holds messages, the host holds what became of their media
 * (services/media.ts, the ledger). `mediaOutcomes(groupId)` (media.outcomes) answers a group's
 * recorded outcomes by key; each message gets its objects' outcomes as `_archive.media`, as a
 * `pull --media` line carries them, so the report counts saved, expired, refused, failed and not
 * kept yet exactly as `tim-archive report` does.
 *
 * People (issue 18 §1): each group's senders are counted as `tim-archive report` counts them, and
 * where the people table names the group's people, the report's people line and top senders carry
 * their current names (shared/report/health.ts peopleHealth), as the CLI's report does from the
 * context file.
 */
import { HealthAccumulator, countSender, peopleHealth, type ArchiveHealth, type GroupSyncState } from '@shared/report/health'
import { mergeMediaNote, type ArchivedMessage, type MediaNote } from '@shared/archive-record'
import type { MediaOutcomeNote } from '@shared/ipc/contract'
import { mediaInMessage, mediaKey } from '@shared/media/objects'
import { db as appDb, importedWorkspaceId, type AppDB } from '@renderer/lib/db/app-db'
import type { GroupView } from '@renderer/lib/db/groups-repo'
import { pages } from '@renderer/lib/db/pager'
import { formatNumber, translate, type Locale } from '@renderer/lib/i18n/core'
import { peopleOf } from '@renderer/lib/people/people-repo'

export interface HealthProgress {
  /** Messages read so far, and the total the group rows announce. */
  done: number
  total: number
}

export class HealthCancelled extends Error {
  override readonly name = 'HealthCancelled'
  constructor() {
    super('The health report was cancelled')
  }
}

/**
 * The name each group has in the report: its group ID, unless the same ID is listed twice (an
 * imported copy of a connected group), when the imported one says so.
 */
export function reportIds(groups: readonly GroupView[]): Map<string, string> {
  const seen = new Map<string, number>()
  for (const g of groups) seen.set(g.row.groupId, (seen.get(g.row.groupId) ?? 0) + 1)
  return new Map(
    groups.map((g) => [
      g.row.gk,
      (seen.get(g.row.groupId) ?? 0) > 1 && g.row.workspaceId === importedWorkspaceId ? `${g.row.groupId} (imported)` : g.row.groupId
    ])
  )
}

/** What the store knows of a group's syncs, in the report's terms. */
export function syncStateOf(g: GroupView): GroupSyncState {
  const e = g.row.lastError
  return {
    ranges: g.coverage.ranges,
    floor: g.coverage.floor,
    top: g.coverage.top,
    ...(g.row.lastSyncAt !== null ? { lastSyncAt: new Date(g.row.lastSyncAt).toISOString() } : {}),
    ...(e ? { errors: [typeof e.code === 'number' ? { code: e.code, message: e.message } : { message: `${e.code}: ${e.message}` }] } : {})
  }
}

/**
 * The summary's "3 groups, 4 topics" (a Community's topics counted apart from groups, as
 * `tim-archive report` does: shared/report/render.ts groupsAndTopics), in the UI language.
 */
export function unitsText(totals: Pick<ArchiveHealth['totals'], 'groups' | 'topics'>, locale: Locale): string {
  const n = (count: number) => ({ count, n: formatNumber(locale, count) })
  const groups = translate(locale, 'health.unitsGroups', n(totals.groups))
  if (!totals.topics) return groups
  return translate(locale, 'health.unitsWithTopics', { groups, topics: translate(locale, 'health.unitsTopics', n(totals.topics)) })
}

export async function computeHealth(
  groups: readonly GroupView[],
  opts: {
    pageSize?: number
    signal?: AbortSignal
    onProgress?: (p: HealthProgress) => void
    now?: Date
    /** The host's recorded media outcomes of a group, by key (media.outcomes); none: the messages' own notes only. */
    mediaOutcomes?: (groupId: string) => Promise<Record<string, MediaOutcomeNote>>
    /**
     * Each group's name by its key, as the dialog shows it ("Group / Topic" for a Community topic,
     * db/channel-name.ts): written into the report (`GroupHealth.name`), so its HTML/JSON/text
     * files name a row as the dialog does, "Name (ID)", as `tim-archive report` does with a context file.
     */
    names?: ReadonlyMap<string, string>
  } = {},
  store: AppDB = appDb
): Promise<ArchiveHealth> {
  const pageSize = opts.pageSize ?? 2000
  const ids = reportIds(groups)
  const states: Record<string, GroupSyncState> = {}
  // Imported archives carry no sync state: the report shows their gaps instead of holes.
  for (const g of groups) if (g.row.workspaceId !== importedWorkspaceId) states[ids.get(g.row.gk)!] = syncStateOf(g)
  const acc = new HealthAccumulator(states)
  const total = groups.reduce((n, g) => n + g.row.stats.messages, 0)
  let done = 0
  opts.onProgress?.({ done, total })
  // Messages per sender per group (by the report's group ID), for the people line.
  const senders = new Map<string, Map<string, number>>()
  for (const g of groups) {
    const id = ids.get(g.row.gk)!
    const outcomes = opts.mediaOutcomes ? await opts.mediaOutcomes(g.row.groupId).catch(() => ({})) : {}
    const anyOutcome = Object.keys(outcomes).length > 0
    const counts = new Map<string, number>()
    senders.set(id, counts)
    for await (const page of pages(store.messages, g.row.gk, { size: pageSize, signal: opts.signal })) {
      for (const row of page) {
        acc.add(anyOutcome ? withOutcomes(row.raw, outcomes) : row.raw, id)
        countSender(counts, row.raw.From_Account)
      }
      done += page.length
      opts.onProgress?.({ done, total: Math.max(total, done) })
    }
    if (opts.signal?.aborted) throw new HealthCancelled()
  }
  if (opts.signal?.aborted) throw new HealthCancelled()
  const health = acc.finish(opts.now)
  const byId = new Map(health.groups.map((h) => [h.groupId, h]))
  for (const g of groups) {
    const id = ids.get(g.row.gk)!
    const h = byId.get(id)
    const name = opts.names?.get(g.row.gk)
    if (h && name) h.name = name
    const counts = senders.get(id)
    if (!h || !counts?.size) continue
    const people = new Map((await peopleOf(g.row.gk, store)).map((p) => [p.account, p]))
    // Without names known (never resolved) the report says nothing of people, as the CLI's without a context file.
    if (people.size) h.people = peopleHealth(counts, (account) => people.get(account))
  }
  return health
}

/** The message with the host's outcomes of its media objects added to `_archive.media`. */
export function withOutcomes(m: ArchivedMessage, outcomes: Readonly<Record<string, MediaOutcomeNote>>): ArchivedMessage {
  let notes: Record<string, MediaNote> | null = null
  for (const ref of mediaInMessage(m)) {
    const key = mediaKey(ref)
    const o = Object.hasOwn(outcomes, key) ? outcomes[key] : undefined
    if (!o) continue
    notes ??= { ...m._archive?.media }
    notes[key] = mergeMediaNote(notes[key], { ...o })
  }
  return notes ? { ...m, _archive: { ...m._archive, media: notes } } : m
}

/** A file name for the report: `health-<what>-<YYYY-MM-DD>.<ext>`, safe on every platform. */
export function reportFileName(what: string, ext: 'html' | 'json', now = new Date()): string {
  const safe =
    what
      .replace(/[^\p{L}\p{N}._-]+/gu, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 60) || 'archive'
  return `health-${safe}-${now.toISOString().slice(0, 10)}.${ext}`
}

/** Saves text as a download (browser mode: the browser's download; Electron: its save handling). */
export function download(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
