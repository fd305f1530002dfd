/**
 * The app's exports, host side. The renderer owns the store, so it reads the messages (from
 * IndexedDB, in order, filtered) and sends them here in chunks; this writes them with the same
 * writers and file sinks as `tim-archive export`:
 *
 *   start(input)        → a destination (Electron: the native save dialog; browser mode: a private
 *                         temp folder, downloaded at the end) and an export id
 *   write(id, chunk)    → answers once the chunk is on its way to disk (the sink waited for the
 *                         disk): the renderer sends the next one only then, so memory stays
 *                         bounded on both sides whatever the size
 *   finish(id)          → the postamble, fsync, rename; browser mode gets a one-time download URL
 *                         (a split export's folder, or an export with its media/ folder, is packed
 *                         into one .zip first: a browser downloads files, not folders)
 *   cancel(id)          → the temporary file is removed; nothing appears under the final name
 *
 * With media (issue 17 §4), the kept copies come from the app's media folder through MediaService
 * (its ledger and store, read only): copied into `media/` beside the file (Electron), inside the
 * split export's folder, or inlined into one self-contained HTML page.
 *
 * One write in flight per export. An export nobody writes to for `idleMs` is cancelled (the page
 * went away).
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { runExport, type ExportResult } from '../export/exporter'
import type { ExportMediaSource } from '../export/media'
import { zipFolder } from '../export/zip'
import { parseSplit, type ExportMeta, type Split } from '../export/types'
import type { ArchivedMessage } from '../shared/archive-record'
import type { AppError, ExportFinished, ExportPerson, ExportStartInput, ExportStarted, ExportWritten, Result } from '../shared/ipc/contract'
import type { Person } from '../shared/people'

export interface ExportHostOptions {
  version: string
  /**
   * Electron: the native save dialog (a folder picker for a split export). Resolves to the chosen
   * path, or null when the user cancelled. Absent in browser mode.
   */
  chooseDestination?: (suggestedName: string, folder: boolean) => Promise<string | null>
  /** Browser mode: where finished exports wait for their download (a private temp folder). */
  downloadDir?: string
  /** Cancel an export that got no call for this long (ms). Default 5 minutes. */
  idleMs?: number
  /** The app's kept media (services/media.ts), for exports that carry it. */
  media?: { exportSource(): Promise<ExportMediaSource> }
}

export interface Download {
  path: string
  name: string
  /** Removes the file once it has been sent. */
  done(): Promise<void>
}

/** `params.reason` says which case of the code it is; `detail` is the system's own error text. */
function fail<T>(code: AppError['code'], message: string, parts: { params?: AppError['params']; detail?: string } = {}): Result<T> {
  const error: AppError = { code, message }
  if (parts.params) error.params = parts.params
  if (parts.detail) error.detail = parts.detail
  return { ok: false, error }
}

/** An async iterable fed one chunk at a time; push() resolves when the consumer wants the next. */
class ChunkQueue implements AsyncIterable<readonly ArchivedMessage[]> {
  private item: { chunk: readonly ArchivedMessage[]; taken: () => void } | undefined
  private consumer: (() => void) | undefined
  private ended = false
  private pendingAck: (() => void) | undefined

  push(chunk: readonly ArchivedMessage[]): Promise<void> {
    return new Promise((resolve) => {
      this.item = { chunk, taken: resolve }
      this.consumer?.()
    })
  }

  end(): void {
    this.ended = true
    this.consumer?.()
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<readonly ArchivedMessage[]> {
    for (;;) {
      // The previous chunk is fully written once the exporter asks for the next one.
      this.pendingAck?.()
      this.pendingAck = undefined
      while (!this.item && !this.ended) await new Promise<void>((r) => (this.consumer = r))
      this.consumer = undefined
      const item = this.item
      if (!item) return
      this.item = undefined
      this.pendingAck = item.taken
      yield item.chunk
    }
  }

  /** Releases a waiting push (after a failure, nobody will consume it). */
  release(): void {
    this.item?.taken()
    this.pendingAck?.()
  }
}

interface Job {
  id: string
  queue: ChunkQueue
  abort: AbortController
  done: Promise<ExportResult>
  failure: Error | undefined
  writing: boolean
  messages: number
  bytes: number
  name: string
  /** Browser mode: the folder the file is written in. */
  webDir?: string
  /** Browser mode: the folder (a split export's parts, or a file and its media/) that goes into a .zip. */
  zipFolder?: { path: string; name: string }
  /** Browser mode, one file with media: offered alone when no media was copied after all. */
  single?: boolean
  mediaFiles: number
  timer?: NodeJS.Timeout
}

/** A file name safe on every OS: no separators, controls or reserved characters; not empty. */
export function safeFileName(name: string, fallback: string): string {
  const cleaned = name
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"/\\|?*\u202a-\u202e\u2066-\u2069]/g, '_')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 120)
  return cleaned || fallback
}

export class ExportHost {
  private readonly jobs = new Map<string, Job>()
  private readonly downloads = new Map<string, { key: string; path: string; name: string; dir: string }>()

  constructor(private readonly opts: ExportHostOptions) {}

  async start(input: ExportStartInput): Promise<Result<ExportStarted>> {
    let split: Split | undefined
    if (input.split) {
      const s = parseSplit(input.split)
      if ('error' in s) return fail('INVALID', s.error, { params: { reason: 'split' }, detail: s.error })
      split = s
    }
    const ext = input.format
    const suggested = safeFileName(input.suggestedName, `tim-archive-export${split ? '' : '.' + ext}`)
    const id = randomUUID()
    let out: string
    let webDir: string | undefined
    let zipFolder: Job['zipFolder']
    // Media needs a folder beside the file, except in a self-contained page.
    const mediaMode = input.media === 'inline' && input.format === 'html' ? 'inline' : input.media ? 'folder' : undefined
    let source: ExportMediaSource | undefined
    if (mediaMode && this.opts.media) {
      source = await this.opts.media.exportSource().catch((e: unknown) => {
        // The folder locked by a pull --media: the export goes on without the ledger's outcomes.
        console.error('tim-archive: export without the media ledger', e)
        return undefined
      })
    }
    if (this.opts.chooseDestination) {
      const chosen = await this.opts.chooseDestination(suggested, !!split)
      if (!chosen) return fail('CANCELLED', 'No destination was chosen.', { params: { reason: 'noDestination' } })
      out = chosen
    } else {
      // A browser downloads one file: a split export's folder of parts is zipped at the end.
      if (!this.opts.downloadDir) return fail('INTERNAL', 'No download folder is configured.', { params: { reason: 'noDownloadDir' } })
      webDir = join(this.opts.downloadDir, id)
      await mkdir(webDir, { recursive: true, mode: 0o700 })
      out = join(webDir, suggested)
      if (split) zipFolder = { path: out, name: suggested }
      else if (source && mediaMode === 'folder') {
        // The file and its media/ in a folder of their own, zipped at the end.
        const stem = safeFileName(suggested.replace(/\.[A-Za-z0-9]+$/, ''), 'tim-archive-export')
        await mkdir(join(webDir, stem), { mode: 0o700 })
        out = join(webDir, stem, suggested)
        zipFolder = { path: join(webDir, stem), name: stem }
      }
    }
    const meta: ExportMeta = {
      app: 'TIM Archive',
      version: this.opts.version,
      exportedAt: new Date().toISOString(),
      query: input.query,
      groups: input.groups.map((g) => ({
        groupId: g.groupId,
        ...(g.name !== undefined ? { name: g.name } : {}),
        ...(g.topics?.length ? { topics: g.topics.map((x) => ({ topicId: x.topicId, ...(x.name ? { name: x.name } : {}) })) } : {})
      })),
      timeZone: input.timeZone
    }
    if (input.after !== undefined) meta.after = input.after
    if (input.before !== undefined) meta.before = input.before
    if (input.count !== undefined) meta.count = input.count
    if (input.people?.length) meta.people = personsOf(input.people)
    const queue = new ChunkQueue()
    const abort = new AbortController()
    const job: Job = {
      id,
      queue,
      abort,
      failure: undefined,
      writing: false,
      messages: 0,
      bytes: 0,
      name: suggested,
      mediaFiles: 0,
      done: Promise.resolve({ messages: 0, bytes: 0, files: [] })
    }
    if (webDir) job.webDir = webDir
    if (zipFolder) job.zipFolder = zipFolder
    if (zipFolder && !split) job.single = true
    job.done = runExport(queue, {
      format: input.format,
      out,
      meta,
      signal: abort.signal,
      ...(split ? { split } : {}),
      ...(source && mediaMode ? { media: { source, mode: mediaMode } } : {}),
      onProgress: (p) => {
        job.bytes = p.bytes
        job.mediaFiles = p.mediaFiles ?? 0
      }
    })
    job.done.catch((e: unknown) => {
      job.failure = e instanceof Error ? e : new Error(String(e))
      queue.release()
    })
    this.jobs.set(id, job)
    this.touch(job)
    return { ok: true, value: { exportId: id, destination: webDir ? suggested : out } }
  }

  private touch(job: Job): void {
    clearTimeout(job.timer)
    job.timer = setTimeout(() => void this.cancel(job.id), this.opts.idleMs ?? 300_000)
    job.timer.unref?.()
  }

  async write(id: string, messages: readonly ArchivedMessage[]): Promise<Result<ExportWritten>> {
    const job = this.jobs.get(id)
    if (!job) return fail('INVALID', 'No such export (it finished, was cancelled, or timed out).', { params: { reason: 'exportGone' } })
    if (job.failure) return this.failed(job)
    if (job.writing) return fail('BUSY', 'The previous chunk of this export is still being written.', { params: { reason: 'exportChunk' } })
    job.writing = true
    this.touch(job)
    try {
      await job.queue.push(messages)
    } finally {
      job.writing = false
    }
    if (job.failure) return this.failed(job)
    job.messages += messages.length
    return { ok: true, value: { messages: job.messages, bytes: job.bytes, mediaFiles: job.mediaFiles } }
  }

  private async failed<T>(job: Job): Promise<Result<T>> {
    await this.drop(job)
    const cancelled = job.abort.signal.aborted
    if (cancelled) return fail('CANCELLED', 'The export was cancelled.', { params: { reason: 'export' } })
    const why = job.failure?.message ?? 'unknown error'
    return fail('EXPORT', `The export failed: ${why}`, { detail: why })
  }

  async finish(id: string): Promise<Result<ExportFinished>> {
    const job = this.jobs.get(id)
    if (!job) return fail('INVALID', 'No such export (it finished, was cancelled, or timed out).', { params: { reason: 'exportGone' } })
    if (job.writing) return fail('BUSY', 'A chunk of this export is still being written.', { params: { reason: 'exportChunk' } })
    // Finishing (the postamble, fsync, a zip) may take a while: it is not the page going away.
    clearTimeout(job.timer)
    job.queue.end()
    let result: ExportResult
    try {
      result = await job.done
    } catch {
      return this.failed(job)
    }
    const value: ExportFinished = { messages: result.messages, bytes: result.bytes, files: result.files }
    if (result.media) value.media = result.media
    if (job.webDir) {
      let path = result.files[0]!
      let name = job.name
      // One file whose media turned out empty (nothing kept): offered as the file itself.
      const zip = job.zipFolder && !(job.single && !result.media?.files) ? job.zipFolder : undefined
      if (zip) {
        try {
          name = `${zip.name}.zip`
          path = join(job.webDir, name)
          value.bytes = await zipFolder(zip.path, zip.name, path, job.abort.signal)
        } catch (e) {
          job.failure = e instanceof Error ? e : new Error(String(e))
          return this.failed(job)
        }
      }
      const key = randomBytes(24).toString('base64url')
      this.downloads.set(id, { key, path, name, dir: job.webDir })
      value.files = [name]
      value.downloadUrl = `/download/${id}?key=${key}`
    }
    clearTimeout(job.timer)
    this.jobs.delete(id)
    return { ok: true, value }
  }

  async cancel(id: string): Promise<void> {
    const job = this.jobs.get(id)
    if (!job) return
    job.abort.abort(new Error('The export was cancelled.'))
    job.queue.end()
    await job.done.catch(() => undefined)
    await this.drop(job)
  }

  private async drop(job: Job): Promise<void> {
    clearTimeout(job.timer)
    this.jobs.delete(job.id)
    if (job.webDir) await rm(job.webDir, { recursive: true, force: true })
  }

  /** Browser mode: the finished file for its one-time key (then forgotten). */
  takeDownload(id: string, key: string): Download | undefined {
    const d = this.downloads.get(id)
    if (!d || d.key.length !== key.length || !timingSafeEqual(Buffer.from(d.key), Buffer.from(key))) return undefined
    this.downloads.delete(id)
    return { path: d.path, name: d.name, done: () => rm(d.dir, { recursive: true, force: true }) }
  }

  /** Cancels every export in progress and removes waiting downloads (shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.jobs.keys()].map((id) => this.cancel(id)))
    await Promise.all([...this.downloads.values()].map((d) => rm(d.dir, { recursive: true, force: true })))
    this.downloads.clear()
  }
}

/** The people the page sent (each shown name with when it was first seen) as the writers read them (ExportMeta.people). */
export function personsOf(people: readonly ExportPerson[]): Person[] {
  return people.map((p) => ({
    groupId: p.groupId,
    account: p.account,
    history: [...p.names].sort((a, b) => a[0] - b[0]).map(([seenAt, nick]) => ({ seenAt, nick }))
  }))
}
