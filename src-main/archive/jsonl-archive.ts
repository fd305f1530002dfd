/**
 * A JSON Lines archive on disk: the CLI's sink for the sync engine.
 *
 * FILE.jsonl        one line per message: {"GroupId": …, …every field as the API returned it}
 *                   plus, only when needed, the archiver's own "_archive" key.
 * FILE.jsonl.state.json   coverage per group, and per Community topic keyed by its topic ID (the
 *                   resume point), written after the data it covers. A topic's lines carry TopicId.
 * FILE.jsonl.lock   held while a process writes the archive.
 *
 * Crash safety: a commit appends its new lines and fsyncs them, then replaces the state file
 * (writeFileAtomic: temp file, fsync, rename, fsync the folder). A kill between the two leaves
 * lines the state does not cover yet: they are pulled again on resume and recognised by
 * (GroupId, MsgSeq), so nothing is duplicated. A kill mid-append leaves a torn last line, which
 * open() cuts off. Changing an existing line (a message the server has since deleted or recalled)
 * rewrites the whole file to a temp name and commits it the same way; until that rewrite is done
 * the state does not claim the ranges involved. A message an admin has since edited is such a
 * change too: its line gets the server's copy on top and keeps every earlier one under
 * `_archive.versions` (shared/archive-record.ts mergeMessage).
 *
 * `pull --media` adds later lines of seqs already archived, each the archived record plus
 * `_archive.media` (annotate()); readers keep the last line of a seq (shared/archive-record.ts
 * mergeArchivedCopies). The hooks let it see every record as the file is opened and every new
 * record once it is durable, without a second pass over the file.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { open, readFile, unlink, type FileHandle } from 'node:fs/promises'
import { dirname, basename, join } from 'node:path'
import { createInterface } from 'node:readline'
import { once } from 'node:events'
import { archiveKey, unitKey, contentFingerprint, hasContent, mergeMessage, type ArchivedMessage } from '../shared/archive-record'
import { applyBatchCoverage, emptyCoverage, type Coverage } from '../shared/coverage'
import type { RawMessage } from '../shared/tim-types'
import type { ArchiveSink, SyncBatch } from './engine'
import { commit, writeFileAtomic } from '../fs/atomic-write'
import { acquirePidLock } from '../fs/pid-lock'

interface IndexEntry {
  /** Fingerprint of the archived API fields. */
  fp: string
  /** Fingerprint of the server state last noted under _archive.server, if any. */
  sfp?: string
  /**
   * Fingerprint of the last server copy merged into the line, when it differs from the line's
   * own (a copy without CloudCustomData merged into one with it): seen again, it changes nothing.
   */
  ifp?: string
}

export interface GroupState extends Coverage {
  lastSyncAt?: string
}

interface StateFile {
  format: 'tim-archive-state'
  version: 1
  /** Size of the archive file when this state was written: a shorter file means it was replaced. */
  fileBytes: number
  groups: Record<string, GroupState>
}

export class ArchiveLockedError extends Error {}

export interface ArchiveHooks {
  /** Each record as open() reads it, in file order (a later line of the same seq comes later). */
  onRecord?: (rec: ArchivedMessage) => void
  /** Records of messages new to the archive, once their lines are durable (after each commit). */
  onAppend?: (recs: ArchivedMessage[]) => void
}

type QueueItem = { batch: SyncBatch; records?: undefined } | { batch?: undefined; records: ArchivedMessage[] }

function serverNoteKey(p: number, body: unknown): string {
  return JSON.stringify([p, body ?? null])
}

export class JsonlArchive implements ArchiveSink {
  /**
   * Each flush writes every batch waiting (one append, one fdatasync, one state write), so batches
   * waiting cost memory, not disk work. 32 (the engine's default) stalled the walk whenever an
   * fsync took a while on a busy disk: 256 batches of at most 20 messages ride out about 1.3 s of
   * it at 200 requests/s (docs/dev/benchmarks.md, issue 19).
   */
  readonly maxPendingCommits = 256
  private readonly index = new Map<string, Map<number, IndexEntry>>()
  private groups: Record<string, GroupState> = {}
  /** Coverage held back until pending line changes are rewritten into the file. */
  private held: SyncBatch[] = []
  private patches = new Map<string, Map<number, RawMessage>>()
  private queue: (QueueItem & { resolve: () => void; reject: (e: unknown) => void })[] = []
  private flushing: Promise<void> | null = null
  private bytes = 0
  private closed = false
  /** Lines appended by this process. */
  appended = 0
  /** Archived lines changed by rewrites (server-side deletions, recalls, upgrades). */
  changed = 0
  /** Later lines appended by annotate(). */
  annotated = 0

  private constructor(
    readonly path: string,
    private fh: FileHandle,
    private readonly lockPath: string,
    private readonly hooks: ArchiveHooks = {}
  ) {}

  get statePath(): string {
    return `${this.path}.state.json`
  }

  /** Opens (or creates) an archive, taking its lock, repairing a torn tail and indexing it. */
  static async open(path: string, hooks: ArchiveHooks = {}): Promise<JsonlArchive> {
    const lockPath = `${path}.lock`
    await acquirePidLock(lockPath, (pid) =>
      pid
        ? new ArchiveLockedError(`${lockPath.slice(0, -5)} is in use by another tim-archive process (pid ${pid}).`)
        : new ArchiveLockedError(`Could not lock ${lockPath.slice(0, -5)}.`)
    )
    try {
      const fh = await open(path, 'a+')
      const archive = new JsonlArchive(path, fh, lockPath, hooks)
      await archive.load()
      return archive
    } catch (e) {
      await unlink(lockPath).catch(() => {})
      throw e
    }
  }

  /**
   * Coverage of a group, or of one of its topics, as last committed (empty when new to this
   * archive). The state file keys a topic by its topic ID, a group by its group ID (unitKey).
   */
  coverage(groupId: string, topicId?: string): Coverage {
    const g = this.groups[unitKey(groupId, topicId)]
    return g ? { ranges: g.ranges.map((r) => [r[0], r[1]]), floor: g.floor, top: g.top } : emptyCoverage()
  }

  /** Messages archived: of a group outside its topics, of one topic, or (neither) of all. */
  messageCount(groupId?: string, topicId?: string): number {
    if (groupId) return this.index.get(unitKey(groupId, topicId))?.size ?? 0
    let n = 0
    for (const m of this.index.values()) n += m.size
    return n
  }

  private async load(): Promise<void> {
    const { size } = await this.fh.stat()
    let end = size
    if (size > 0) {
      // Repair a torn last line: cut back to just after the last newline.
      const chunk = 1 << 16
      let pos = size
      let cut = -1
      while (pos > 0 && cut < 0) {
        const from = Math.max(0, pos - chunk)
        const buf = Buffer.alloc(pos - from)
        await this.fh.read(buf, 0, buf.length, from)
        const i = buf.lastIndexOf(0x0a)
        if (i >= 0) cut = from + i + 1
        pos = from
      }
      end = cut < 0 ? 0 : cut
      if (end !== size) await this.fh.truncate(end)
    }
    this.bytes = end
    let lineNo = 0
    if (end > 0) {
      const rl = createInterface({ input: createReadStream(this.path, { end: end - 1 }), crlfDelay: Infinity })
      for await (const line of rl) {
        lineNo++
        if (!line) continue
        let rec: ArchivedMessage
        try {
          rec = JSON.parse(line) as ArchivedMessage
        } catch {
          throw new Error(`${this.path}: line ${lineNo} is not valid JSON; the archive was edited or damaged. Nothing was changed.`)
        }
        if (typeof rec.GroupId !== 'string' || !Number.isSafeInteger(rec.MsgSeq)) {
          throw new Error(`${this.path}: line ${lineNo} has no GroupId/MsgSeq; this is not a tim-archive file. Nothing was changed.`)
        }
        this.indexRecord(rec)
        this.hooks.onRecord?.(rec)
      }
    }
    try {
      const state = JSON.parse(await readFile(this.statePath, 'utf8')) as StateFile
      if (state.format === 'tim-archive-state' && state.fileBytes <= end) this.groups = state.groups ?? {}
      // Otherwise the archive file is shorter than the state claims: it was replaced, so the
      // coverage cannot be trusted. Starting from empty coverage re-pulls and deduplicates.
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && !(e instanceof SyntaxError)) throw e
    }
  }

  private indexRecord(rec: ArchivedMessage, incoming?: RawMessage): void {
    const key = unitKey(rec.GroupId, rec.TopicId)
    let g = this.index.get(key)
    if (!g) this.index.set(key, (g = new Map()))
    const entry: IndexEntry = { fp: contentFingerprint(rec) }
    const server = rec[archiveKey]?.server
    if (server) entry.sfp = serverNoteKey(server.IsPlaceMsg, server.MsgBody)
    if (incoming) {
      const ifp = contentFingerprint(incoming)
      if (ifp !== entry.fp) entry.ifp = ifp
    }
    g.set(rec.MsgSeq, entry)
  }

  commit(batch: SyncBatch): Promise<void> {
    return this.enqueue({ batch })
  }

  /**
   * Appends later lines for messages already archived (the record as archived plus the archiver's
   * notes, e.g. `_archive.media`), durably, in order with commits. A record whose seq is not
   * archived is refused: this never adds a message.
   */
  annotate(records: ArchivedMessage[]): Promise<void> {
    for (const r of records) {
      if (!this.index.get(unitKey(r.GroupId, r.TopicId))?.has(r.MsgSeq))
        return Promise.reject(new Error(`annotate: ${r.GroupId} seq ${r.MsgSeq} is not archived`))
    }
    return this.enqueue({ records })
  }

  private enqueue(item: QueueItem): Promise<void> {
    if (this.closed) return Promise.reject(new Error('archive is closed'))
    return new Promise((resolve, reject) => {
      this.queue.push({ ...item, resolve, reject })
      if (!this.flushing) this.flushing = this.flushLoop()
    })
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const items = this.queue.splice(0)
        try {
          await this.flush(items)
          for (const i of items) i.resolve()
        } catch (e) {
          for (const i of items) i.reject(e)
        }
      }
    } finally {
      // Cleared in the same turn as the last queue check: a commit made as soon as the previous one
      // resolves must start a new loop, not join one that has already ended.
      this.flushing = null
    }
  }

  private async flush(items: QueueItem[]): Promise<void> {
    const lines: string[] = []
    const added: ArchivedMessage[] = []
    let annotations = 0
    let batches = 0
    for (const item of items) {
      if (item.records !== undefined) {
        for (const r of item.records) lines.push(JSON.stringify(r))
        annotations += item.records.length
        continue
      }
      const batch = item.batch
      batches++
      const key = unitKey(batch.groupId, batch.topicId)
      let g = this.index.get(key)
      if (!g) this.index.set(key, (g = new Map()))
      let patched = false
      for (const m of batch.messages) {
        const have = g.get(m.MsgSeq)
        if (!have) {
          const rec = mergeMessage(undefined, m, batch.groupId, new Date(), batch.topicId).record
          lines.push(JSON.stringify(rec))
          added.push(rec)
          g.set(m.MsgSeq, { fp: contentFingerprint(rec) })
          continue
        }
        const fp = contentFingerprint(m)
        if (fp === have.fp || fp === have.ifp) continue
        if (have.sfp !== undefined && have.sfp === serverNoteKey(m.IsPlaceMsg ?? 0, hasContent(m) ? m.MsgBody : undefined)) continue
        let p = this.patches.get(key)
        if (!p) this.patches.set(key, (p = new Map()))
        p.set(m.MsgSeq, m)
        patched = true
      }
      if (patched || this.held.some((h) => unitKey(h.groupId, h.topicId) === key)) this.held.push(batch)
      else this.groups[key] = this.applyState(batch)
    }
    if (lines.length > 0) {
      const text = lines.join('\n') + '\n'
      await this.fh.appendFile(text, 'utf8')
      await this.fh.datasync()
      this.bytes += Buffer.byteLength(text)
      this.appended += lines.length - annotations
      this.annotated += annotations
    }
    // Annotations alone change no coverage: the state file stays as it is.
    if (batches > 0) await this.writeState()
    if (added.length > 0) this.hooks.onAppend?.(added)
  }

  private applyState(batch: SyncBatch): GroupState {
    const prev = this.groups[unitKey(batch.groupId, batch.topicId)] ?? { ...emptyCoverage() }
    return { ...applyBatchCoverage(prev, batch), lastSyncAt: new Date().toISOString() }
  }

  private async writeState(): Promise<void> {
    const state: StateFile = { format: 'tim-archive-state', version: 1, fileBytes: this.bytes, groups: this.groups }
    await writeFileAtomic(this.statePath, JSON.stringify(state))
  }

  /**
   * Writes pending changes to existing lines: the file is copied to a temp name with those lines
   * merged (content kept, server state noted), then renamed over the original.
   */
  async applyPendingChanges(): Promise<void> {
    await this.drain()
    if (this.patches.size === 0 && this.held.length === 0) return
    if (this.patches.size > 0) {
      const patches = this.patches
      const tmp = join(dirname(this.path), `.${basename(this.path)}.rewrite-${process.pid}.tmp`)
      const out = createWriteStream(tmp, { flags: 'w' })
      const seenAt = new Date()
      let bytes = 0
      let changed = 0
      try {
        const rl = createInterface({ input: createReadStream(this.path, { end: Math.max(0, this.bytes - 1) }), crlfDelay: Infinity })
        if (this.bytes > 0) {
          for await (const line of rl) {
            if (!line) continue
            let text = line
            const rec = JSON.parse(line) as ArchivedMessage
            const incoming = patches.get(unitKey(rec.GroupId, rec.TopicId))?.get(rec.MsgSeq)
            if (incoming) {
              const merged = mergeMessage(rec, incoming, rec.GroupId, seenAt)
              if (merged.outcome !== 'unchanged') {
                text = JSON.stringify(merged.record)
                changed++
              }
              this.indexRecord(merged.record, incoming)
            }
            const chunk = text + '\n'
            bytes += Buffer.byteLength(chunk)
            if (!out.write(chunk)) await once(out, 'drain')
          }
        }
        out.end()
        await once(out, 'finish')
        await this.fh.close()
        await commit(tmp, this.path)
        this.fh = await open(this.path, 'a+')
        this.bytes = bytes
        this.changed += changed
      } catch (e) {
        out.destroy()
        await unlink(tmp).catch(() => {})
        throw e
      }
      this.patches = new Map()
    }
    for (const b of this.held.splice(0)) this.groups[unitKey(b.groupId, b.topicId)] = this.applyState(b)
    await this.writeState()
  }

  private async drain(): Promise<void> {
    while (this.flushing) await this.flushing
  }

  /** Applies pending changes, writes the state and releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return
    try {
      await this.applyPendingChanges()
    } finally {
      this.closed = true
      await this.fh.close().catch(() => {})
      await unlink(this.lockPath).catch(() => {})
    }
  }

  /** Releases the lock without applying pending changes (after a failure). */
  async abandon(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.drain().catch(() => {})
    await this.fh.close().catch(() => {})
    await unlink(this.lockPath).catch(() => {})
  }
}
