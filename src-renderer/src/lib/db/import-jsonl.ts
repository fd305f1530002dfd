/**
 * Imports a JSON Lines archive (as written by `tim-archive pull`: one message a line,
 * `{"GroupId": …, …API fields…, "_archive"?: …}`) into the workspace 'imported'.
 *
 * The file is streamed (file.stream() → TextDecoderStream → lines), never read whole, and
 * committed in chunks of about 2000 lines, each chunk one transaction with the archive's merge
 * rule, so importing the same file twice changes nothing and a file never replaces archived content
 * with less. A line that is not a record stops the import with its line number; every chunk before
 * it (and the lines of its own chunk before it) stays imported.
 *
 * Coverage: a file says nothing about which seqs are complete, except that a run of consecutive
 * seqs that are all present is complete. Those runs are recorded; the floor stays unknown.
 */
import { contentFingerprint, mergeMessage, type ArchivedMessage, type MergeOutcome } from '@shared/archive-record'
import { addRange, type Coverage, type SeqRange } from '@shared/coverage'
import type { GroupProfile } from '@shared/ipc/contract'
import type { RawMessage } from '@shared/tim-types'
import { db as appDb, groupKey, importedWorkspaceId, type AppDB } from './app-db'
import { addCounts, writeGroups, zeroCounts, type CommitCounts, type GroupWrite } from './archive-repo'

export const importChunkLines = 2000

export interface ImportProgress {
  bytesRead: number
  totalBytes: number
  /** Lines read so far (blank ones included). */
  lines: number
  /** Records committed so far. */
  messages: number
}

export interface ImportResult extends CommitCounts {
  lines: number
  messages: number
  /** Group keys that received records. */
  groups: string[]
}

/** A line of the file is not a record; what came before it was imported (`imported`). */
export class ImportLineError extends Error {
  override name = 'ImportLineError'
  constructor(
    readonly line: number,
    readonly imported: ImportResult
  ) {
    super(
      `Line ${line} is not a tim-archive record (a JSON object with GroupId and MsgSeq). The ${imported.messages} records before it were imported; nothing after it was.`
    )
  }
}

export function importedProfile(groupId: string): GroupProfile {
  return { groupId, name: groupId, type: 'Imported', archivable: false, reason: 'imported from a file' }
}

/** Parses one line; null when it is not a record. */
export function parseRecord(line: string): ArchivedMessage | null {
  let v: unknown
  try {
    v = JSON.parse(line)
  } catch {
    return null
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null
  const r = v as Record<string, unknown>
  if (typeof r.GroupId !== 'string' || r.GroupId === '') return null
  if (typeof r.MsgSeq !== 'number' || !Number.isSafeInteger(r.MsgSeq) || r.MsgSeq < 1) return null
  return v as ArchivedMessage
}

/**
 * The merge rule for an imported record, which is an archived record (maybe with its own
 * `_archive.server` note), not a fresh server observation:
 * - same API fields as the archive: keep the archive, adding the file's server note if it has one
 *   and the archive has none;
 * - otherwise the shared rule (content beats a placeholder; differing content is kept and the
 *   file's copy is noted as the server's).
 */
export function mergeImported(
  existing: ArchivedMessage | undefined,
  incoming: RawMessage,
  groupId: string,
  seenAt: Date
): { record: ArchivedMessage; outcome: MergeOutcome } {
  const rec = incoming as ArchivedMessage
  const note = rec._archive && typeof rec._archive === 'object' ? rec._archive.server : undefined
  if (!existing) {
    const record: ArchivedMessage = { ...rec, GroupId: groupId }
    if (!note) delete record._archive
    return { record, outcome: 'new' }
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

export async function importJsonl(
  file: File,
  onProgress?: (p: ImportProgress) => void,
  database: AppDB = appDb
): Promise<ImportResult> {
  const result: ImportResult = { ...zeroCounts(), lines: 0, messages: 0, groups: [] }
  const groupsSeen = new Set<string>()
  let bytesRead = 0
  let pending: ArchivedMessage[] = []

  const flush = async () => {
    if (!pending.length) return
    const byGroup = new Map<string, ArchivedMessage[]>()
    for (const r of pending) {
      let list = byGroup.get(r.GroupId)
      if (!list) byGroup.set(r.GroupId, (list = []))
      list.push(r)
    }
    const writes: GroupWrite[] = [...byGroup].map(([groupId, messages]) => ({
      gk: groupKey(importedWorkspaceId, groupId),
      workspaceId: importedWorkspaceId,
      groupId,
      messages,
      coverage: importCoverage(messages),
      merge: mergeImported,
      profileIfMissing: importedProfile(groupId)
    }))
    const counts = await writeGroups(writes, database)
    Object.assign(result, addCounts(result, counts))
    result.messages += pending.length
    for (const w of writes) groupsSeen.add(w.gk)
    result.groups = [...groupsSeen]
    pending = []
    onProgress?.({ bytesRead, totalBytes: file.size, lines: result.lines, messages: result.messages })
  }

  const counter = new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
    transform(chunk, controller) {
      bytesRead += chunk.byteLength
      controller.enqueue(chunk)
    }
  })
  // TextDecoderStream drops a UTF-8 BOM and keeps multi-byte characters split across chunks whole.
  const reader = file.stream().pipeThrough(counter).pipeThrough(new TextDecoderStream()).getReader()
  let carry = ''

  const takeLine = async (raw: string) => {
    result.lines++
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (line.trim() === '') return
    const rec = parseRecord(line)
    if (!rec) {
      await flush()
      throw new ImportLineError(result.lines, { ...result, groups: [...groupsSeen] })
    }
    pending.push(rec)
    if (pending.length >= importChunkLines) await flush()
  }

  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      const parts = (carry + value).split('\n')
      carry = parts.pop() ?? ''
      for (const part of parts) await takeLine(part)
    }
    if (carry !== '') await takeLine(carry)
    await flush()
  } catch (e) {
    await reader.cancel().catch(() => {})
    throw e
  }
  onProgress?.({ bytesRead: file.size, totalBytes: file.size, lines: result.lines, messages: result.messages })
  return result
}
