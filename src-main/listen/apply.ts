/**
 * What each callback does to an archived message, by the archive's merge rule
 * (shared/archive-record.ts: nothing archived is replaced by less; an edit is a new version):
 * - a send: the message as sent is the original copy. With nothing archived it is the record; over
 *   a record already there (pulled, or an earlier send) it merges as the *earlier* copy, so a pull
 *   that saw an edited copy first still ends with the sent text as the original version;
 * - a modify: the new MsgBody becomes a version dated by the callback's EventTime, placed among the
 *   record's versions by time (an older edit that arrives late becomes an earlier version, not the
 *   current copy). The callback carries no CloudCustomData, so the archived one stays;
 * - a recall: the server's verdict (IsPlaceMsg 2) is recorded as `_archive.server` over the kept
 *   content, exactly as a pull that sees the recalled placeholder records it.
 * A modify or recall for a message not archived yet waits (the sink keeps it) and is applied, in
 * EventTime order, when the message's send arrives: `foldPending`.
 *
 * Pure: the PostgreSQL sink and the tests' memory sink both call these.
 */
import { hasContent, mergeArchivedCopies, mergeMessage, messageVersions, sameRecord, type ArchiveMeta, type ArchivedMessage } from '../shared/archive-record'
import type { RawMessage, MsgElement } from '../shared/tim-types'
import type { CallbackEvent } from './callback-body'

/** A modify or recall that is kept until its message is archived. */
export type PendingChange = { kind: 'modify'; eventTimeMs: number; msgBody: MsgElement[] } | { kind: 'recall'; eventTimeMs: number }

function apiOf(m: ArchivedMessage): RawMessage {
  const { _archive: _a, GroupId: _g, TopicId: _t, ...api } = m
  return api as RawMessage
}

/** The record after the message's send callback. */
export function applySend(existing: ArchivedMessage | undefined, sent: ArchivedMessage, receivedAt: Date): ArchivedMessage {
  if (!existing) return sent
  if (!hasContent(existing) && !existing._archive) {
    // A pulled placeholder (recalled or deleted before any copy was archived): the sent copy is
    // the content, the placeholder the server's verdict on it.
    const withContent = mergeMessage(undefined, apiOf(sent), sent.GroupId, receivedAt, sent.TopicId).record
    return mergeMessage(withContent, apiOf(existing), existing.GroupId, receivedAt, existing.TopicId).record
  }
  return mergeArchivedCopies(sent, existing, receivedAt)
}

/** The record after an edit seen at `eventTimeMs` (Group.CallbackAfterModifyMsg). */
export function applyModify(existing: ArchivedMessage, msgBody: MsgElement[], eventTimeMs: number): ArchivedMessage {
  if (!hasContent(existing)) return existing
  const seenAt = new Date(eventTimeMs)
  const history = messageVersions(existing)
  const original = history[0]
  const { _archive: _a, ...top } = existing
  const meta: ArchiveMeta = { seenAt: seenAt.toISOString() }
  if (original) meta.versions = [original]
  const candidate: ArchivedMessage = { ...top, MsgBody: msgBody, _archive: meta }
  return mergeArchivedCopies(existing, candidate, seenAt)
}

/** The record after a recall seen at `eventTimeMs` (Group.CallbackAfterRecallMsg). */
export function applyRecall(existing: ArchivedMessage, eventTimeMs: number): ArchivedMessage {
  const { CloudCustomData: _c, ...api } = apiOf(existing)
  const placeholder: RawMessage = { ...api, IsPlaceMsg: 2, MsgBody: [] }
  return mergeMessage(existing, placeholder, existing.GroupId, new Date(eventTimeMs), existing.TopicId).record
}

/** Applies waiting changes, oldest EventTime first. */
export function foldPending(record: ArchivedMessage, pending: readonly PendingChange[]): ArchivedMessage {
  let out = record
  for (const p of [...pending].sort((a, b) => a.eventTimeMs - b.eventTimeMs)) {
    out = p.kind === 'modify' ? applyModify(out, p.msgBody, p.eventTimeMs) : applyRecall(out, p.eventTimeMs)
  }
  return out
}

/** True when `next` adds nothing to `prev` (the write can be skipped). */
export function unchanged(prev: ArchivedMessage | undefined, next: ArchivedMessage): boolean {
  return prev !== undefined && sameRecord(prev, next)
}

/** Reads and writes of one transaction, as the sink gives them to applyEvent. */
export interface ApplyStore {
  get(groupId: string, topicId: string | undefined, seq: number): Promise<ArchivedMessage | undefined>
  put(record: ArchivedMessage): Promise<void>
  /** The changes waiting for the message at seq. */
  waiting(groupId: string, topicId: string | undefined, seq: number): Promise<PendingChange[]>
  wait(groupId: string, topicId: string | undefined, seq: number, change: PendingChange): Promise<void>
  /** The waiting changes of seq were applied. */
  applied(groupId: string, topicId: string | undefined, seq: number): Promise<void>
}

/** Applies one callback through `store` (inside the sink's transaction). */
export async function applyEvent(store: ApplyStore, event: CallbackEvent, receivedAt: Date): Promise<{ written: number; waiting: number }> {
  const { groupId, topicId } = event
  let written = 0
  let waiting = 0
  const write = async (prev: ArchivedMessage | undefined, next: ArchivedMessage): Promise<void> => {
    if (unchanged(prev, next)) return
    await store.put(next)
    written++
  }
  if (event.command === 'Group.CallbackAfterSendMsg') {
    const existing = await store.get(groupId, topicId, event.seq)
    const pending = await store.waiting(groupId, topicId, event.seq)
    await write(existing, foldPending(applySend(existing, event.record, receivedAt), pending))
    if (pending.length > 0) await store.applied(groupId, topicId, event.seq)
    return { written, waiting }
  }
  // Ascending, as a pull locks them: two transactions never wait on each other's rows in a circle.
  const seqs = event.command === 'Group.CallbackAfterRecallMsg' ? [...event.seqs].sort((a, b) => a - b) : [event.seq]
  const change: PendingChange =
    event.command === 'Group.CallbackAfterRecallMsg'
      ? { kind: 'recall', eventTimeMs: event.eventTimeMs }
      : { kind: 'modify', eventTimeMs: event.eventTimeMs, msgBody: event.msgBody }
  for (const seq of seqs) {
    const existing = await store.get(groupId, topicId, seq)
    if (!existing) {
      await store.wait(groupId, topicId, seq, change)
      waiting++
      continue
    }
    await write(existing, foldPending(existing, [change]))
  }
  return { written, waiting }
}
