/**
 * `pull --media DIR`: keeps the media of the messages pull archives (issue 17 §1), in DIR.
 *
 * How it hangs together (src-main/media/ledger.ts has the file layout and the crash argument):
 *  - JsonlArchive.open reads every line; onRecord hands each to this module, which notes the
 *    messages whose objects still need work (no settled outcome in the ledger, or a line that
 *    does not yet say what the ledger knows). That is the derived queue: nothing else is kept.
 *  - start() enqueues those objects; onAppend enqueues the objects of each batch right after its
 *    lines are durable, so downloads run while the sync goes on pulling.
 *  - each outcome goes to the ledger (fsynced) before it counts; when every object of a message
 *    has one, a later line of that message with `_archive.media` is appended to the archive.
 *  - drain() waits for all of it; pull calls it after the sync, before closing the archive.
 */
import { ContentStore } from '../media/content-store'
import { MediaFetcher } from '../media/fetcher'
import { archivedMedia, isOutcome, mediaNotesFor, MediaLedger, withMediaNotes } from '../media/ledger'
import { avatarRef, mediaKey } from '../shared/media/objects'
import { budgetState, needsFetch, preflight, type BudgetState, type MediaLimits, type MediaOutcome } from '../media/outcome'
import { DEFAULT_CONCURRENCY, jobId, MediaQueue, SYNC_CONCURRENCY, type MediaJob } from '../media/queue'
import type { FetchPolicy } from '../media/url-policy'
import { unitKey, type ArchivedMessage } from '../shared/archive-record'
import type { ArchiveHooks } from '../archive/jsonl-archive'

/** Where the `_archive.media` notes go: the JSON Lines archive (later lines) or the team archive (pg-archive.ts). */
export interface AnnotatedArchive {
  annotate(records: ArchivedMessage[]): Promise<void>
}

export interface MediaPullOptions {
  dir: string
  policy: FetchPolicy
  limits: MediaLimits
  /**
   * The most the folder may hold, bytes (null or absent: no budget). Once saved files plus the
   * declared sizes of downloads under way would pass it, no new download starts: the object gets no
   * outcome this run (it stays "not kept yet", fetched by a later run with room).
   */
  budgetBytes?: number | null
  /** Also re-check objects refused before (outcome.ts needsFetch). */
  recheck?: boolean
  concurrency?: number
  /**
   * Downloads at once while the sync still runs (default SYNC_CONCURRENCY): the messages come
   * first, as their history is what expires soonest; `drain()` raises it to `concurrency`.
   */
  syncConcurrency?: number
  signal?: AbortSignal
  /** Called when something worth showing on the progress line changed. */
  onChange?: () => void
  /** For tests: a fetcher with other timeouts. */
  fetcher?: MediaFetcher
}

interface Tracked {
  record: ArchivedMessage
  /** Objects of the message still without this run's outcome. */
  open: number
}

/** How an avatar's identity key begins (shared/media/objects.ts avatarRef). */
const AVATAR_PREFIX = 'avatar:'

/** A message's identity in this run: its group, or its topic (a Community's topics each have their own seqs), and its seq. */
function msgId(groupId: string, seq: number): string {
  return `${groupId}\u0000${seq}`
}

export class MediaPull {
  readonly queue: MediaQueue
  /** Messages read on open that have work left (latest line of each seq). */
  private readonly loaded = new Map<string, ArchivedMessage>()
  private readonly tracked = new Map<string, Tracked>()
  /** Objects being settled this run → the messages waiting for them. */
  private readonly waiting = new Map<string, Set<string>>()
  /** Objects settled this run. */
  private readonly done = new Set<string>()
  private readonly work = new Set<Promise<unknown>>()
  private annotations: ArchivedMessage[] = []
  private annotateScheduled = false
  // Set from promise callbacks; the cast keeps TypeScript from narrowing it to null for good.
  private failure = null as { error: unknown } | null
  private archive: AnnotatedArchive | null = null
  /** Outcomes a line records that the ledger does not know (an archive moved to a new DIR). */
  private readonly adoptable = new Map<string, MediaOutcome>()
  /** Files counted in usedBytes (each once). */
  private readonly counted = new Set<string>()
  /** Outcomes recorded without a download (no URL, a switched-off type, a declared size over the cap). */
  readonly direct: Record<MediaOutcome['status'], number> = { saved: 0, expired: 0, refused: 0, failed: 0, 'no-url': 0 }
  /** Lines appended with `_archive.media`. */
  linesWritten = 0
  /** Bytes of the files in the folder (each once) when it was opened, and saved since. */
  private usedBytes = 0
  /** Declared bytes of the downloads queued and not yet settled. */
  private reserved = 0
  /** Objects not fetched because the budget was reached. */
  private overBudget = 0

  private constructor(
    private readonly o: MediaPullOptions,
    readonly store: ContentStore,
    readonly ledger: MediaLedger,
    private readonly fetcher: MediaFetcher
  ) {
    this.queue = new MediaQueue({
      concurrency: Math.min(o.syncConcurrency ?? SYNC_CONCURRENCY, o.concurrency ?? DEFAULT_CONCURRENCY),
      signal: o.signal,
      fetch: async (job, opts) => {
        // A line from another media folder may say "saved": only true here if the file is here.
        const adopted = this.adoptable.get(jobId(job.groupId, job.key))
        if (adopted?.status === 'saved' && (await store.has(adopted.sha256))) return { outcome: adopted, retry: false }
        return fetcher.fetch(job.ref, opts)
      },
      record: async (job, outcome) => {
        await ledger.record(job.groupId, job.key, outcome)
      }
    })
    this.queue.on('done', (job, outcome?: MediaOutcome) => {
      this.reserved = Math.max(0, this.reserved - (job.ref.declaredBytes ?? 0))
      if (outcome?.status === 'saved' && !this.counted.has(outcome.sha256)) {
        this.counted.add(outcome.sha256)
        this.usedBytes += outcome.bytes
      }
    })
    this.queue.on('done', (job) => this.settled(jobId(job.groupId, job.key)))
    this.queue.on('done', () => o.onChange?.())
    this.queue.on('done', (job, outcome?: MediaOutcome) => {
      if (!outcome || !job.key.startsWith(AVATAR_PREFIX)) return
      this.avatarsByStatus[outcome.status]++
      if (outcome.status === 'saved') this.avatarBytes += outcome.bytes
    })
  }

  static async open(o: MediaPullOptions): Promise<MediaPull> {
    const store = await ContentStore.open(o.dir)
    const ledger = await MediaLedger.open(o.dir)
    const fetcher = o.fetcher ?? new MediaFetcher({ store, policy: o.policy, limits: o.limits, maxSockets: o.concurrency ?? DEFAULT_CONCURRENCY })
    const pull = new MediaPull(o, store, ledger, fetcher)
    for (const [, , outcome] of ledger.entries()) {
      if (outcome.status === 'saved' && !pull.counted.has(outcome.sha256)) {
        pull.counted.add(outcome.sha256)
        pull.usedBytes += outcome.bytes
      }
    }
    return pull
  }

  /** Where the folder stands against --media-budget: its bytes, the state, and the objects left unfetched. */
  budget(): { usedBytes: number; state: BudgetState; skipped: number } {
    const budget = this.o.budgetBytes ?? null
    return { usedBytes: this.usedBytes, state: this.overBudget > 0 ? 'full' : budgetState(this.usedBytes, budget), skipped: this.overBudget }
  }

  /** The hooks to open the archive with. */
  get hooks(): ArchiveHooks {
    return {
      onRecord: (rec) => this.onRecord(rec),
      onAppend: (recs) => {
        for (const r of recs) this.track(r)
      }
    }
  }

  /** An archived line, as the archive is opened: noted when its objects need work. */
  private onRecord(rec: ArchivedMessage): void {
    const id = msgId(unitKey(rec.GroupId, rec.TopicId), rec.MsgSeq)
    const refs = archivedMedia(rec)
    if (refs.length === 0) {
      this.loaded.delete(id)
      return
    }
    let work = mediaNotesFor(rec, refs, this.ledger) !== null
    for (const ref of refs) {
      if (work) break
      const key = mediaKey(ref)
      const note: unknown = rec._archive?.media?.[key]
      const prev = this.ledger.get(rec.GroupId, key) ?? (isOutcome(note) ? note : undefined)
      work = needsFetch(prev, { recheck: this.o.recheck }) || (this.ledger.get(rec.GroupId, key) === undefined && prev !== undefined)
    }
    if (work) this.loaded.set(id, rec)
    else this.loaded.delete(id)
  }

  /** After the archive is open: starts on what earlier runs left (the derived queue). */
  start(archive: AnnotatedArchive): void {
    this.archive = archive
    for (const rec of this.loaded.values()) this.track(rec)
    this.loaded.clear()
  }

  /** This run's avatar outcomes, counted apart from the messages' media (byStatus leaves them out). */
  readonly avatarsByStatus: Record<MediaOutcome['status'], number> = { saved: 0, expired: 0, refused: 0, failed: 0, 'no-url': 0 }
  /** Bytes of the avatars saved this run. */
  avatarBytes = 0

  /** Avatars queued or settled this run, by their ledger key (no message line records them: the ledger does). */
  readonly avatars = new Set<string>()

  /**
   * Keeps the avatars of a group's people (issue 18 §1), under the same policy, limits, budget,
   * queue and ledger as message media: group = the person's group, key = the avatar's identity key
   * (its URL without the query). Kept whenever images are (an 'avatar' is an image to --media-types).
   */
  keepAvatars(groupId: string, urls: Iterable<string>): void {
    const now = Date.now()
    for (const url of urls) {
      const ref = avatarRef(url)
      if (!ref) continue
      const key = mediaKey(ref)
      const id = jobId(groupId, key)
      if (this.avatars.has(id) || this.waiting.has(id) || this.done.has(id)) continue
      this.avatars.add(id)
      const prev = this.ledger.get(groupId, key)
      if (!needsFetch(prev, { recheck: this.o.recheck })) continue
      const pre = preflight(ref, this.o.limits, now)
      if (pre) {
        this.waiting.set(id, new Set())
        this.avatarsByStatus[pre.status]++
        this.recordDirect(groupId, key, pre, id, false)
        continue
      }
      if (this.o.budgetBytes != null && budgetState(this.usedBytes + this.reserved, this.o.budgetBytes, 0) === 'full') {
        // No room: nothing recorded, a later run with room fetches it (as for message media).
        this.overBudget++
        continue
      }
      this.waiting.set(id, new Set())
      this.queue.add({ groupId, key, ref, prev })
    }
  }

  /** Queued and settled-this-run figures for the progress line. */
  get counts(): { total: number; done: number; bytes: number } {
    const direct = Object.values(this.direct).reduce((a, b) => a + b, 0)
    return { total: this.queue.stats.queued + direct, done: this.queue.stats.done + direct, bytes: this.queue.stats.bytes }
  }

  /** Every object of `rec`: settled, waiting for a download in progress, or queued now. */
  private track(rec: ArchivedMessage): void {
    const refs = archivedMedia(rec)
    if (refs.length === 0) return
    const mid = msgId(unitKey(rec.GroupId, rec.TopicId), rec.MsgSeq)
    const entry: Tracked = { record: rec, open: 0 }
    const now = Date.now()
    for (const ref of refs) {
      const key = mediaKey(ref)
      const id = jobId(rec.GroupId, key)
      const wait = (): void => {
        let w = this.waiting.get(id)
        if (!w) this.waiting.set(id, (w = new Set()))
        if (!w.has(mid)) {
          w.add(mid)
          entry.open++
        }
      }
      if (this.waiting.has(id)) {
        wait()
        continue
      }
      if (this.done.has(id)) continue
      let prev = this.ledger.get(rec.GroupId, key)
      if (!prev) {
        const note: unknown = rec._archive?.media?.[key]
        if (isOutcome(note)) {
          if (note.status === 'saved') this.adoptable.set(id, note)
          else {
            // What the line says, taken into this DIR's ledger (an expiry keeps its first sighting).
            prev = note
            if (!needsFetch(note, { recheck: this.o.recheck })) {
              wait()
              this.recordDirect(rec.GroupId, key, note, id, false)
              continue
            }
          }
        }
      }
      if (!needsFetch(prev, { recheck: this.o.recheck }) && !this.adoptable.has(id)) continue
      const pre = preflight(ref, this.o.limits, now)
      if (!pre && this.o.budgetBytes != null) {
        const next = ref.declaredBytes ?? 0
        if (budgetState(this.usedBytes + this.reserved, this.o.budgetBytes, next) === 'full') {
          // No room: nothing is recorded, so a later run with a larger budget fetches it.
          this.overBudget++
          continue
        }
        this.reserved += next
      }
      wait()
      if (pre) this.recordDirect(rec.GroupId, key, pre, id, true)
      else {
        const job: MediaJob = { groupId: rec.GroupId, key, ref, prev }
        this.queue.add(job)
      }
    }
    if (entry.open === 0) this.project(entry)
    else this.tracked.set(mid, entry)
  }

  private recordDirect(groupId: string, key: string, outcome: MediaOutcome, id: string, count: boolean): void {
    if (count) this.direct[outcome.status]++
    this.keep(
      this.ledger.record(groupId, key, outcome).then(() => {
        this.settled(id)
        this.o.onChange?.()
      })
    )
  }

  private keep(p: Promise<unknown>): void {
    const q: Promise<unknown> = p.then(
      () => this.work.delete(q),
      (error: unknown) => {
        this.work.delete(q)
        this.failure ??= { error }
        this.queue.stop(error)
      }
    )
    this.work.add(q)
  }

  /** An object has its outcome for this run: the messages waiting only for it get their line. */
  private settled(id: string): void {
    this.done.add(id)
    const mids = this.waiting.get(id)
    this.waiting.delete(id)
    for (const mid of mids ?? []) {
      const t = this.tracked.get(mid)
      if (!t) continue
      if (--t.open === 0) {
        this.tracked.delete(mid)
        this.project(t)
      }
    }
  }

  /** Appends the message's line with `_archive.media` when the ledger knows more than its line. */
  private project(t: Tracked): void {
    const notes = mediaNotesFor(t.record, archivedMedia(t.record), this.ledger)
    if (!notes) return
    this.annotations.push(withMediaNotes(t.record, notes))
    if (this.annotateScheduled) return
    this.annotateScheduled = true
    // Lines of outcomes settled close together share one append and fsync.
    setImmediate(() => {
      this.annotateScheduled = false
      this.flushAnnotations()
    })
  }

  private flushAnnotations(): void {
    const recs = this.annotations
    if (recs.length === 0 || !this.archive) return
    this.annotations = []
    this.linesWritten += recs.length
    this.keep(this.archive.annotate(recs))
  }

  /** Waits until every object queued so far has its outcome and every line is written. */
  async drain(): Promise<void> {
    // The sync is over: every download slot is the media's now.
    this.queue.setConcurrency(this.o.concurrency ?? DEFAULT_CONCURRENCY)
    for (;;) {
      await this.queue.drain()
      while (this.work.size > 0) await Promise.all([...this.work])
      if (this.failure) throw this.failure.error
      this.flushAnnotations()
      // No await since the failure check: nothing can have failed in between.
      if (this.work.size === 0 && this.annotations.length === 0) return
    }
  }

  /** Outcomes of this run for the messages' media, by status (downloads and those decided without one); avatars apart. */
  get byStatus(): Record<MediaOutcome['status'], number> {
    const s = { ...this.direct }
    for (const [k, v] of Object.entries(this.queue.stats.byStatus)) s[k as MediaOutcome['status']] += v - this.avatarsByStatus[k as MediaOutcome['status']]
    return s
  }

  /** Bytes of the messages' media saved this run (avatars apart). */
  get savedBytes(): number {
    return this.queue.stats.savedBytes - this.avatarBytes
  }

  async close(): Promise<void> {
    this.queue.stop()
    this.fetcher.close()
    await this.ledger.close()
  }
}
