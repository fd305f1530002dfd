/**
 * How an archived message is stored and how a newly pulled copy is merged into it.
 *
 * An archived record is the message exactly as the API returned it, plus `GroupId`, plus at most
 * one extra key of the archiver's own, `_archive`. The rule: nothing archived is ever replaced by
 * less. When the server later reports a message as deleted, expired or recalled, the archived
 * content stays and `_archive.server` records what the server now says and when.
 *
 * Edits (issue 18 §5). An admin can overwrite a message's MsgBody and CloudCustomData
 * (`v4/openim/modify_group_msg`, docs/reference/tencent-im-api.md §9.4) and the server keeps no old
 * version, so the archive is the only record. When a pull brings a different content copy of a
 * message the archive holds, the record's top-level fields become the server's current copy and the
 * copy it replaces is appended to `_archive.versions` (oldest first), with `_archive.seenAt` saying
 * when the current copy was first seen. A version is (MsgBody, CloudCustomData); an incoming copy
 * without CloudCustomData keeps the archived one (group_msg_get_simple does not document the
 * field, so its absence is "not sent", not "removed"). Bounded: at most `maxKeptVersions` earlier
 * versions are kept, the first (the original) always, and of those in between the ones that only
 * changed CloudCustomData go first, then the oldest (capHistory); `_archive.versionsDropped`
 * counts those not kept, so a hostile edit loop cannot grow a line without end. Nothing else is
 * ever dropped.
 *
 * Older archives kept only the original (top level) and the latest server copy as
 * `_archive.server` {IsPlaceMsg: 0, MsgBody, seenAt}; `migrateRecord` turns that form into the
 * one above on read, and every merge applies it first.
 */
import type { RawMessage } from './tim-types'

/** The archiver's own key on a record. Everything else on the record is the API's. */
export const archiveKey = '_archive'

export interface ServerState {
  /** IsPlaceMsg the server reported (1 deleted/expired, 2 recalled; 0 for a changed body). */
  IsPlaceMsg: number
  /** The server's copy when it differs from the archived content but is not a placeholder. */
  MsgBody?: RawMessage['MsgBody']
  /** When it was seen, ISO 8601. */
  seenAt: string
}

/** An earlier content copy of a message (issue 18 §5): what the server showed before an edit. */
export interface MessageVersion {
  /**
   * When the archive first saw this copy, ISO 8601. Absent on the copy archived first (it is the
   * message as sent, at MsgTimeStamp, unless an edit came before the first pull).
   */
  seenAt?: string
  MsgBody: RawMessage['MsgBody']
  /** Absent when the copy carried none. */
  CloudCustomData?: string
}

export interface ArchiveMeta {
  /**
   * What the server returned on the latest pull when it is a placeholder (deleted, expired,
   * recalled) over archived content. Older archives also used it with IsPlaceMsg 0 for a changed
   * body; migrateRecord turns that into a version.
   */
  server?: ServerState
  /** Earlier content copies, oldest first; the record's top-level fields are the current one. */
  versions?: MessageVersion[]
  /** When the current (top-level) copy was first seen: set once the message has earlier versions. */
  seenAt?: string
  /** How many versions between the first and the kept latest ones were not kept (the cap). */
  versionsDropped?: number
  /**
   * What happened to each media object the message references, by identity key
   * (`image:thumb:uuid:…`, shared/media/objects.ts): written by `pull --media` (issue 17 §1).
   */
  media?: Record<string, MediaNote>
}

/**
 * One media object's outcome as an archived line keeps it: src-main/media/outcome.ts MediaOutcome
 * (`saved` with bytes, sha256 and the sniffed type; `expired` with firstSeenAt; `refused` with a
 * reason; `failed` with the error; `no-url`). Structural here: shared/ needs no host types.
 */
export interface MediaNote {
  status: string
  firstSeenAt?: number
  [field: string]: unknown
}

export interface ArchivedMessage extends RawMessage {
  GroupId: string
  /** A Community topic's message: the topic it was pulled from (the archive's, like GroupId). */
  TopicId?: string
  _archive?: ArchiveMeta
}

/**
 * The sync unit a record belongs to: its topic, or its group for messages outside any topic. A
 * topic ID is the group ID + "@TOPIC#_" + a part of its own, so it never equals a group ID.
 */
export function unitKey(groupId: string, topicId?: string): string {
  return topicId ?? groupId
}

/** True when the message carries content (a normal message, or a placeholder that kept a body). */
export function hasContent(m: RawMessage): boolean {
  if (m.IsPlaceMsg === 0 || m.IsPlaceMsg === undefined) return true
  const body = m.MsgBody
  return Array.isArray(body) ? body.length > 0 : !!body && Object.keys(body).length > 0
}

/** The API fields of a record, without GroupId, TopicId and _archive: what the server sent. */
function apiFields(m: RawMessage): string {
  const { GroupId: _g, TopicId: _t, _archive: _a, ...rest } = m as ArchivedMessage
  return stableStringify(rest)
}

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(v) ?? 'null'
}

/** True when two records are the same, meta included (key order aside). */
export function sameRecord(a: ArchivedMessage, b: ArchivedMessage): boolean {
  return stableStringify(a) === stableStringify(b)
}

/** True when the record holds earlier versions (in the current form; see migrateRecord for the older one). */
export function hasVersions(m: ArchivedMessage): boolean {
  return storedVersions(m).length > 0
}

/** A compact fingerprint of what the server sent, to notice a changed message without keeping it. */
export function contentFingerprint(m: RawMessage): string {
  // FNV-1a 32-bit over the canonical JSON: collisions only cost a redundant merge.
  const s = apiFields(m)
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return `${s.length.toString(36)}.${(h >>> 0).toString(36)}`
}

export type MergeOutcome = 'new' | 'unchanged' | 'upgraded' | 'server-changed' | 'edited'

/**
 * The most earlier versions kept per message, besides the current one (see capHistory for which).
 * Twenty is far beyond what admins do by hand, and bounds a line at about twenty times a message's
 * size when a script overwrites it in a loop or a popular message gathers TUIKit replies.
 */
export const maxKeptVersions = 20

/** A content copy in a history: a version, or the current copy with `_archive.seenAt`. */
interface Copy extends MessageVersion {
  key: string
}

function copyKey(body: unknown, ccd: unknown): string {
  return stableStringify([body ?? null, ccd ?? null])
}

/** A version's identity: its MsgBody and CloudCustomData (by canonical JSON, not by fingerprint, to be exact). */
export function versionKey(v: Pick<MessageVersion, 'MsgBody' | 'CloudCustomData'>): string {
  return copyKey(v.MsgBody, v.CloudCustomData)
}

function version(body: RawMessage['MsgBody'], ccd: unknown, seenAt: string | undefined): MessageVersion {
  // seenAt first in the object, as the docs show it.
  const v: MessageVersion = seenAt !== undefined ? { seenAt, MsgBody: body } : { MsgBody: body }
  if (typeof ccd === 'string') v.CloudCustomData = ccd
  return v
}

function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}

/** A record's earlier versions as stored (only well-formed entries; data from a file is not trusted). */
function storedVersions(m: ArchivedMessage): MessageVersion[] {
  const list: unknown = isObj(m._archive) ? m._archive.versions : undefined
  if (!Array.isArray(list)) return []
  const out: MessageVersion[] = []
  for (const v of list) {
    if (!isObj(v) || !(Array.isArray(v.MsgBody) || isObj(v.MsgBody))) continue
    out.push(version(v.MsgBody as RawMessage['MsgBody'], v.CloudCustomData, typeof v.seenAt === 'string' ? v.seenAt : undefined))
  }
  return out
}

/**
 * The record in the current form: an older archive's changed-body note (`_archive.server` with
 * IsPlaceMsg 0 and a MsgBody that differs from the archived one) becomes the current copy, and the
 * archived content its first version. A note whose body equals the archived one (only other fields
 * had changed) says nothing a version can hold and is dropped; the next pull records what changed.
 * Returns the record itself when there is nothing to migrate.
 */
export function migrateRecord<T extends ArchivedMessage>(m: T): T {
  const meta = m._archive
  if (!isObj(meta)) return m
  const server = meta.server
  if (!isObj(server) || server.IsPlaceMsg !== 0) return m
  const { server: _s, ...rest } = meta
  const record = { ...m } as T
  if (server.MsgBody !== undefined && hasContent(m) && stableStringify(server.MsgBody) !== stableStringify(m.MsgBody)) {
    const versions = [...storedVersions(m), version(m.MsgBody, m.CloudCustomData, typeof rest.seenAt === 'string' ? rest.seenAt : undefined)]
    record.MsgBody = server.MsgBody as RawMessage['MsgBody']
    record._archive = { ...rest, versions, seenAt: typeof server.seenAt === 'string' ? server.seenAt : undefined }
    if (record._archive.seenAt === undefined) delete record._archive.seenAt
    return record
  }
  if (Object.keys(rest).length > 0) record._archive = rest
  else delete record._archive
  return record
}

/**
 * Every content copy of a message the archive holds, oldest first, the current one last (with
 * `seenAt` when it is known): what the timeline's versions dialog, search and exports read.
 * A message never edited has one (or, for a placeholder without content, none). Older archives'
 * form is read too (migrateRecord).
 */
export function messageVersions(m: ArchivedMessage): MessageVersion[] {
  return historyOf(migrateRecord(m)).map(({ key: _k, ...v }) => v)
}

/**
 * True when the archive has seen the message's MsgBody change: what the timeline marks "edited",
 * `is:edited` finds and exports call edited. A change of CloudCustomData alone is kept as a version
 * too but is not an edit a reader sees: TUIKit rewrites a message's CloudCustomData through the
 * client SDK's modifyMessage each time someone replies to it (`messageReplies`, TIMSDK
 * TUIChatModifyMessageHelper), so marking those would mark every message with replies.
 */
export function isEdited(m: ArchivedMessage): boolean {
  const meta = m._archive
  if (!isObj(meta) || (!Array.isArray(meta.versions) && !isObj(meta.server))) return false
  const bodies = new Set(messageVersions(m).map((v) => stableStringify(v.MsgBody)))
  return bodies.size > 1
}

function historyOf(m: ArchivedMessage): Copy[] {
  const out: Copy[] = storedVersions(m).map((v) => ({ ...v, key: versionKey(v) }))
  if (hasContent(m)) {
    const seenAt = isObj(m._archive) && typeof m._archive.seenAt === 'string' ? m._archive.seenAt : undefined
    const cur = version(m.MsgBody, m.CloudCustomData, seenAt)
    out.push({ ...cur, key: versionKey(cur) })
  }
  return out
}

/**
 * The union of two histories of the same message: every copy of either, ordered by when it was
 * first seen (a copy with no time, the original, first), consecutive equal copies collapsed. A
 * copy of `b` is already in `a` when `a` has the same content with the same time, or, when the
 * copy has no time, the same content at all. A copy of `b` new to `a` and without a time is dated
 * `fallbackSeenAt`: it is newer to `a` (two lines that each hold a different copy without times).
 * Merging a history with itself or with a part of itself gives it back unchanged.
 */
function unionHistory(a: Copy[], b: Copy[], fallbackSeenAt: string): Copy[] {
  const all = [...a]
  for (const x of b) {
    if (all.some((y) => y.key === x.key && (x.seenAt === undefined || y.seenAt === x.seenAt))) continue
    all.push(a.length > 0 && x.seenAt === undefined ? { ...x, seenAt: fallbackSeenAt } : x)
  }
  const sorted = all
    .map((c, i) => ({ c, i }))
    .sort((p, q) => {
      const ps = p.c.seenAt
      const qs = q.c.seenAt
      if (ps === qs) return p.i - q.i
      if (ps === undefined) return -1
      if (qs === undefined) return 1
      return ps < qs ? -1 : 1
    })
    .map((x) => x.c)
  const out: Copy[] = []
  for (const c of sorted) if (out.length === 0 || out[out.length - 1]!.key !== c.key) out.push(c)
  return out
}

/**
 * Applies the cap: at most `maxKeptVersions` earlier versions besides the current one. The first
 * (the original) and the current are always kept. Dropped first, oldest first: versions in between
 * whose MsgBody is the same as the next version's (they differ in CloudCustomData only, e.g.
 * TUIKit's reply bookkeeping), so every text an admin wrote is kept as long as possible; then the
 * oldest versions in between.
 */
function capHistory(h: Copy[]): { kept: Copy[]; dropped: number } {
  const limit = maxKeptVersions + 1
  if (h.length <= limit) return { kept: h, dropped: 0 }
  const kept = [...h]
  const body = (c: Copy): string => stableStringify(c.MsgBody)
  for (let i = 1; kept.length > limit && i < kept.length - 1;) {
    if (body(kept[i]!) === body(kept[i + 1]!)) kept.splice(i, 1)
    else i++
  }
  if (kept.length > limit) kept.splice(1, kept.length - limit)
  return { kept, dropped: h.length - kept.length }
}

function droppedOf(m: ArchivedMessage | undefined): number {
  const d = isObj(m?._archive) ? m._archive.versionsDropped : undefined
  return typeof d === 'number' && Number.isSafeInteger(d) && d > 0 ? d : 0
}

/**
 * The record with `history` as its content: the last copy on top (MsgBody, CloudCustomData), the
 * others as `_archive.versions`, `_archive.seenAt` the current copy's time. `known` is at least
 * how many copies the archive has seen in all, so `versionsDropped` counts the rest.
 */
function withHistory(record: ArchivedMessage, history: Copy[], known: number): ArchivedMessage {
  const { kept, dropped } = capHistory(history)
  const out: ArchivedMessage = { ...record }
  const meta: ArchiveMeta = { ...out._archive }
  delete meta.versions
  delete meta.seenAt
  delete meta.versionsDropped
  const cur = kept[kept.length - 1]
  if (cur && hasContent(record)) {
    out.MsgBody = cur.MsgBody
    if (cur.CloudCustomData !== undefined) out.CloudCustomData = cur.CloudCustomData
    else delete out.CloudCustomData
    if (kept.length > 1) {
      meta.versions = kept.slice(0, -1).map(({ key: _k, ...v }) => v)
      if (cur.seenAt !== undefined) meta.seenAt = cur.seenAt
      const lost = Math.max(dropped, known - kept.length)
      if (lost > 0) meta.versionsDropped = lost
    }
  } else if (kept.length > 0) {
    // No content on top (a line that claims versions under a placeholder): every copy stays a
    // version, since a version once kept is never dropped but by the cap.
    meta.versions = kept.map(({ key: _k, ...v }) => v)
    const lost = Math.max(dropped, known - kept.length)
    if (lost > 0) meta.versionsDropped = lost
  }
  if (Object.keys(meta).length > 0) out._archive = meta
  else delete out._archive
  return out
}

/**
 * Merges a freshly pulled message into what is archived for the same (GroupId, MsgSeq).
 * - nothing archived → the new record;
 * - archived content, server now has a placeholder → archived content kept, `_archive.server`
 *   records the server's state;
 * - archived content, server now has different content (an edit) → the server's copy becomes the
 *   current one and the archived copy is appended to `_archive.versions` ('edited');
 * - archived placeholder, server now has content → the content is taken (more, never less);
 * - same as archived → unchanged.
 * The archived record is first migrated from the older form (migrateRecord).
 */
export function mergeMessage(
  existingRecord: ArchivedMessage | undefined,
  incoming: RawMessage,
  groupId: string,
  seenAt: Date = new Date(),
  topicId: string | undefined = existingRecord?.TopicId
): { record: ArchivedMessage; outcome: MergeOutcome } {
  const fresh: ArchivedMessage = { GroupId: groupId, ...(topicId ? { TopicId: topicId } : {}), ...incoming }
  delete (fresh as Partial<ArchivedMessage>)._archive
  if (!existingRecord) return { record: fresh, outcome: 'new' }
  const existing = migrateRecord(existingRecord)
  const migrated = existing !== existingRecord
  if (apiFields(existing) === apiFields(incoming)) {
    // The server agrees with the archive again: a stale server note is dropped.
    if (existing._archive?.server) {
      const { server: _s, ...meta } = existing._archive
      const record: ArchivedMessage = { ...existing }
      if (Object.keys(meta).length) record._archive = meta
      else delete record._archive
      return { record, outcome: 'server-changed' }
    }
    return { record: existing, outcome: migrated ? 'upgraded' : 'unchanged' }
  }
  if (!hasContent(existing) && hasContent(incoming)) {
    const record: ArchivedMessage = existing._archive ? { ...fresh, _archive: existing._archive } : fresh
    return { record, outcome: 'upgraded' }
  }
  if (!hasContent(existing) && !hasContent(incoming)) {
    // Placeholder to placeholder (e.g. deleted → recalled): nothing to lose, take the server's.
    const record: ArchivedMessage = existing._archive ? { ...fresh, _archive: existing._archive } : fresh
    return { record, outcome: 'upgraded' }
  }
  if (isNormal(existing) && isNormal(incoming)) return mergeContent(existing, incoming, seenAt, migrated)
  const server: ServerState = { IsPlaceMsg: incoming.IsPlaceMsg ?? 0, seenAt: seenAt.toISOString() }
  if (hasContent(incoming)) server.MsgBody = incoming.MsgBody
  const prev = existing._archive?.server
  if (prev && prev.IsPlaceMsg === server.IsPlaceMsg && stableStringify(prev.MsgBody) === stableStringify(server.MsgBody)) {
    return { record: existing, outcome: migrated ? 'upgraded' : 'unchanged' }
  }
  return { record: { ...existing, _archive: { ...existing._archive, server } }, outcome: 'server-changed' }
}

/** A message the server shows as itself (not a deleted or recalled placeholder). */
function isNormal(m: RawMessage): boolean {
  return m.IsPlaceMsg === 0 || m.IsPlaceMsg === undefined
}

/**
 * Both the archive and the server have the message as content and some API field differs: an
 * edit when the content copy (MsgBody, CloudCustomData) differs, otherwise other fields changed and
 * are taken, with every archived field the server no longer sent kept.
 */
function mergeContent(existing: ArchivedMessage, incoming: RawMessage, seenAt: Date, migrated: boolean): { record: ArchivedMessage; outcome: MergeOutcome } {
  const { _archive: _a, ...api } = incoming as ArchivedMessage
  // The server no longer disputes the content: a placeholder note it gave before is stale.
  const meta: ArchiveMeta = { ...existing._archive }
  delete meta.server
  const base: ArchivedMessage = { ...existing, ...api, GroupId: existing.GroupId }
  if (!('CloudCustomData' in incoming) && existing.CloudCustomData !== undefined) base.CloudCustomData = existing.CloudCustomData
  if (Object.keys(meta).length > 0) base._archive = meta
  else delete base._archive
  const history = historyOf(existing)
  const before = history[history.length - 1]
  const cur = version(base.MsgBody, base.CloudCustomData, seenAt.toISOString())
  if (before && before.key === versionKey(cur)) {
    if (apiFields(base) === apiFields(existing) && !existing._archive?.server) return { record: existing, outcome: migrated ? 'upgraded' : 'unchanged' }
    return { record: base, outcome: 'upgraded' }
  }
  history.push({ ...cur, key: versionKey(cur) })
  return { record: withHistory(base, history, droppedOf(existing) + history.length), outcome: 'edited' }
}

/**
 * Two notes about the same media object, the later written after the earlier: a `saved` note is
 * never replaced by anything else (the bytes were kept; a later 404 does not undo that), two
 * expiries keep the earliest first sighting, otherwise the later note stands.
 */
export function mergeMediaNote(earlier: MediaNote | undefined, later: MediaNote): MediaNote {
  if (!earlier) return later
  if (earlier.status === 'saved' && later.status !== 'saved') return earlier
  if (earlier.status === 'expired' && later.status === 'expired' && typeof earlier.firstSeenAt === 'number' && typeof later.firstSeenAt === 'number') {
    return { ...later, firstSeenAt: Math.min(earlier.firstSeenAt, later.firstSeenAt) }
  }
  return later
}

/** The union of two copies' media notes: every key of either, merged per key. Undefined when both have none. */
export function mergeMediaNotes(
  earlier: Record<string, MediaNote> | undefined,
  later: Record<string, MediaNote> | undefined
): Record<string, MediaNote> | undefined {
  if (!earlier) return later
  if (!later) return earlier
  const out: Record<string, MediaNote> = { ...earlier }
  for (const [k, v] of Object.entries(later)) out[k] = mergeMediaNote(earlier[k], v)
  return out
}

/**
 * The merge rule for two archived copies of the same (GroupId, MsgSeq) in one archive file, the
 * later line after the earlier. `pull --media` appends such a later line to record media outcomes
 * (`_archive.media`) without rewriting the file, and a reader that keeps the last line of a seq sees
 * everything, since that line carries the union. A reader that meets both lines merges them here:
 * - the content follows mergeMessage (content is never replaced by a placeholder);
 * - the versions are the union of both copies' histories, in the order they were first seen
 *   (unionHistory), capped as mergeMessage caps them: no version either line holds is lost;
 * - the server note is the later copy's, else the earlier's;
 * - media notes are the union (mergeMediaNotes): no outcome either line records is lost.
 * `seenAt` dates a copy only when two copies without times disagree (see unionHistory).
 */
export function mergeArchivedCopies(earlierRecord: ArchivedMessage, laterRecord: ArchivedMessage, seenAt: Date = new Date()): ArchivedMessage {
  const earlier = migrateRecord(earlierRecord)
  const later = migrateRecord(laterRecord)
  let record: ArchivedMessage
  let meta: ArchiveMeta
  if (apiFields(earlier) === apiFields(later)) {
    record = { ...later }
    meta = { ...earlier._archive, ...later._archive }
    const server = later._archive?.server ?? earlier._archive?.server
    if (server) meta.server = server
  } else {
    const { _archive: _a, ...api } = later
    // A copy: mergeMessage may hand back `earlier` itself.
    record = { ...mergeMessage(earlier, api, earlier.GroupId, seenAt).record }
    meta = { ...record._archive }
    const server = meta.server ?? later._archive?.server
    if (server) meta.server = server
  }
  const media = mergeMediaNotes(earlier._archive?.media, later._archive?.media)
  if (media) meta.media = media
  else delete meta.media
  if (Object.keys(meta).length > 0) record._archive = meta
  else delete record._archive
  // Neither line has versions: mergeMessage above already recorded an edit between them, if any.
  if (storedVersions(earlier).length === 0 && storedVersions(later).length === 0) return record
  return mergeHistories(record, earlier, later, seenAt)
}

/** `record` (the merged top level) with the union of both copies' histories. */
function mergeHistories(record: ArchivedMessage, earlier: ArchivedMessage, later: ArchivedMessage, seenAt: Date): ArchivedMessage {
  const a = historyOf(earlier)
  const b = historyOf(later)
  const history = unionHistory(a, b, seenAt.toISOString())
  const known = Math.max(a.length + droppedOf(earlier), b.length + droppedOf(later), history.length)
  // Which copy is current follows the times, and the top level's other API fields come from the
  // copy that holds it.
  const cur = history[history.length - 1]
  let base = record
  if (cur && hasContent(record)) {
    const holder = [later, earlier].find((c) => hasContent(c) && versionKey(c) === cur.key)
    if (holder) {
      const { _archive: _h, ...api } = holder
      base = { ...record, ...api }
    }
  }
  return withHistory(base, history, known)
}
