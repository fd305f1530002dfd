/**
 * The exporter: streams chunks of messages through a format's writer into file sinks, rotating
 * partitions (by message count, size, year, month or day) and always closing a part with its postamble.
 * Memory is bounded by one chunk plus a small output buffer, whatever the number of messages.
 */
import { dirname, join } from 'node:path'
import type { ArchivedMessage } from '../shared/archive-record'
import { FileSink, TempDir } from './file-sink'
import { JsonWriter, JsonlWriter, CsvWriter, MarkdownWriter, TxtWriter } from './formats'
import { HtmlWriter, htmlIndex, type HtmlNav, type IndexEntry } from './html'
import { MediaCopier, type ExportMediaOptions, type MediaLinks, type MediaSummary } from './media'
import { periodKey } from './model'
import { formatExtension, splitPeriod, type ExportFormat, type ExportMeta, type ExportWriter, type Split } from './types'

export function createWriter(format: ExportFormat, timeZone: string, nav?: () => HtmlNav, media?: MediaLinks): ExportWriter {
  switch (format) {
    case 'html':
      return new HtmlWriter(timeZone, nav, media)
    case 'json':
      return new JsonWriter()
    case 'jsonl':
      return new JsonlWriter()
    case 'csv':
      return new CsvWriter(timeZone, media)
    case 'txt':
      return new TxtWriter(timeZone, media)
    case 'md':
      return new MarkdownWriter(timeZone, media)
  }
}

export interface ExportProgress {
  messages: number
  bytes: number
  parts: number
  /** With media: files copied (or inlined) so far, and their bytes. */
  mediaFiles?: number
  mediaBytes?: number
}

export interface ExportJob {
  format: ExportFormat
  /** The file to write; with `split`, the folder to create (it must not exist or be empty). */
  out: string
  split?: Split
  meta: ExportMeta
  signal?: AbortSignal
  onProgress?: (p: ExportProgress) => void
  /**
   * Carry the kept media (export/media.ts): copied into `media/` beside the file (in the folder of
   * a split export), or, for a self-contained HTML page, inlined. Without it the export names only
   * the URLs, as before.
   */
  media?: ExportMediaOptions
}

export interface ExportResult {
  messages: number
  bytes: number
  /** Paths written, in order (a split HTML export ends with its index.html); media files not listed. */
  files: string[]
  /** With media: what was copied, and the saved objects whose file was missing. */
  media?: MediaSummary
}

// Output is gathered into strings of about this size before each disk write.
const flushChars = 256 * 1024

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('export cancelled')
}

/**
 * Runs an export. On cancel (signal) or any failure nothing is left under the destination name:
 * the temporary file or folder is removed and the error rethrown.
 */
export async function runExport(source: AsyncIterable<readonly ArchivedMessage[]>, job: ExportJob): Promise<ExportResult> {
  return job.split ? runSplit(source, job, job.split) : runSingle(source, job)
}

/** The media copier of a job (none without media). Inline mode is for HTML only; others copy. */
function copierFor(job: ExportJob, dir: string, ownsDir: boolean): MediaCopier | undefined {
  if (!job.media) return undefined
  const mode = job.format === 'html' ? job.media.mode : 'folder'
  return new MediaCopier({ ...job.media, mode, ...(job.meta.people ? { people: job.meta.people } : {}) }, dir, ownsDir)
}

function withMedia(p: ExportProgress, media: MediaCopier | undefined): ExportProgress {
  if (media) {
    p.mediaFiles = media.files
    p.mediaBytes = media.bytes
  }
  return p
}

function done(r: ExportResult, media: MediaCopier | undefined): ExportResult {
  if (media) r.media = media.summary()
  return r
}

async function runSingle(source: AsyncIterable<readonly ArchivedMessage[]>, job: ExportJob): Promise<ExportResult> {
  const sink = await FileSink.create(job.out)
  const media = copierFor(job, dirname(job.out), false)
  try {
    const writer = createWriter(job.format, job.meta.timeZone, undefined, media)
    let messages = 0
    if (media) media.onCopied = () => job.onProgress?.(withMedia({ messages, bytes: sink.bytes, parts: 1 }, media))
    await sink.write(writer.begin(job.meta))
    for await (const raw of source) {
      if (job.signal?.aborted) throw abortError(job.signal)
      const chunk = media ? await media.prepare(raw, job.signal) : raw
      await sink.write(writer.write(chunk))
      messages += chunk.length
      job.onProgress?.(withMedia({ messages, bytes: sink.bytes, parts: 1 }, media))
    }
    if (job.signal?.aborted) throw abortError(job.signal)
    await sink.write(writer.end())
    await sink.commit()
    return done({ messages, bytes: sink.bytes, files: [job.out] }, media)
  } catch (e) {
    await sink.abort()
    await media?.abort()
    throw e
  }
}

interface OpenPart {
  sink: FileSink
  writer: ExportWriter
  entry: IndexEntry
  pending: string
}

async function runSplit(source: AsyncIterable<readonly ArchivedMessage[]>, job: ExportJob, split: Split): Promise<ExportResult> {
  const dir = await TempDir.create(job.out)
  // One media/ folder for every part, inside the export's folder.
  const media = copierFor(job, dir.tempPath, true)
  const ext = formatExtension[job.format]
  const tz = job.meta.timeZone
  const entries: IndexEntry[] = []
  const used = new Set<string>()
  let part: OpenPart | undefined
  let nextFile: string | undefined
  let messages = 0
  let bytes = 0

  const fileFor = (label: string): string => {
    let name = `${label}.${ext}`
    for (let i = 2; used.has(name) || name === 'index.html'; i++) name = `${label}-${i}.${ext}`
    return name
  }
  const period = splitPeriod(split)
  const labelFor = (m: ArchivedMessage, n: number): string =>
    period ? periodKey(typeof m.MsgTimeStamp === 'number' ? m.MsgTimeStamp : undefined, tz, period) : `part-${String(n).padStart(4, '0')}`

  const open = async (label: string, file: string): Promise<OpenPart> => {
    used.add(file)
    const entry: IndexEntry = { file, label, count: 0 }
    entries.push(entry)
    const prev = entries.length > 1 ? entries[entries.length - 2]!.file : undefined
    const nav = (): HtmlNav => {
      const n: HtmlNav = { index: 'index.html' }
      if (prev) n.prev = prev
      if (nextFile) n.next = nextFile
      return n
    }
    const writer = createWriter(job.format, tz, nav, media)
    const sink = await FileSink.create(join(dir.tempPath, file))
    const p: OpenPart = { sink, writer, entry, pending: '' }
    nextFile = undefined
    p.pending = writer.begin({ ...job.meta, part: { index: entries.length, label } })
    return p
  }
  const flush = async (p: OpenPart): Promise<void> => {
    await p.sink.write(p.pending)
    p.pending = ''
  }
  const close = async (p: OpenPart): Promise<void> => {
    p.pending += p.writer.end()
    await flush(p)
    await p.sink.commit()
    bytes += p.sink.bytes
  }
  /** Bytes of the part so far (pending text counted as UTF-16 units × ~1: a close estimate). */
  const partBytes = (p: OpenPart): number => p.sink.bytes + p.pending.length
  if (media) media.onCopied = () => job.onProgress?.(withMedia({ messages, bytes: bytes + (part ? partBytes(part) : 0), parts: entries.length }, media))

  try {
    for await (const raw of source) {
      if (job.signal?.aborted) throw abortError(job.signal)
      const chunk = media ? await media.prepare(raw, job.signal) : raw
      for (const m of chunk) {
        let rotate = !part
        if (part) {
          if (split.kind === 'count') rotate = part.entry.count >= split.messages
          else if (split.kind === 'size') rotate = part.entry.count > 0 && partBytes(part) >= split.bytes
          else rotate = labelFor(m, 0) !== part.entry.label
        }
        if (rotate) {
          const label = labelFor(m, entries.length + 1)
          const file = fileFor(label)
          if (part) {
            nextFile = file
            await close(part)
          }
          part = await open(label, file)
        }
        const p = part!
        p.pending += p.writer.write([m])
        p.entry.count++
        const t = m.MsgTimeStamp
        if (typeof t === 'number' && Number.isFinite(t)) {
          if (p.entry.first === undefined || t < p.entry.first) p.entry.first = t
          if (p.entry.last === undefined || t > p.entry.last) p.entry.last = t
        }
        if (p.pending.length >= flushChars) await flush(p)
      }
      messages += chunk.length
      job.onProgress?.(withMedia({ messages, bytes: bytes + (part ? partBytes(part) : 0), parts: entries.length }, media))
    }
    if (job.signal?.aborted) throw abortError(job.signal)
    if (part) await close(part)
    part = undefined
    const files = entries.map((e) => join(job.out, e.file))
    if (job.format === 'html') {
      const index = await FileSink.create(join(dir.tempPath, 'index.html'))
      await index.write(htmlIndex(job.meta, entries))
      await index.commit()
      bytes += index.bytes
      files.push(join(job.out, 'index.html'))
    }
    await dir.commit()
    return done({ messages, bytes, files }, media)
  } catch (e) {
    await part?.sink.abort()
    await dir.abort()
    throw e
  }
}
