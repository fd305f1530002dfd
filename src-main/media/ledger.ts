/**
 * Where the CLI keeps media outcomes (issue 17 §1: "`tim-archive pull … --media DIR`. DIR holds the
 * files, and each JSONL line records its objects' outcomes under `_archive.media`").
 *
 * DIR/
 *   <sha[0..2]>/<sha>   the files (content-store.ts), each named by the SHA-256 of its bytes
 *   .tmp/               downloads in progress (cleared of dead processes' leftovers on open)
 *   ledger.jsonl        one line per recorded outcome: {"g": groupId, "k": key, "o": outcome}
 *   ledger.lock         held by the pull using DIR
 *
 * The ledger is the durable record of outcomes, per (groupId, key). Each line carries the merged
 * outcome (mergeOutcome: saved is never replaced by less, an expiry keeps its first sighting,
 * failed attempts add up), so the last line of an object is its outcome. Lines are appended and
 * fsynced before an outcome counts as recorded (several outcomes share one fsync); a kill
 * mid-append leaves a torn last line, which open() cuts off. Nothing is ever rewritten.
 *
 * The archive's lines are a projection of the ledger: once every object of a message has an
 * outcome, pull appends a later line of the same (GroupId, MsgSeq) carrying the message as archived
 * plus `_archive.media` (the union of what the line had and what the ledger says;
 * shared/archive-record.ts mergeArchivedCopies). Readers keep the last line of a seq, so they see
 * the outcomes. A kill between the ledger's fsync and that line only delays the line: the next
 * pull compares each message's line with the ledger and appends what is missing.
 *
 * The queue is derived, never stored: objects referenced by archived messages, minus those whose
 * outcome is settled (outcome.ts needsFetch).
 */
import { mkdir, open, readFile, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { ArchivedMessage, MediaNote } from '../shared/archive-record'
import { mergeMediaNote } from '../shared/archive-record'
import type { MediaRef } from '../shared/media/objects'
import { mediaInMessage, mediaKey } from '../shared/media/objects'
import { mergeOutcome, type MediaOutcome } from './outcome'
import { acquirePidLock } from '../fs/pid-lock'

export const LEDGER_FILE = 'ledger.jsonl'
const LOCK_FILE = 'ledger.lock'

const STATUSES = new Set(['saved', 'expired', 'refused', 'failed', 'no-url'])

export class MediaDirLockedError extends Error {}

/** Whether a value read from a file looks like a MediaOutcome (a hand-edited line is skipped). */
export function isOutcome(v: unknown): v is MediaOutcome {
  return typeof v === 'object' && v !== null && STATUSES.has((v as { status?: unknown }).status as string)
}

function ledgerKey(groupId: string, key: string): string {
  return JSON.stringify([groupId, key])
}

/**
 * Reads whole ledger lines into `into` (each line holds the merged outcome: the last one stands).
 * Answers how many lines were skipped because they were not outcome records.
 */
function parseLedgerLines(text: string, into: Map<string, MediaOutcome>): number {
  let skipped = 0
  for (const line of text.split('\n')) {
    if (!line) continue
    let v: { g?: unknown; k?: unknown; o?: unknown }
    try {
      v = JSON.parse(line) as typeof v
    } catch {
      skipped++
      continue
    }
    if (typeof v.g !== 'string' || typeof v.k !== 'string' || !isOutcome(v.o)) {
      skipped++
      continue
    }
    into.set(ledgerKey(v.g, v.k), v.o)
  }
  return skipped
}

/**
 * A read-only view of DIR's ledger, without the lock: what `tim-archive serve` or the app shows
 * while a `pull --media` (or another process) holds the folder and appends to it. Each `refresh()`
 * reads only what was appended since the last one, up to the last whole line (a line being
 * written is read next time); a file that shrank (a torn line cut off by the writer's open, or a
 * new ledger) is read again from the start. Never writes.
 */
export class MediaLedgerReader {
  private readonly outcomes = new Map<string, MediaOutcome>()
  private offset = 0
  private ino = -1

  constructor(readonly dir: string) {}

  get path(): string {
    return join(this.dir, LEDGER_FILE)
  }

  /** Reads what was appended since the last refresh. A missing ledger reads as empty. */
  async refresh(): Promise<void> {
    let fh: FileHandle
    try {
      fh = await open(this.path, 'r')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.outcomes.clear()
        this.offset = 0
        return
      }
      throw e
    }
    try {
      const st = await fh.stat()
      if (st.ino !== this.ino || st.size < this.offset) {
        this.outcomes.clear()
        this.offset = 0
        this.ino = st.ino
      }
      if (st.size === this.offset) return
      const buf = Buffer.alloc(st.size - this.offset)
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset)
      const end = buf.subarray(0, bytesRead).lastIndexOf(0x0a) + 1
      if (end === 0) return
      parseLedgerLines(buf.subarray(0, end).toString('utf8'), this.outcomes)
      this.offset += end
    } finally {
      await fh.close()
    }
  }

  get(groupId: string, key: string): MediaOutcome | undefined {
    return this.outcomes.get(ledgerKey(groupId, key))
  }

  /** Every (groupId, key, outcome) read so far. */
  *entries(): Generator<[groupId: string, key: string, outcome: MediaOutcome]> {
    for (const [k, o] of this.outcomes) {
      const [g, key] = JSON.parse(k) as [string, string]
      yield [g, key, o]
    }
  }
}

export class MediaLedger {
  private readonly outcomes = new Map<string, MediaOutcome>()
  private pending: { line: string; resolve: () => void; reject: (e: unknown) => void }[] = []
  private flushing: Promise<void> | null = null
  private closed = false
  /** Lines skipped on open because they were not outcome records. */
  skipped = 0

  private constructor(
    readonly dir: string,
    private readonly fh: FileHandle
  ) {}

  get path(): string {
    return join(this.dir, LEDGER_FILE)
  }

  /** Opens (creating) DIR's ledger, taking DIR's lock and cutting a torn last line. */
  static async open(dir: string): Promise<MediaLedger> {
    await mkdir(dir, { recursive: true })
    const lockPath = join(dir, LOCK_FILE)
    await acquirePidLock(lockPath, (pid) =>
      pid
        ? new MediaDirLockedError(`${lockPath.slice(0, -LOCK_FILE.length - 1)} is in use by another tim-archive process (pid ${pid}).`)
        : new MediaDirLockedError(`Could not lock ${lockPath}.`)
    )
    try {
      const fh = await open(join(dir, LEDGER_FILE), 'a+')
      const ledger = new MediaLedger(dir, fh)
      await ledger.load()
      return ledger
    } catch (e) {
      await unlink(lockPath).catch(() => {})
      throw e
    }
  }

  private async load(): Promise<void> {
    const text = await readFile(this.path, 'utf8')
    const end = text.lastIndexOf('\n') + 1
    if (end < text.length) await this.fh.truncate(Buffer.byteLength(text.slice(0, end)))
    this.skipped += parseLedgerLines(text.slice(0, end), this.outcomes)
  }

  /** Objects with an outcome. */
  get size(): number {
    return this.outcomes.size
  }

  get(groupId: string, key: string): MediaOutcome | undefined {
    return this.outcomes.get(ledgerKey(groupId, key))
  }

  /** Every (groupId, key, outcome), for reports and tests. */
  *entries(): Generator<[groupId: string, key: string, outcome: MediaOutcome]> {
    for (const [k, o] of this.outcomes) {
      const [g, key] = JSON.parse(k) as [string, string]
      yield [g, key, o]
    }
  }

  /**
   * Records an outcome (merged with the one before). Resolves with the merged outcome once it is
   * on disk. The in-memory view changes at once, so a caller never fetches an object twice.
   */
  record(groupId: string, key: string, outcome: MediaOutcome): Promise<MediaOutcome> {
    if (this.closed) return Promise.reject(new Error('the media ledger is closed'))
    const id = ledgerKey(groupId, key)
    const merged = mergeOutcome(this.outcomes.get(id), outcome)
    this.outcomes.set(id, merged)
    const line = JSON.stringify({ g: groupId, k: key, o: merged })
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line, resolve, reject })
      this.flushing ??= this.flushLoop()
    }).then(() => merged)
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const items = this.pending.splice(0)
        try {
          await this.fh.appendFile(items.map((i) => i.line).join('\n') + '\n', 'utf8')
          await this.fh.datasync()
          for (const i of items) i.resolve()
        } catch (e) {
          for (const i of items) i.reject(e)
        }
      }
    } finally {
      this.flushing = null
    }
  }

  /** Waits for pending writes, closes the file and releases DIR. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    while (this.flushing) await this.flushing
    await this.fh.close().catch(() => {})
    await unlink(join(this.dir, LOCK_FILE)).catch(() => {})
  }
}

/**
 * The `_archive.media` a message's line should carry: what it has, with the ledger's outcome for
 * each of its objects merged in. Null when the line already says all of it (nothing to append).
 */
export function mediaNotesFor(record: ArchivedMessage, refs: readonly MediaRef[], ledger: MediaLedger): Record<string, MediaNote> | null {
  const have = record._archive?.media
  const next: Record<string, MediaNote> = { ...have }
  let changed = false
  for (const ref of refs) {
    const key = mediaKey(ref)
    const o = ledger.get(record.GroupId, key)
    if (!o) continue
    const merged = mergeMediaNote(have?.[key], o as unknown as MediaNote)
    if (!have?.[key] || JSON.stringify(have[key]) !== JSON.stringify(merged)) {
      next[key] = merged
      changed = true
    }
  }
  return changed ? next : null
}

/** The message's line with `_archive.media` set to `notes`. */
export function withMediaNotes(record: ArchivedMessage, notes: Record<string, MediaNote>): ArchivedMessage {
  return { ...record, _archive: { ...record._archive, media: notes } }
}

/** The media objects of an archived message (its archived content; a server note's body is not fetched). */
export function archivedMedia(record: ArchivedMessage): MediaRef[] {
  return mediaInMessage(record)
}
