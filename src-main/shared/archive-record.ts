/**
 * How an archived message is stored and how a newly pulled copy is merged into it.
 *
 * An archived record is the message exactly as the API returned it, plus `GroupId`, plus at most
 * one extra key of the archiver's own, `_archive`. The rule: nothing archived is ever replaced by
 * less. When the server later reports a message as deleted, expired or recalled, the archived
 * content stays and `_archive.server` records what the server now says and when.
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

export interface ArchiveMeta {
  /** What the server returned on the latest pull when it differs from the archived content. */
  server?: ServerState
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
  _archive?: ArchiveMeta
}

/** True when the message carries content (a normal message, or a placeholder that kept a body). */
export function hasContent(m: RawMessage): boolean {
  if (m.IsPlaceMsg === 0 || m.IsPlaceMsg === undefined) return true
  const body = m.MsgBody
  return Array.isArray(body) ? body.length > 0 : !!body && Object.keys(body).length > 0
}

/** The API fields of a record, without GroupId and _archive: what the server sent. */
function apiFields(m: RawMessage): string {
  const { GroupId: _g, _archive: _a, ...rest } = m as ArchivedMessage
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

export type MergeOutcome = 'new' | 'unchanged' | 'upgraded' | 'server-changed'

/**
 * Merges a freshly pulled message into what is archived for the same (GroupId, MsgSeq).
 * - nothing archived → the new record;
 * - archived content, server now has a placeholder or a different body → archived content kept,
 *   `_archive.server` records the server's state;
 * - archived placeholder, server now has content → the content is taken (more, never less);
 * - same as archived → unchanged.
 */
export function mergeMessage(
  existing: ArchivedMessage | undefined,
  incoming: RawMessage,
  groupId: string,
  seenAt: Date = new Date()
): { record: ArchivedMessage; outcome: MergeOutcome } {
  const fresh: ArchivedMessage = { GroupId: groupId, ...incoming }
  delete (fresh as Partial<ArchivedMessage>)._archive
  if (!existing) return { record: fresh, outcome: 'new' }
  if (apiFields(existing) === apiFields(incoming)) {
    // The server agrees with the archive again: a stale server note is dropped.
    if (existing._archive?.server) {
      const { server: _s, ...meta } = existing._archive
      const record: ArchivedMessage = { ...existing }
      if (Object.keys(meta).length) record._archive = meta
      else delete record._archive
      return { record, outcome: 'server-changed' }
    }
    return { record: existing, outcome: 'unchanged' }
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
  const server: ServerState = { IsPlaceMsg: incoming.IsPlaceMsg ?? 0, seenAt: seenAt.toISOString() }
  if (hasContent(incoming)) server.MsgBody = incoming.MsgBody
  const prev = existing._archive?.server
  if (prev && prev.IsPlaceMsg === server.IsPlaceMsg && stableStringify(prev.MsgBody) === stableStringify(server.MsgBody)) {
    return { record: existing, outcome: 'unchanged' }
  }
  return { record: { ...existing, _archive: { ...existing._archive, server } }, outcome: 'server-changed' }
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
 * - the content follows mergeMessage (content is never replaced by a placeholder; a differing
 *   later body is noted as the server's);
 * - the server note is the later copy's, else the earlier's;
 * - media notes are the union (mergeMediaNotes): no outcome either line records is lost.
 */
export function mergeArchivedCopies(earlier: ArchivedMessage, later: ArchivedMessage): ArchivedMessage {
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
    record = { ...mergeMessage(earlier, api, earlier.GroupId).record }
    meta = { ...record._archive }
    const server = meta.server ?? later._archive?.server
    if (server) meta.server = server
  }
  const media = mergeMediaNotes(earlier._archive?.media, later._archive?.media)
  if (media) meta.media = media
  else delete meta.media
  if (Object.keys(meta).length > 0) record._archive = meta
  else delete record._archive
  return record
}
