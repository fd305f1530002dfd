/**
 * The app's media (issue 17 §1, §2): keeps the objects of the messages a sync commits, and says
 * what became of each one. The pieces are the CLI's (cli/pull-media.ts puts them together the same
 * way): a content store and an outcome ledger in `<configDir>/media`, and a download queue whose
 * fetcher follows the connected workspace's fetch policy (media/url-policy.ts).
 *
 * - `enqueue(groupId, messages)` is called once the renderer acknowledged a batch as committed
 *   (sync-runs.ts): media is fetched only for messages that are in the archive.
 * - `lookup(groupId, keys)` answers the recorded outcome per key ('pending' when none yet).
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
import { MediaLedger } from '../media/ledger'
import { DEFAULT_LIMITS, needsFetch, preflight, type MediaLimits, type MediaOutcome } from '../media/outcome'
import { DEFAULT_CONCURRENCY, MediaQueue, SYNC_CONCURRENCY } from '../media/queue'
import { makeFetchPolicy } from '../media/url-policy'
import type { MediaStatus } from '../shared/ipc/contract'
import { mediaInMessage, mediaKey } from '../shared/media/objects'
import type { Emit } from './host-events'
import type { Workspaces } from './workspaces'

export interface MediaServiceOptions {
  /** The media folder: `<configDir>/media`. */
  dir: string
  limits?: MediaLimits
  concurrency?: number
  /** True while a sync run is active: downloads then run SYNC_CONCURRENCY at a time, so the sync keeps its speed. */
  syncing?: () => boolean
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
  private fetcher: { endpoint: string; fetcher: MediaFetcher } | null = null
  private readonly limits: MediaLimits
  private readonly changed = new Map<string, { keys: Set<string>; last: number; timer?: NodeJS.Timeout }>()
  private readonly work = new Set<Promise<unknown>>()
  private closed = false

  constructor(
    private readonly workspaces: Workspaces,
    private readonly emit: Emit,
    private readonly o: MediaServiceOptions
  ) {
    this.limits = o.limits ?? DEFAULT_LIMITS
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
          const f = await this.currentFetcher(store)
          if (!f) return { outcome: { status: 'failed', error: 'no workspace is connected', attempts: 1, at: Date.now() }, retry: false }
          return f.fetch(job.ref, opts)
        },
        record: async (job, outcome) => {
          await ledger.record(job.groupId, job.key, outcome)
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
    if (this.fetcher?.endpoint !== endpoint) {
      this.fetcher?.fetcher.close()
      const policy = makeFetchPolicy({ endpoint })
      const fetcher = new MediaFetcher({ store, policy, limits: this.limits, maxSockets: this.o.concurrency ?? DEFAULT_CONCURRENCY })
      this.fetcher = { endpoint, fetcher }
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

  private async enqueueNow(groupId: string, messages: readonly unknown[]): Promise<void> {
    const { ledger, queue } = await this.open()
    const now = Date.now()
    for (const m of messages) {
      for (const ref of mediaInMessage(m)) {
        const key = mediaKey(ref)
        const prev = ledger.get(groupId, key)
        if (!needsFetch(prev)) continue
        const pre = preflight(ref, this.limits, now)
        if (pre) {
          await ledger.record(groupId, key, pre)
          this.noteChanged(groupId, key)
        } else queue.add({ groupId, key, ref, ...(prev ? { prev } : {}) })
      }
    }
  }

  /** The recorded outcome of each key ('pending' when none). */
  async lookup(groupId: string, keys: readonly string[]): Promise<Record<string, MediaStatus>> {
    const { ledger } = await this.open()
    const out: Record<string, MediaStatus> = {}
    for (const k of keys) out[k] = statusOf(ledger.get(groupId, k))
    return out
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
