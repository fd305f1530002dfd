/**
 * The app's media (issue 17 §1, §2): keeps the objects of the messages a sync commits, and says
 * what became of each one. The pieces are the CLI's (cli/pull-media.ts puts them together the same
 * way): a content store and an outcome ledger in `<configDir>/media`, and a download queue whose
 * fetcher follows the connected workspace's fetch policy (media/url-policy.ts).
 *
 * - `enqueue(groupId, messages)` is called once the renderer acknowledged a batch as committed
 *   (sync-runs.ts): media is fetched only for messages that are in the archive.
 * - `lookup(groupId, keys)` answers the recorded outcome per key ('pending' when none yet). It
 *   reads the ledger without its lock (MediaLedgerReader) unless this service holds it, so a
 *   `pull --media` on the same folder does not hide what is kept.
 * - `settings()` / `setSettings()`: the limits, allow-list additions and disk budget
 *   (media-settings.ts), applied to every download that starts after a change; refusals recorded
 *   before a change are looked at again on the next enqueue.
 * - `save()` / `show()`: a kept file to a path the user picks, or shown in its folder (Electron).
 * - `media:changed` goes out when outcomes were recorded, at most once per group every 250 ms,
 *   with the keys that changed since the last event.
 *
 * The store and the ledger open on first use, so a host that never shows media never takes the
 * folder's lock. Both hosts serve the page from this same store (cli/serve.ts, app/index.ts).
 * The queue is derived, never stored: objects of committed messages without a settled outcome.
 */
import { join } from 'node:path'
import { ContentStore } from '../media/content-store'
import { MediaFetcher } from '../media/fetcher'
import { importMediaFolder, type ImportFolderSummary } from '../media/import-folder'
import { MediaLedger, MediaLedgerReader } from '../media/ledger'
import { budgetState, needsFetch, preflight, type MediaLimits, type MediaOutcome } from '../media/outcome'
import { DEFAULT_CONCURRENCY, MediaQueue, SYNC_CONCURRENCY } from '../media/queue'
import { makeFetchPolicy } from '../media/url-policy'
import type { MediaFolderImported, MediaOutcomeNote, MediaSaveInput, MediaSettings, MediaSettingsState, MediaStatus, Result } from '../shared/ipc/contract'
import { safeFileName } from '../shared/media/file-name'
import { avatarRef, mediaInMessage, mediaKey, type MediaRef } from '../shared/media/objects'
import { fail, ok } from './app-errors'
import type { Emit } from './host-events'
import { budgetBytesOf, defaultMediaSettings, limitsOf, type MediaSettingsStore } from './media-settings'
import type { Workspaces } from './workspaces'

export interface MediaServiceOptions {
  /** The media folder: `<configDir>/media`. */
  dir: string
  /** Where the settings are stored (`<configDir>/media-settings.json`); none: the defaults, fixed. */
  settings?: MediaSettingsStore
  /** Electron: the native save dialog; null when the user closed it. Browser mode has none (the page downloads). */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>
  /** Electron: shows a file in the system's file manager (shell.showItemInFolder). */
  showInFolder?: (path: string) => void
  concurrency?: number
  /** True while a sync run is active: downloads then run SYNC_CONCURRENCY at a time, so the sync keeps its speed. */
  syncing?: () => boolean
  /** Electron: the native folder picker for media.importFolder (null when closed). */
  chooseFolder?: () => Promise<string | null>
  /** Minimum interval between media:changed events of one group, ms. Default 250. */
  changedIntervalMs?: number
}

/** The media folder of a config folder. */
export function mediaDirOf(configDir: string): string {
  return join(configDir, 'media')
}

/** The page's view of an outcome (no URL, no error text beyond the reason). */
export function statusOf(o: MediaOutcome | undefined): MediaStatus {
  if (!o) return { status: 'pending' }
  switch (o.status) {
    case 'saved':
      return { status: 'saved', sha256: o.sha256, type: o.type, at: o.at }
    case 'expired':
      return { status: 'expired', httpStatus: o.httpStatus, firstSeenAt: o.firstSeenAt, at: o.lastSeenAt }
    case 'refused':
      return { status: 'refused', reason: o.reason, at: o.at }
    case 'failed':
      return { status: 'failed', at: o.at }
    case 'no-url':
      return { status: 'no-url', at: o.at }
  }
}

interface Opened {
  store: ContentStore
  ledger: MediaLedger
  queue: MediaQueue
}

export class MediaService {
  private opening: Promise<Opened> | null = null
  private storeOpening: Promise<ContentStore> | null = null
  private fetcher: { endpoint: string; version: number; fetcher: MediaFetcher } | null = null
  private readonly settingsStore: MediaSettingsStore | null
  /** Bumped on every settings change: the fetcher is rebuilt for the next download. */
  private settingsVersion = 0
  private readonly reader: MediaLedgerReader
  /** Bytes of kept files, each once (for the budget); null until counted from the ledger. */
  private used: { bytes: number; files: Set<string> } | null = null
  /** Declared bytes of queued downloads not yet recorded (so a burst cannot overshoot the budget by much). */
  private reserved = 0
  /** Set when an enqueue left objects pending because the budget is reached; cleared by a settings change. */
  private budgetBlocked = false
  private readonly changed = new Map<string, { keys: Set<string>; last: number; timer?: NodeJS.Timeout }>()
  private readonly work = new Set<Promise<unknown>>()
  private closed = false

  constructor(
    private readonly workspaces: Workspaces,
    private readonly emit: Emit,
    private readonly o: MediaServiceOptions
  ) {
    this.settingsStore = o.settings ?? null
    this.reader = new MediaLedgerReader(o.dir)
  }

  private async current(): Promise<{ settings: MediaSettings; limits: MediaLimits; changedAt: number }> {
    const { settings, changedAt } = this.settingsStore ? await this.settingsStore.load() : { settings: defaultMediaSettings(), changedAt: 0 }
    return { settings, limits: limitsOf(settings), changedAt }
  }

  get dir(): string {
    return this.o.dir
  }

  /**
   * The content store (opened on first use): what the hosts serve to the page. Opening it takes no
   * lock, so the page still sees kept media while a `pull --media` holds the folder's ledger.
   */
  store(): Promise<ContentStore> {
    this.storeOpening ??= ContentStore.open(this.o.dir)
    this.storeOpening.catch(() => {
      this.storeOpening = null
    })
    return this.storeOpening
  }

  private open(): Promise<Opened> {
    if (this.closed) return Promise.reject(new Error('the media service is closed'))
    this.opening ??= (async () => {
      const store = await this.store()
      const ledger = await MediaLedger.open(this.o.dir)
      const queue = new MediaQueue({
        concurrency: this.o.concurrency,
        cap: () => (this.o.syncing?.() ? SYNC_CONCURRENCY : (this.o.concurrency ?? DEFAULT_CONCURRENCY)),
        fetch: async (job, opts) => {
          // Queued under older settings: a type turned off or a smaller cap since applies now.
          const pre = preflight(job.ref, (await this.current()).limits, Date.now())
          if (pre) return { outcome: pre, retry: false }
          const f = await this.currentFetcher(store)
          if (!f) return { outcome: { status: 'failed', error: 'no workspace is connected', attempts: 1, at: Date.now() }, retry: false }
          return f.fetch(job.ref, opts)
        },
        record: async (job, outcome) => {
          const merged = await ledger.record(job.groupId, job.key, outcome)
          this.reserved = Math.max(0, this.reserved - (job.ref.declaredBytes ?? 0))
          if (merged.status === 'saved') this.countSaved(merged.sha256, merged.bytes)
        }
      })
      queue.on('done', (job) => this.noteChanged(job.groupId, job.key))
      return { store, ledger, queue }
    })()
    // A failed open (the folder locked by a pull --media) may be tried again later.
    this.opening.catch(() => {
      this.opening = null
    })
    return this.opening
  }

  /** The fetcher for the connected workspace's endpoint (a new one when it changed). */
  private async currentFetcher(store: ContentStore): Promise<MediaFetcher | null> {
    const c = await this.workspaces.connected()
    if (!c.ok) return null
    const endpoint = c.client.baseUrl
    const version = this.settingsVersion
    if (this.fetcher?.endpoint !== endpoint || this.fetcher.version !== version) {
      const { settings, limits } = await this.current()
      this.fetcher?.fetcher.close()
      const policy = makeFetchPolicy({ endpoint, extraHosts: settings.extraHosts })
      const fetcher = new MediaFetcher({ store, policy, limits, maxSockets: this.o.concurrency ?? DEFAULT_CONCURRENCY })
      this.fetcher = { endpoint, version, fetcher }
    }
    return this.fetcher.fetcher
  }

  /**
   * Queues the objects of committed messages that have no settled outcome. Returns at once; the
   * downloads run in the background and end in media:changed events. (A promise only because the
   * channel media.enqueue answers one; it resolves at once.)
   */
  enqueue(groupId: string, messages: readonly unknown[]): Promise<void> {
    if (this.closed) return Promise.resolve()
    const p = this.enqueueNow(groupId, messages).catch((e: unknown) => {
      console.error('tim-archive: could not queue media', e)
    })
    this.work.add(p)
    void p.finally(() => this.work.delete(p))
    return Promise.resolve()
  }

  /**
   * Queues the avatars of a group's people (issue 18 §1: kept as media, under avatarRef's key);
   * the same rules as a message's media (settings, budget, the host policy), at once.
   */
  enqueueAvatars(groupId: string, urls: readonly string[]): Promise<void> {
    if (this.closed) return Promise.resolve()
    const refs = urls.map((u) => avatarRef(u)).filter((r): r is MediaRef => r !== null)
    if (!refs.length) return Promise.resolve()
    const p = this.enqueueNow(groupId, [], refs).catch((e: unknown) => {
      console.error('tim-archive: could not queue avatars', e)
    })
    this.work.add(p)
    void p.finally(() => this.work.delete(p))
    return Promise.resolve()
  }

  private async enqueueNow(groupId: string, messages: readonly unknown[], avatars: readonly MediaRef[] = []): Promise<void> {
    const { ledger, queue } = await this.open()
    const { settings, limits, changedAt } = await this.current()
    const budget = budgetBytesOf(settings)
    const used = this.usedFrom(ledger.entries())
    const now = Date.now()
    const refs = [...messages.flatMap((m) => mediaInMessage(m)), ...avatars]
    {
      for (const ref of refs) {
        const key = mediaKey(ref)
        const prev = ledger.get(groupId, key)
        // A refusal recorded under older settings (a smaller cap, a type turned off, a host not yet
        // added) is looked at again under the current ones.
        if (!needsFetch(prev, { recheck: prev?.status === 'refused' && prev.at < changedAt })) continue
        const pre = preflight(ref, limits, now)
        if (pre) {
          await ledger.record(groupId, key, pre)
          this.noteChanged(groupId, key)
          continue
        }
        // Over the disk budget: nothing is recorded, so the object stays pending and is fetched by
        // a later enqueue once the budget is raised (the app shows the budget as full).
        const next = ref.declaredBytes ?? 0
        if (budgetState(used.bytes + this.reserved, budget, next) === 'full') {
          this.budgetBlocked = true
          continue
        }
        this.reserved += next
        // A failed download (or a refusal under older settings) recorded earlier in this session is
        // tried again: the queue lives as long as the app, and later syncs fetch what earlier ones missed.
        if (prev) queue.forget(groupId, key)
        queue.add({ groupId, key, ref, ...(prev ? { prev } : {}) })
      }
    }
  }

  /** The ledger as far as this process knows it: its own (when it holds the lock) or a lock-free read. */
  private async view(): Promise<Pick<MediaLedger, 'get' | 'entries'>> {
    const opened = this.opening ? await this.opening.catch(() => null) : null
    if (opened) return opened.ledger
    await this.reader.refresh()
    return this.reader
  }

  /**
   * The recorded outcome of each key ('pending' when none). Never takes the folder's lock: while
   * another process (a `pull --media`) holds it, the ledger file is read as it stands.
   */
  async lookup(groupId: string, keys: readonly string[]): Promise<Record<string, MediaStatus>> {
    const view = await this.view()
    const out: Record<string, MediaStatus> = {}
    for (const k of keys) out[k] = statusOf(view.get(groupId, k))
    return out
  }

  /**
   * Adopts a media folder written by `pull --media` (media/import-folder.ts): its verified files
   * into this store, its outcomes into this ledger; the page hears of the changed keys.
   */
  async importFrom(src: string): Promise<ImportFolderSummary> {
    const { store, ledger } = await this.open()
    const summary = await importMediaFolder(src, { store, ledger })
    // The disk used is counted again from the ledger, now with the adopted files.
    this.used = null
    for (const [groupId, keys] of summary.changed) for (const k of keys) this.noteChanged(groupId, k)
    return summary
  }

  /** media.importFolder: the folder picker (Electron), then importFrom. */
  async importFolder(): Promise<Result<MediaFolderImported>> {
    if (!this.o.chooseFolder) return fail('UNSUPPORTED', 'This host has no folder picker: start it with tim-archive serve --import-media DIR')
    const folder = await this.o.chooseFolder()
    if (!folder) return fail('CANCELLED', 'No folder was chosen.', { params: { reason: 'noDestination' } })
    try {
      const s = await this.importFrom(folder)
      return { ok: true, value: { folder, copied: s.copied, present: s.present, rejected: s.rejected.length, outcomes: s.outcomes } }
    } catch (e) {
      return fail('OPEN_FAILED', `The media folder could not be imported: ${(e as Error).message}`, {
        params: { reason: 'mediaFolder' },
        detail: (e as Error).message
      })
    }
  }

  /** Every outcome recorded for a group, by key, as the health report counts them. */
  async outcomes(groupId: string): Promise<Record<string, MediaOutcomeNote>> {
    const view = await this.view()
    const out: Record<string, MediaOutcomeNote> = {}
    for (const [g, key, o] of view.entries()) {
      if (g !== groupId) continue
      const note: MediaOutcomeNote = { status: o.status }
      if (o.status === 'saved') {
        note.sha256 = o.sha256
        note.bytes = o.bytes
      } else if (o.status === 'expired') note.firstSeenAt = o.firstSeenAt
      out[key] = note
    }
    return out
  }

  private usedFrom(entries: Iterable<[string, string, MediaOutcome]>): { bytes: number; files: Set<string> } {
    if (this.used) return this.used
    const used = { bytes: 0, files: new Set<string>() }
    for (const [, , o] of entries) {
      if (o.status === 'saved' && !used.files.has(o.sha256)) {
        used.files.add(o.sha256)
        used.bytes += o.bytes
      }
    }
    // Counted once from this process's own ledger; kept up to date as it records.
    if (this.opening) this.used = used
    return used
  }

  private countSaved(sha256: string, bytes: number): void {
    if (!this.used || this.used.files.has(sha256)) return
    this.used.files.add(sha256)
    this.used.bytes += bytes
  }

  /** The settings, and where the media folder stands against the budget. */
  async settings(): Promise<MediaSettingsState> {
    const { settings } = await this.current()
    const view = await this.view()
    const usedBytes = this.usedFrom(view.entries()).bytes
    return { settings, usedBytes, budget: this.budgetBlocked ? 'full' : budgetState(usedBytes, budgetBytesOf(settings)) }
  }

  /** Checks and stores new settings; downloads that start from now on follow them. */
  async setSettings(next: MediaSettings): Promise<Result<MediaSettingsState>> {
    if (!this.settingsStore) return fail('UNSUPPORTED', 'This host keeps no media settings')
    const saved = await this.settingsStore.save(next)
    if (!saved.ok) return saved
    this.settingsVersion++
    this.budgetBlocked = false
    return ok(await this.settings())
  }

  /**
   * Saves a kept file where the user chooses (Electron's save dialog, suggesting the message's file
   * name), copied atomically. CANCELLED when the dialog was closed; NOT_FOUND when the object is
   * not in the store; UNSUPPORTED in browser mode (the page downloads /media/<sha>?download=name).
   */
  async save(input: MediaSaveInput): Promise<Result<{ path: string }>> {
    if (!this.o.chooseSavePath) return fail('UNSUPPORTED', 'This host has no save dialog: the page downloads the file')
    const store = await this.store()
    if (!(await store.has(input.sha256))) return fail('NOT_FOUND', 'This file is not kept in the archive', { params: { reason: 'media' } })
    const dest = await this.o.chooseSavePath(safeFileName(input.name))
    if (!dest) return fail('CANCELLED', 'The save was cancelled', { params: { reason: 'save' } })
    try {
      await store.copyTo(input.sha256, dest)
    } catch (e) {
      return fail('SAVE_FAILED', `The file could not be saved: ${(e as Error).message}`, { detail: (e as Error).message })
    }
    return ok({ path: dest })
  }

  /** Shows a kept file in the system's file manager (Electron). */
  async show(sha256: string): Promise<Result<null>> {
    if (!this.o.showInFolder) return fail('UNSUPPORTED', 'This host cannot show files in a folder')
    const store = await this.store()
    if (!(await store.has(sha256))) return fail('NOT_FOUND', 'This file is not kept in the archive', { params: { reason: 'media' } })
    this.o.showInFolder(store.pathFor(sha256))
    return ok(null)
  }

  /**
   * What an export reads (services/export-host.ts, export/media.ts): the recorded outcome of an
   * object and where the store keeps its bytes. Read-only and lock-free (the ledger as view() sees it).
   */
  async exportSource(): Promise<{ outcome(groupId: string, key: string): MediaOutcome | undefined; pathFor(sha256: string): string }> {
    const view = await this.view()
    const store = await this.store()
    return { outcome: (g, k) => view.get(g, k), pathFor: (sha) => store.pathFor(sha) }
  }

  /** Waits until every object queued so far has its outcome recorded (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.work.size > 0) await Promise.all([...this.work])
    if (!this.opening) return
    await (await this.opening).queue.drain()
  }

  private noteChanged(groupId: string, key: string): void {
    let st = this.changed.get(groupId)
    if (!st) this.changed.set(groupId, (st = { keys: new Set(), last: -Infinity }))
    st.keys.add(key)
    if (st.timer) return
    const interval = this.o.changedIntervalMs ?? 250
    const wait = Math.max(0, st.last + interval - performance.now())
    const s = st
    s.timer = setTimeout(() => {
      s.timer = undefined
      s.last = performance.now()
      const keys = [...s.keys]
      s.keys.clear()
      if (keys.length > 0 && !this.closed) this.emit('media:changed', { groupId, keys })
    }, wait)
    s.timer.unref?.()
  }

  /** Stops the downloads (nothing is recorded for those in flight) and releases the folder. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const st of this.changed.values()) if (st.timer) clearTimeout(st.timer)
    this.fetcher?.fetcher.close()
    const opened = await this.opening?.catch(() => null)
    if (!opened) return
    opened.queue.stop()
    await opened.ledger.close()
  }
}
