/**
 * The archive health report: for each group and for the whole archive, what is archived, what is
 * missing, and what the server has deleted, recalled or let expire.
 *
 * It is computed in one streaming pass: `add(message)` for every archived message in any order,
 * then `finish()`. Per group it keeps only compressed seq runs and counters, so a million messages
 * never sit in memory. Pure code: the CLI and the app both use it.
 *
 * Words, as the report uses them:
 * - archived: seqs with a line (a message or a placeholder) in the archive;
 * - covered: seq ranges a sync proved complete (the sync state's coverage);
 * - holes: covered seqs with no message from the oldest archived message up: the server never
 *   returned one (a seq it skipped);
 * - purged: covered seqs below the oldest archived message: history the server no longer holds
 *   (the sync found nothing there, e.g. a group whose seqs start near 7,800,000);
 * - missing: seqs between the start of history and the newest seq that no sync has covered yet;
 * - deleted / expired (IsPlaceMsg 1) and recalled (IsPlaceMsg 2): placeholders archived as such, the
 *   content was already gone when it was first pulled. The API says 1 for deleted, expired and never
 *   stored alike; retention expires the oldest messages, so a run of 1s at the very start of the
 *   archived history is counted as expired and every other 1 as deleted;
 * - removed later: archived with content, and a later recheck saw the server delete, recall or
 *   change it (`_archive.server`; a change is an edit, `_archive.versions`): the archive keeps the
 *   content, and every version of an edited message.
 * - media: the objects (image sizes, files, voice, videos) the archived messages reference, each
 *   once per group, by what `pull --media` recorded for it (`_archive.media`): saved, expired on
 *   the server before it was saved, refused, failed, no URL (old SDKs), or nothing yet: pending,
 *   at risk of expiring with the history.
 * - forwarded chats on the server: messages holding a forwarded chat (TIMRelayElem, nested ones
 *   included) whose messages Tencent keeps under a key (`JsonMsgKey`, over 12 KB) instead of in the
 *   message: no REST API reads them (docs/reference/tencent-im-api.md §9.8), so the archive has the
 *   title and summary only and can never expand them.
 */
import { isEdited, mergeMediaNote, type ArchivedMessage, type MediaNote } from '../archive-record'
import { mediaInMessage, mediaKey } from '../media/objects'
import { isComplete, missingRanges, type Coverage, type SeqRange } from '../coverage'
import { RunSet, countRuns, gapsBetween, subtractRuns } from './run-set'
import { bodyItems, maxRelayDepth, readEntry, relayContent, relayItem } from '../message-body'
import { shownName, type Person } from '../people'

/** What a sync recorded about a group (the CLI's FILE.jsonl.state.json, or the app's store). */
export interface GroupSyncState extends Coverage {
  /** ISO 8601. */
  lastSyncAt?: string
  /** Failures of the last sync, when the host recorded them. */
  errors?: { at?: string; code?: number; message: string }[]
}

export interface SeqRuns {
  count: number
  ranges: SeqRange[]
}

/** The media objects of a group's (or the archive's) messages, by what was recorded for each. */
export interface MediaHealth {
  /** Objects referenced, each once (by its identity key). */
  referenced: number
  saved: number
  /** Gone from the server (403/404/410) before they were saved. */
  expired: number
  /** Too big, a kind switched off, a host not allowed or a private address. */
  refused: number
  /** Tried and failed; the next pull tries again. */
  failed: number
  /** Elements without a URL (old SDKs): nothing to fetch. */
  noUrl: number
  /** No outcome recorded: not fetched yet (or pulled without --media). At risk. */
  pending: number
  /** Bytes of the saved objects on disk, each stored file once. */
  bytes: number
}

export interface GroupHealth {
  groupId: string
  /** Archived lines (messages and placeholders), distinct seqs. */
  messages: number
  /** Messages with content (IsPlaceMsg 0). */
  withContent: number
  system: number
  firstSeq: number | null
  lastSeq: number | null
  /** Unix seconds of the oldest and newest archived message. */
  firstTime: number | null
  lastTime: number | null
  archived: SeqRuns
  coverage: {
    /** False when no sync state is known: holes and missing are then unknown, gaps are shown. */
    known: boolean
    ranges: SeqRange[]
    floor: number | null
    top: number
    complete: boolean
    holes: SeqRuns
    purged: SeqRuns
    missing: SeqRuns
    /** Without a sync state: seqs between the first and last archived that have no line. */
    gaps: SeqRuns
  }
  deleted: SeqRuns
  expired: SeqRuns
  recalled: SeqRuns
  removedLater: {
    count: number
    deleted: SeqRuns
    recalled: SeqRuns
    changed: SeqRuns
  }
  /** Messages with a forwarded chat held on Tencent's server (JsonMsgKey): not expandable. */
  relayOnServer: SeqRuns
  lastSyncAt: string | null
  errors: { at?: string; code?: number; message: string }[]
  media: MediaHealth
  /** The group's name and type from the archive's context file (issue 18 §3), when there is one. */
  name?: string
  groupType?: string
  /** Who sent the archived messages, named from the context file (issue 18 §1), when the reader knows. */
  people?: PeopleHealth
}

export interface PeopleHealth {
  /** Distinct senders of archived messages. */
  senders: number
  /** Senders the context file names. */
  named: number
  /** Named senders the last member list did not have (they left; named from their profile). */
  formerMembers: number
  /** The most active senders, most messages first; `name` is their current name when known. */
  top: { account: string; name?: string; messages: number }[]
}

/** Senders counted per group at most (past it a group's new senders are not counted), and those listed. */
export const MAX_SENDERS = 200_000
export const TOP_SENDERS = 5

/**
 * Counts one message's sender into a group's counts: `tim-archive report` and the app's health
 * dialog count alike. The system sender (`@TIM#SYSTEM`, people/resolve.ts isSystemSender) is no person.
 */
export function countSender(counts: Map<string, number>, from: unknown): void {
  if (typeof from !== 'string' || from === '' || from === '@TIM#SYSTEM') return
  const c = counts.get(from)
  if (c !== undefined) counts.set(from, c + 1)
  else if (counts.size < MAX_SENDERS) counts.set(from, 1)
}

/**
 * Who sent a group's messages (issue 18 §1): senders, how many are named, how many left, and the
 * top senders by their current name, from whatever knows the group's people (the CLI's context
 * file, the app's people table). The same figures in `report` and the app's health dialog.
 */
export function peopleHealth(counts: ReadonlyMap<string, number>, personOf: (account: string) => Pick<Person, 'history' | 'member'> | undefined): PeopleHealth {
  let named = 0
  let formerMembers = 0
  for (const account of counts.keys()) {
    const p = personOf(account)
    if (!p) continue
    named++
    if (p.member === false) formerMembers++
  }
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_SENDERS)
    .map(([account, messages]) => {
      const p = personOf(account)
      const name = shownName(p?.history[p.history.length - 1])
      return { account, messages, ...(name ? { name } : {}) }
    })
  return { senders: counts.size, named, formerMembers, top }
}

/** "Bob (bob)", or the account alone when no name is known. */
export function personLabel(account: string, name?: string): string {
  return name && name !== account ? `${name} (${account})` : account
}

/** "Team chat (@TGS#1DEMOTEAM)", or the ID alone. */
export function groupLabel(g: { groupId: string; name?: string }): string {
  return g.name && g.name !== g.groupId ? `${g.name} (${g.groupId})` : g.groupId
}

/** A Community topic's ID (the group ID + `@TOPIC#_` + its part: docs/reference/tencent-im-api.md §9.3). */
export function isTopicId(id: string): boolean {
  return id.includes('@TOPIC#_')
}

export interface ArchiveHealth {
  format: 'tim-archive-health'
  version: 1
  generatedAt: string
  totals: {
    /** Groups, a Community's topics not counted (they are in `topics`). */
    groups: number
    completeGroups: number
    /** Groups a sync found empty on the server (counted in completeGroups too). */
    emptyGroups: number
    /** Groups with nothing archived that no sync has completed yet. */
    unsyncedGroups: number
    /** A Community's topics (issue 18 §2): rows whose ID is a topic ID, and those complete. */
    topics: number
    completeTopics: number
    messages: number
    withContent: number
    system: number
    holes: number
    purged: number
    missing: number
    gaps: number
    deleted: number
    expired: number
    recalled: number
    removedLater: number
    /** Of removedLater: messages edited on the server since archived (every version kept). */
    edited: number
    /** Messages with a forwarded chat held on Tencent's server (JsonMsgKey): not expandable. */
    relayOnServer: number
    firstTime: number | null
    lastTime: number | null
    lastSyncAt: string | null
    errors: number
    media: MediaHealth
  }
  groups: GroupHealth[]
}

class GroupAccumulator {
  readonly all = new RunSet()
  readonly place1 = new RunSet()
  readonly place2 = new RunSet()
  readonly laterDeleted = new RunSet()
  readonly laterRecalled = new RunSet()
  readonly laterChanged = new RunSet()
  readonly withContent = new RunSet()
  readonly system = new RunSet()
  readonly relayOnServer = new RunSet()
  firstTime: number | null = null
  lastTime: number | null = null
  /** Each media object once, by key, with what was recorded for it (null: nothing yet). */
  readonly media = new Map<string, MediaNote | null>()

  add(m: ArchivedMessage): void {
    const seq = m.MsgSeq
    this.all.add(seq)
    for (const ref of mediaInMessage(m)) {
      const key = mediaKey(ref)
      if (!this.media.has(key)) this.media.set(key, null)
    }
    const notes = m._archive?.media
    if (notes && typeof notes === 'object') {
      for (const [key, note] of Object.entries(notes)) {
        if (note && typeof note === 'object' && typeof note.status === 'string') this.media.set(key, mergeMediaNote(this.media.get(key) ?? undefined, note))
      }
    }
    if (m.IsPlaceMsg === 1) this.place1.add(seq)
    else if (m.IsPlaceMsg === 2) this.place2.add(seq)
    else this.withContent.add(seq)
    if (m.IsSystemMsg === 1) this.system.add(seq)
    if (hasRelayOnServer(m.MsgBody, 0)) this.relayOnServer.add(seq)
    const server = m._archive?.server
    if (server?.IsPlaceMsg === 1) this.laterDeleted.add(seq)
    else if (server?.IsPlaceMsg === 2) this.laterRecalled.add(seq)
    // Edited on the server since first archived, every version kept (issue 18 §5), in the
    // current form (`_archive.versions`) or an older archive's (a changed-body server note).
    else if (server || isEdited(m)) this.laterChanged.add(seq)
    const t = m.MsgTimeStamp
    if (typeof t === 'number' && Number.isFinite(t)) {
      if (this.firstTime === null || t < this.firstTime) this.firstTime = t
      if (this.lastTime === null || t > this.lastTime) this.lastTime = t
    }
  }
}

const runs = (ranges: SeqRange[]): SeqRuns => ({ count: countRuns(ranges), ranges })

export class HealthAccumulator {
  private readonly groups = new Map<string, GroupAccumulator>()

  /** `states`: the sync state per group, when known; groups there with no message are reported too. */
  constructor(private readonly states: Record<string, GroupSyncState> = {}) {}

  add(m: ArchivedMessage, groupId: string = m.GroupId): void {
    if (!Number.isSafeInteger(m.MsgSeq)) return
    let g = this.groups.get(groupId)
    if (!g) this.groups.set(groupId, (g = new GroupAccumulator()))
    g.add(m)
  }

  /** Every group's media objects as one map (group and key), so a file two groups share counts its bytes once. */
  private allMedia(): MediaHealth {
    const all = new Map<string, MediaNote | null>()
    for (const [id, g] of this.groups) for (const [key, note] of g.media) all.set(`${id}\u0000${key}`, note)
    return mediaHealth(all)
  }

  finish(now: Date = new Date()): ArchiveHealth {
    const ids = [...new Set([...this.groups.keys(), ...Object.keys(this.states)])].sort()
    const groups = ids.map((id) => groupHealth(id, this.groups.get(id) ?? new GroupAccumulator(), this.states[id]))
    const sum = (f: (g: GroupHealth) => number): number => groups.reduce((n, g) => n + f(g), 0)
    // A Community topic is a row of its own (its ID is the group ID + "@TOPIC#_…") but not a group.
    const topics = groups.filter((g) => isTopicId(g.groupId))
    const plain = groups.filter((g) => !isTopicId(g.groupId))
    const times = groups.flatMap((g) => [g.firstTime, g.lastTime]).filter((t): t is number => t !== null)
    const syncs = groups
      .map((g) => g.lastSyncAt)
      .filter((s): s is string => s !== null)
      .sort()
    return {
      format: 'tim-archive-health',
      version: 1,
      generatedAt: now.toISOString(),
      totals: {
        groups: plain.length,
        completeGroups: plain.filter((g) => g.coverage.complete).length,
        emptyGroups: plain.filter((g) => withoutMessages(g) === 'empty').length,
        unsyncedGroups: plain.filter((g) => withoutMessages(g) === 'never').length,
        topics: topics.length,
        completeTopics: topics.filter((g) => g.coverage.complete).length,
        messages: sum((g) => g.messages),
        withContent: sum((g) => g.withContent),
        system: sum((g) => g.system),
        holes: sum((g) => g.coverage.holes.count),
        purged: sum((g) => g.coverage.purged.count),
        missing: sum((g) => g.coverage.missing.count),
        gaps: sum((g) => g.coverage.gaps.count),
        deleted: sum((g) => g.deleted.count),
        expired: sum((g) => g.expired.count),
        recalled: sum((g) => g.recalled.count),
        removedLater: sum((g) => g.removedLater.count),
        edited: sum((g) => g.removedLater.changed.count),
        relayOnServer: sum((g) => g.relayOnServer.count),
        firstTime: times.length ? Math.min(...times) : null,
        lastTime: times.length ? Math.max(...times) : null,
        lastSyncAt: syncs.at(-1) ?? null,
        errors: sum((g) => g.errors.length),
        media: this.allMedia()
      },
      groups
    }
  }
}

/**
 * A group with no archived message, in one statement wherever it is shown (issue 15 item 6):
 * 'empty' when a sync proved the server has none (coverage complete: floor above the newest seq),
 * 'never' when no sync has covered anything yet; null when it has messages or no sync state
 * (an imported archive). The app's sidebar says the same (features/groups/group-status.ts).
 */
export function withoutMessages(g: GroupHealth): 'empty' | 'never' | null {
  if (g.messages > 0 || !g.coverage.known) return null
  if (g.coverage.complete) return 'empty'
  return g.coverage.ranges.length ? null : 'never'
}

function groupHealth(groupId: string, g: GroupAccumulator, state: GroupSyncState | undefined): GroupHealth {
  const archived = g.all.ranges()
  const place1 = g.place1.ranges()
  // Retention expires the oldest messages first: a run of IsPlaceMsg 1 that starts at the first
  // archived seq is what expired; any other IsPlaceMsg 1 was deleted (or never stored).
  const first = archived[0]?.[0] ?? null
  const lead = place1[0] && place1[0][0] === first ? place1[0] : null
  const expired = lead ? [lead] : []
  const deleted = lead ? place1.slice(1) : place1
  const known = !!state && Array.isArray(state.ranges)
  const covered = known ? state.ranges : []
  const cov: Coverage = known ? { ranges: state.ranges, floor: state.floor ?? null, top: state.top ?? 0 } : { ranges: [], floor: null, top: 0 }
  const missing = known
    ? missingRanges(cov)
        .map((m) => m.range)
        .reverse()
    : []
  const noLine = known ? subtractRuns(covered, archived) : []
  const holes = first === null ? [] : noLine.filter((r) => r[0] > first)
  const purged = first === null ? noLine : noLine.filter((r) => r[0] < first)
  const laterDeleted = g.laterDeleted.ranges()
  const laterRecalled = g.laterRecalled.ranges()
  const laterChanged = g.laterChanged.ranges()
  return {
    groupId,
    messages: countRuns(archived),
    withContent: g.withContent.count(),
    system: g.system.count(),
    firstSeq: first,
    lastSeq: archived.at(-1)?.[1] ?? null,
    firstTime: g.firstTime,
    lastTime: g.lastTime,
    archived: runs(archived),
    coverage: {
      known,
      ranges: covered,
      floor: cov.floor,
      top: cov.top,
      complete: known && isComplete(cov),
      holes: runs(holes),
      purged: runs(purged),
      missing: runs(missing),
      gaps: runs(known ? [] : gapsBetween(archived))
    },
    deleted: runs(deleted),
    expired: runs(expired),
    recalled: runs(g.place2.ranges()),
    removedLater: {
      count: countRuns(laterDeleted) + countRuns(laterRecalled) + countRuns(laterChanged),
      deleted: runs(laterDeleted),
      recalled: runs(laterRecalled),
      changed: runs(laterChanged)
    },
    relayOnServer: runs(g.relayOnServer.ranges()),
    lastSyncAt: state?.lastSyncAt ?? null,
    errors: state?.errors ?? [],
    media: mediaHealth(g.media)
  }
}

/** A forwarded chat (at any depth) whose messages are on the server under JsonMsgKey, not in MsgList. */
function hasRelayOnServer(body: unknown, depth: number): boolean {
  if (depth > maxRelayDepth) return false
  for (const el of bodyItems(body)) {
    const e = readEntry(el)
    if (e.kind !== 'element' || e.type !== 'TIMRelayElem') continue
    const relay = relayContent(e.content)
    if (!relay.list) {
      if (relay.jsonMsgKey !== undefined) return true
      continue
    }
    for (const v of relay.list) if (hasRelayOnServer(relayItem(v)?.body, depth + 1)) return true
  }
  return false
}

function emptyMedia(): MediaHealth {
  return { referenced: 0, saved: 0, expired: 0, refused: 0, failed: 0, noUrl: 0, pending: 0, bytes: 0 }
}

function mediaHealth(objects: ReadonlyMap<string, MediaNote | null>): MediaHealth {
  const h = emptyMedia()
  const files = new Set<string>()
  for (const note of objects.values()) {
    h.referenced++
    const status = note?.status
    if (status === 'saved') {
      h.saved++
      const sha = note!['sha256']
      const bytes = note!['bytes']
      if (typeof sha === 'string' && typeof bytes === 'number' && !files.has(sha)) {
        files.add(sha)
        h.bytes += bytes
      }
    } else if (status === 'expired') h.expired++
    else if (status === 'refused') h.refused++
    else if (status === 'failed') h.failed++
    else if (status === 'no-url') h.noUrl++
    else h.pending++
  }
  return h
}
