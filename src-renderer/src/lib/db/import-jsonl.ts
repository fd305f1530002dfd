/**
 * Imports a JSON Lines archive (as written by `tim-archive pull`: one message a line,
 * `{"GroupId": …, …API fields…, "_archive"?: …}`) into the workspace 'imported'.
 *
 * The file is streamed (file.stream() → TextDecoderStream → lines), never read whole, and
 * committed in chunks of about 2000 lines, each chunk one transaction with the archive's merge
 * rule, so importing the same file twice changes nothing and a file never replaces archived content
 * with less.
 *
 * The file is read twice: a first pass checks every line (shared/record-line: the types of every
 * field the archive relies on), so a file with one bad line stores nothing and the error names the
 * line and the field (issue 15 item 2); the second pass imports. Progress runs over both passes.
 *
 * Coverage: a file says nothing about which seqs are complete, except that a run of consecutive
 * seqs that are all present is complete. Those runs are recorded; the floor stays unknown.
 */
import {
  contentFingerprint,
  hasVersions,
  mergeArchivedCopies,
  mergeMediaNotes,
  mergeMessage,
  migrateRecord,
  sameRecord,
  type ArchivedMessage,
  type ArchiveMeta,
  type MediaNote,
  type MergeOutcome
} from '@shared/archive-record'
import { describeRecordProblem, parseRecordLine, type RecordProblem } from '@shared/record-line'
import { addRange, type Coverage, type SeqRange } from '@shared/coverage'
import type { GroupProfile } from '@shared/ipc/contract'
import type { RawMessage } from '@shared/tim-types'
import { db as appDb, importedWorkspaceId, type AppDB } from './app-db'
import { unitKey } from '@shared/archive-record'
import { groupKey } from './group-key'
import { addCounts, writeGroups, zeroCounts, type CommitCounts, type GroupWrite } from './archive-repo'

export const importChunkLines = 2000

export interface ImportProgress {
  bytesRead: number
  totalBytes: number
  /** Lines checked so far (blank ones included); the file's line count while importing. */
  lines: number
  /** Distinct messages committed so far (a later line of the same seq, as `pull --media` writes, counts once). */
  messages: number
}

export interface ImportResult extends CommitCounts {
  lines: number
  messages: number
  /**
   * Group keys that received records. A topic's lines go to the topic's channel (db/group-key.ts),
   * its seqs apart from its group's.
   */
  groups: string[]
}

/** A line of the file is not a valid record: nothing of the file was imported. */
export class ImportLineError extends Error {
  override name = 'ImportLineError'
  constructor(
    readonly line: number,
    readonly problem: RecordProblem
  ) {
    super(`${describeRecordProblem(line, problem)}. Nothing was imported.`)
  }
}

export function importedProfile(groupId: string): GroupProfile {
  return { groupId, name: groupId, type: 'Imported', archivable: false, reason: 'imported from a file' }
}

/** A line's unit: its topic's ID when its TopicId is one of its group's topics, else its group's ID; null when its TopicId is not its group's. */
function lineUnit(r: ArchivedMessage): string {
  // parseRecordLine refuses a TopicId that is not a topic of the line's group (shared/record-line.ts).
  return r.TopicId === undefined || r.TopicId === '' ? r.GroupId : unitKey(r.GroupId, r.TopicId)
}

/**
 * The merge rule for an imported record, which is an archived record (maybe with its own
 * `_archive.server` note and `_archive.media` outcomes), not a fresh server observation:
 * - same API fields as the archive: keep the archive, adding the file's server note if it has one
 *   and the archive has none;
 * - otherwise the shared rule (content beats a placeholder; differing content is kept and the
 *   file's copy is noted as the server's);
 * - media outcomes are the union of the archive's and the file's (shared/archive-record.ts
 *   mergeMediaNotes, the rule pull's readers use for the later line of a seq that `pull --media`
 *   appends): a saved object stays saved, no outcome is lost. A line that adds only media notes
 *   counts as 'upgraded'.
 */
export function mergeImported(
  existing: ArchivedMessage | undefined,
  incoming: RawMessage,
  groupId: string,
  seenAt: Date
): { record: ArchivedMessage; outcome: MergeOutcome } {
  const merged = mergeImportedContent(existing, incoming, groupId, seenAt)
  const rec = incoming as ArchivedMessage
  const media = mergeMediaNotes(existing?._archive?.media, mediaNotesOf(rec))
  const have = merged.record._archive?.media
  if (!media || (have && JSON.stringify(have) === JSON.stringify(media))) return merged
  const record: ArchivedMessage = { ...merged.record, _archive: { ...merged.record._archive, media } }
  return { record, outcome: merged.outcome === 'unchanged' ? 'upgraded' : merged.outcome }
}

/** A line's `_archive.media`: only entries that are notes (an object with a string status). */
function mediaNotesOf(rec: ArchivedMessage): Record<string, MediaNote> | undefined {
  const media: unknown = rec._archive && typeof rec._archive === 'object' ? rec._archive.media : undefined
  if (!media || typeof media !== 'object' || Array.isArray(media)) return undefined
  const out: Record<string, MediaNote> = {}
  for (const [k, n] of Object.entries(media as Record<string, unknown>)) {
    if (n && typeof n === 'object' && !Array.isArray(n) && typeof (n as MediaNote).status === 'string') out[k] = n as MediaNote
  }
  return Object.keys(out).length > 0 ? out : undefined
}

function mergeImportedContent(
  existingRecord: ArchivedMessage | undefined,
  incoming: RawMessage,
  groupId: string,
  seenAt: Date
): { record: ArchivedMessage; outcome: MergeOutcome } {
  // The file's line and the archive, both in the current form (an older file's changed-body note
  // becomes a version: shared/archive-record.ts migrateRecord).
  const rec = migrateRecord(incoming as ArchivedMessage)
  const existing = existingRecord && migrateRecord(existingRecord)
  const note = rec._archive && typeof rec._archive === 'object' ? rec._archive.server : undefined
  if (!existing) {
    const record: ArchivedMessage = { ...rec, GroupId: groupId }
    const meta: ArchiveMeta = {}
    if (note) meta.server = note
    // The file's versions (issue 18 §5): every copy the file's archiver saw.
    if (hasVersions(rec)) {
      const { versions, seenAt: at, versionsDropped } = rec._archive!
      Object.assign(meta, { versions, seenAt: at, versionsDropped })
      for (const k of ['seenAt', 'versionsDropped'] as const) if (meta[k] === undefined) delete meta[k]
    }
    if (Object.keys(meta).length > 0) record._archive = meta
    else delete record._archive
    return { record, outcome: 'new' }
  }
  if (hasVersions(rec) || hasVersions(existing)) {
    // Either side knows earlier versions: the union of both histories (mergeArchivedCopies), the
    // file's line as the later copy; media notes are merged by the caller.
    const { media: _m, ...fileMeta } = rec._archive ?? {}
    const file: ArchivedMessage = { ...rec, GroupId: groupId, _archive: fileMeta }
    const record = mergeArchivedCopies(existing, file, seenAt)
    if (sameRecord(record, existing)) return { record: existing, outcome: existing === existingRecord ? 'unchanged' : 'upgraded' }
    return { record, outcome: 'edited' }
  }
  if (contentFingerprint(existing) === contentFingerprint(rec)) {
    if (note && !existing._archive?.server) {
      return { record: { ...existing, _archive: { ...existing._archive, server: note } }, outcome: 'server-changed' }
    }
    return { record: existing, outcome: 'unchanged' }
  }
  const merged = mergeMessage(existing, rec, groupId, seenAt)
  if (merged.outcome === 'upgraded' && note && !merged.record._archive?.server) {
    merged.record = { ...merged.record, _archive: { ...merged.record._archive, server: note } }
  }
  return merged
}

/** Runs of consecutive seqs: each is complete, since every seq in it is present. */
export function consecutiveRuns(seqs: number[]): SeqRange[] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b)
  const out: SeqRange[] = []
  for (const s of sorted) {
    const last = out[out.length - 1]
    if (last && s === last[1] + 1) last[1] = s
    else out.push([s, s])
  }
  return out
}

function importCoverage(messages: RawMessage[]): (before: Coverage) => Coverage {
  return (before) => {
    let cov = before
    for (const r of consecutiveRuns(messages.map((m) => m.MsgSeq))) cov = addRange(cov, r)
    return cov
  }
}

/** Lines of a file, streamed; `onBytes` hears how many bytes each chunk had. */
async function* fileLines(file: File, onBytes: (n: number) => void): AsyncGenerator<string> {
  const counter = new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
    transform(chunk, controller) {
      onBytes(chunk.byteLength)
      controller.enqueue(chunk)
    }
  })
  // TextDecoderStream drops a UTF-8 BOM and keeps multi-byte characters split across chunks whole.
  const reader = file.stream().pipeThrough(counter).pipeThrough(new TextDecoderStream()).getReader()
  let carry = ''
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      const parts = (carry + value).split('\n')
      carry = parts.pop() ?? ''
      for (const part of parts) yield part.endsWith('\r') ? part.slice(0, -1) : part
    }
    if (carry !== '') yield carry.endsWith('\r') ? carry.slice(0, -1) : carry
  } finally {
    await reader.cancel().catch(() => {})
  }
}

export async function importJsonl(file: File, onProgress?: (p: ImportProgress) => void, database: AppDB = appDb): Promise<ImportResult> {
  const result: ImportResult = { ...zeroCounts(), lines: 0, messages: 0, groups: [] }
  const groupsSeen = new Set<string>()
  // Both passes read the file: progress counts the bytes of both, so it only moves forward.
  const totalBytes = file.size * 2
  let bytesRead = 0
  let lastReport = 0
  const report = () => onProgress?.({ bytesRead, totalBytes, lines: result.lines, messages: result.messages })

  // Pass 1: check every line; nothing is written until the whole file is known to be good.
  let lineNo = 0
  for await (const line of fileLines(file, (n) => (bytesRead += n))) {
    lineNo++
    if (line.trim() === '') continue
    const r = parseRecordLine(line)
    if (!r.ok) throw new ImportLineError(lineNo, r.problem)
    if (lineNo - lastReport >= importChunkLines) {
      lastReport = lineNo
      result.lines = lineNo
      report()
    }
  }
  result.lines = lineNo
  bytesRead = file.size

  // Pass 2: import in chunks. The seqs seen per group, so that a later line of a seq (pull --media
  // appends one with the message's media outcomes) is not counted as another message.
  const seqsSeen = new Map<string, Set<number>>()
  let pending: ArchivedMessage[] = []
  const flush = async () => {
    if (!pending.length) return
    // By unit: a Community topic's lines go to the topic's own key (its seqs are its own).
    const byUnit = new Map<string, ArchivedMessage[]>()
    for (const r of pending) {
      const unit = lineUnit(r)
      let list = byUnit.get(unit)
      if (!list) byUnit.set(unit, (list = []))
      list.push(r)
    }
    const writes: GroupWrite[] = [...byUnit].map(([unit, messages]) => {
      const groupId = messages[0]!.GroupId
      const topic = unit === groupId ? undefined : unit
      return {
        gk: groupKey(importedWorkspaceId, unit),
        workspaceId: importedWorkspaceId,
        groupId: unit,
        messages,
        coverage: importCoverage(messages),
        // The records keep the Community's GroupId and their TopicId.
        merge: topic ? (e, m, _unit, at) => mergeImported(e, m, groupId, at) : mergeImported,
        profileIfMissing: importedProfile(unit),
        ...(topic ? { topicIfMissing: { groupId, name: '' } } : {})
      }
    })
    // A topic's group is listed too (the sidebar nests its topics under it), even with no lines of its own.
    for (const [unit, messages] of [...byUnit]) {
      const parent = messages[0]!.GroupId
      if (parent === unit || byUnit.has(parent)) continue
      byUnit.set(parent, [])
      writes.push({
        gk: groupKey(importedWorkspaceId, parent),
        workspaceId: importedWorkspaceId,
        groupId: parent,
        messages: [],
        coverage: (c) => c,
        merge: mergeImported,
        profileIfMissing: importedProfile(parent)
      })
    }
    const counts = await writeGroups(writes, database)
    Object.assign(result, addCounts(result, counts))
    for (const r of pending) {
      const unit = lineUnit(r)
      let seqs = seqsSeen.get(unit)
      if (!seqs) seqsSeen.set(unit, (seqs = new Set()))
      if (seqs.has(r.MsgSeq)) continue
      seqs.add(r.MsgSeq)
      result.messages++
    }
    for (const w of writes) groupsSeen.add(w.gk)
    result.groups = [...groupsSeen]
    pending = []
    report()
  }
  lineNo = 0
  for await (const line of fileLines(file, (n) => (bytesRead = Math.min(totalBytes, bytesRead + n)))) {
    lineNo++
    if (line.trim() === '') continue
    const r = parseRecordLine(line)
    // The file changed between the passes: stop, with what was committed so far kept.
    if (!r.ok) throw new ImportLineError(lineNo, r.problem)
    pending.push(r.record)
    if (pending.length >= importChunkLines) await flush()
  }
  await flush()
  bytesRead = totalBytes
  report()
  return result
}
