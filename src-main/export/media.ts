/**
 * Exports with their media (issue 17 §4): the kept copies of the objects the exported messages
 * reference go with the export.
 *
 * - Folder mode: each saved object is copied once into a `media/` folder beside the export's
 *   file(s), named `<sha256>.<ext>` (the extension from the type sniffed from the stored bytes, so
 *   the name is content-addressed: the same bytes, however many messages share them, are one file).
 *   A split export has one `media/` folder in its own folder, shared by every part.
 * - Inline mode (the self-contained HTML page): nothing is copied; images up to `inlineMaxBytes`
 *   become `data:` URLs in the page, everything else is only named.
 *
 * Where outcomes come from: the line's own `_archive.media` (what `pull --media` appended) merged
 * with the media folder's ledger (the app's MediaService, or DIR/ledger.jsonl for the CLI). A saved
 * outcome whose file is not in the store is "missing": it is counted and named in the export's
 * summary, never a crash.
 *
 * Trust: a record's `_archive.media` may come from an imported file. Any `path` it carries is
 * dropped; the only paths in an export are those written here, always `media/<64 hex>.<ext>`.
 * Writers do not read paths from records at all: they get them through `MediaLinks`, which only
 * this module fills.
 */
import { copyFile, mkdir, open, readFile, rm, rmdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { commit, tempPathFor } from '../fs/atomic-write'
import type { ArchivedMessage, MediaNote } from '../shared/archive-record'
import { mergeMediaNote } from '../shared/archive-record'
import { isRecord } from '../shared/message-body'
import type { ImageSize, MediaKind } from '../shared/media/objects'
import { avatarKey, mediaInMessage, mediaKey } from '../shared/media/objects'
import { avatarAt, type Person } from '../shared/people'
import { chromiumPlays, sniff, SNIFF_BYTES } from '../shared/media/sniff'

/** The folder beside the export that holds its media. */
export const MEDIA_FOLDER = 'media'

/** Default cap of one inlined image in a self-contained page. */
export const DEFAULT_INLINE_MAX_BYTES = 256 * 1024

const SHA_RE = /^[0-9a-f]{64}$/

/** Where an export finds kept media: recorded outcomes, and where the store keeps an object. */
export interface ExportMediaSource {
  /** The outcome the media folder's ledger recorded for (group, key), if any. */
  outcome(groupId: string, key: string): MediaNote | undefined
  /** The path of a stored object (`<root>/<sha[0..2]>/<sha>`, media/content-store.ts). */
  pathFor(sha256: string): string
}

export type MediaMode = 'folder' | 'inline'

export interface ExportMediaOptions {
  source: ExportMediaSource
  mode: MediaMode
  /** Inline mode: the largest image inlined as a data: URL. Default 256 KB. */
  inlineMaxBytes?: number
  /**
   * The people of the export (ExportMeta.people): each message's sender gets the avatar in force
   * at its time when the media folder kept it (issue 18 §1, `pull --media` or the app).
   */
  people?: readonly Person[]
}

/** One kept object as a writer shows it. */
export interface MediaFile {
  kind: MediaKind
  size: ImageSize | null
  sha256: string
  bytes: number
  /** The sniffed type of the stored bytes. */
  type: string
  /** `media/<sha>.<ext>`, relative to the export's pages (folder mode). */
  path?: string
  /** A data: URL (inline mode, images up to the cap). */
  dataUrl?: string
  /** `<sha>.<ext>`: how the object is named when it is neither copied nor inlined. */
  name: string
  width: number | null
  height: number | null
  fileName: string | null
}

/** What a writer may ask of a message's media: the kept file of each object, by its key. */
export interface MediaLinks {
  mode: MediaMode
  inlineMaxBytes: number
  filesOf(message: ArchivedMessage): ReadonlyMap<string, MediaFile> | undefined
  /** The kept avatar of the message's sender at its time, if any. */
  avatarOf?(message: ArchivedMessage): MediaFile | undefined
}

export interface MediaSummary {
  /** Objects copied (or inlined) into the export, each file once. */
  files: number
  bytes: number
  /** Of `files`, the senders' avatars (issue 18 §1): each distinct picture once. */
  avatars?: number
  /** Saved objects whose file is not in the media folder. */
  missing: number
  /** Some of them, `<sha256> (<group> #<seq>)`, for the summary line. */
  missingNames: string[]
}

/** A media folder's object path: the content store's layout (media/content-store.ts). */
export function storePath(root: string, sha256: string): string {
  if (!SHA_RE.test(sha256)) throw new Error(`not a SHA-256: ${JSON.stringify(sha256.slice(0, 80))}`)
  return join(root, sha256.slice(0, 2), sha256)
}

/** A note without a `path` (only this module writes paths). */
function withoutPath(n: MediaNote): MediaNote {
  if (!('path' in n)) return n
  const { path: _p, ...rest } = n
  return rest as MediaNote
}

interface Stored {
  sha256: string
  bytes: number
  type: string
  ext: string
  /** The relative path once copied. */
  path?: string
}

/**
 * Copies (or inlines) the media of each chunk before it is written. One per export run.
 * `dir` is the folder the export's pages are in; `media/` is created there on first use.
 */
export class MediaCopier implements MediaLinks {
  readonly mode: MediaMode
  readonly inlineMaxBytes: number
  private readonly links = new WeakMap<ArchivedMessage, Map<string, MediaFile>>()
  private readonly avatars = new WeakMap<ArchivedMessage, MediaFile>()
  private readonly people: Map<string, Person> | undefined
  /** Avatar files by their stored SHA-256 (each inlined at most once). */
  private readonly avatarFiles = new Map<string, MediaFile>()
  /** Avatars copied (or inlined) into the export: apart from message media in the summary. */
  avatarCount = 0
  private readonly stored = new Map<string, Stored | null>()
  private readonly created: string[] = []
  private madeDir = false
  private createdDir: string | undefined
  private missingShas = new Set<string>()
  /** Inline mode: objects inlined at least once (counted once). */
  private readonly inlined = new Set<string>()
  files = 0
  bytes = 0
  missingNames: string[] = []
  /** Called after each file copied (or inlined): the export's progress counts the media too. */
  onCopied: (() => void) | undefined

  constructor(
    private readonly o: ExportMediaOptions,
    private readonly dir: string,
    /** Whether the export owns `dir` (a split export's folder): then nothing needs undoing file by file. */
    private readonly ownsDir: boolean
  ) {
    this.mode = o.mode
    this.inlineMaxBytes = o.inlineMaxBytes ?? DEFAULT_INLINE_MAX_BYTES
    if (o.people?.length) {
      this.people = new Map()
      for (const p of o.people) this.people.set(`${p.groupId}\u0000${p.account}`, p)
    }
  }

  filesOf(message: ArchivedMessage): ReadonlyMap<string, MediaFile> | undefined {
    return this.links.get(message)
  }

  avatarOf(message: ArchivedMessage): MediaFile | undefined {
    return this.avatars.get(message)
  }

  /**
   * The sender's avatar at the message's time, when the media folder's ledger says it was saved
   * (group = the message's group, key = the avatar's identity key) and its file is there.
   */
  private async avatar(m: ArchivedMessage): Promise<MediaFile | undefined> {
    if (!this.people || typeof m.From_Account !== 'string') return undefined
    const p = this.people.get(`${m.GroupId}\u0000${m.From_Account}`)
    const url = avatarAt(p, typeof m.MsgTime === 'number' ? m.MsgTime * 1000 : Number.POSITIVE_INFINITY)
    const key = avatarKey(url)
    if (!key) return undefined
    const note = this.o.source.outcome(m.GroupId, key)
    if (note?.status !== 'saved' || typeof note.sha256 !== 'string' || !SHA_RE.test(note.sha256)) return undefined
    const known = this.avatarFiles.get(note.sha256)
    if (known) return known
    const s = await this.keep(note.sha256, m)
    if (!s || !inlineImage(s.type)) return undefined
    const f: MediaFile = {
      kind: 'avatar',
      size: null,
      sha256: s.sha256,
      bytes: s.bytes,
      type: s.type,
      name: `${s.sha256}.${s.ext}`,
      width: null,
      height: null,
      fileName: null
    }
    if (s.path) f.path = s.path
    else if (this.mode === 'inline') {
      if (s.bytes > this.inlineMaxBytes) return undefined
      f.dataUrl = `data:${s.type};base64,${(await readFile(this.o.source.pathFor(s.sha256))).toString('base64')}`
      if (!this.inlined.has(s.sha256)) {
        this.inlined.add(s.sha256)
        this.files++
        this.bytes += s.bytes
        this.onCopied?.()
      }
    }
    this.avatarFiles.set(s.sha256, f)
    this.avatarCount++
    return f
  }

  summary(): MediaSummary {
    const s: MediaSummary = { files: this.files, bytes: this.bytes, missing: this.missingShas.size, missingNames: [...this.missingNames] }
    // Said only when there are some (the app's summaries and their tests stay as they were).
    if (this.avatarCount) s.avatars = this.avatarCount
    return s
  }

  /**
   * The chunk as it is exported: each message with media gets `_archive.media` (its notes merged
   * with the ledger's; saved ones copied carry `path`), and its files registered for the writers.
   */
  async prepare(chunk: readonly ArchivedMessage[], signal?: AbortSignal): Promise<ArchivedMessage[]> {
    const out: ArchivedMessage[] = []
    for (const m of chunk) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('export cancelled')
      out.push(await this.message(m))
    }
    return out
  }

  private async message(m: ArchivedMessage): Promise<ArchivedMessage> {
    const copy = await this.messageMedia(m)
    const av = await this.avatar(m)
    if (av) this.avatars.set(copy, av)
    return copy
  }

  private async messageMedia(m: ArchivedMessage): Promise<ArchivedMessage> {
    const refs = mediaInMessage(m)
    const had = isRecord(m._archive) && isRecord(m._archive.media) ? m._archive.media : undefined
    if (refs.length === 0 && !had) return m
    const notes: Record<string, MediaNote> = {}
    if (had) for (const [k, n] of Object.entries(had)) if (isRecord(n) && typeof n.status === 'string') notes[k] = withoutPath(n as MediaNote)
    const files = new Map<string, MediaFile>()
    const byElement = new Map<string, MediaFile[]>()
    for (const ref of refs) {
      const key = mediaKey(ref)
      const fromLedger = this.o.source.outcome(m.GroupId, key)
      const note = fromLedger ? mergeMediaNote(notes[key], withoutPath(fromLedger)) : notes[key]
      if (!note) continue
      notes[key] = note
      if (note.status !== 'saved' || typeof note.sha256 !== 'string' || !SHA_RE.test(note.sha256)) continue
      const s = await this.keep(note.sha256, m)
      if (!s) continue
      const f: MediaFile = {
        kind: ref.kind,
        size: ref.size,
        sha256: s.sha256,
        bytes: s.bytes,
        type: s.type,
        name: `${s.sha256}.${s.ext}`,
        width: ref.width,
        height: ref.height,
        fileName: ref.fileName
      }
      if (s.path) {
        f.path = s.path
        notes[key] = { ...note, path: s.path }
      }
      files.set(key, f)
      byElement.set(ref.path.join('.'), [...(byElement.get(ref.path.join('.')) ?? []), f])
    }
    if (this.mode === 'inline') for (const list of byElement.values()) await this.inline(list)
    const copy: ArchivedMessage = Object.keys(notes).length > 0 ? { ...m, _archive: { ...m._archive, media: notes } } : m
    if (files.size > 0) this.links.set(copy, files)
    return copy
  }

  /**
   * Inline mode: the one picture an element shows, as a data: URL when it is a displayable image
   * within the cap: an image's smallest kept size (thumbnail, else large, else original), a video's
   * thumbnail. Everything else stays named only.
   */
  private async inline(list: MediaFile[]): Promise<void> {
    const order: (ImageSize | null)[] = ['thumb', 'large', 'original']
    const fits = (f: MediaFile): boolean => f.bytes <= this.inlineMaxBytes && inlineImage(f.type)
    const image = order.map((size) => list.find((f) => f.kind === 'image' && f.size === size)).find((f) => f !== undefined && fits(f))
    const thumb = list.find((f) => f.kind === 'video-thumb' && fits(f))
    for (const f of [image, thumb]) {
      if (!f) continue
      f.dataUrl = `data:${f.type};base64,${(await readFile(this.o.source.pathFor(f.sha256))).toString('base64')}`
      if (this.inlined.has(f.sha256)) continue
      this.inlined.add(f.sha256)
      this.files++
      this.bytes += f.bytes
      this.onCopied?.()
    }
  }

  /** The stored object, copied into media/ in folder mode (once per export); null when its file is missing. */
  private async keep(sha256: string, m: ArchivedMessage): Promise<Stored | null> {
    const known = this.stored.get(sha256)
    if (known !== undefined) {
      if (known === null) this.noteMissing(sha256, m)
      return known
    }
    const src = this.o.source.pathFor(sha256)
    let head: Buffer
    let bytes: number
    try {
      const fh = await open(src, 'r')
      try {
        bytes = (await fh.stat()).size
        head = Buffer.alloc(SNIFF_BYTES)
        const { bytesRead } = await fh.read(head, 0, SNIFF_BYTES, 0)
        head = head.subarray(0, bytesRead)
      } finally {
        await fh.close()
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
      this.stored.set(sha256, null)
      this.noteMissing(sha256, m)
      return null
    }
    const t = sniff(head)
    const s: Stored = { sha256, bytes, type: t.mime, ext: t.ext }
    if (this.mode === 'folder') {
      const name = `${sha256}.${t.ext}`
      await this.copy(src, name, bytes)
      s.path = `${MEDIA_FOLDER}/${name}`
      this.files++
      this.bytes += bytes
      this.onCopied?.()
    }
    this.stored.set(sha256, s)
    return s
  }

  private noteMissing(sha256: string, m: ArchivedMessage): void {
    if (this.missingShas.has(sha256)) return
    this.missingShas.add(sha256)
    if (this.missingNames.length < 20) this.missingNames.push(`${sha256} (${m.GroupId} #${m.MsgSeq})`)
  }

  /** Copies a stored object to media/<name>: temp file, fsync, rename (a file already there of the same size is kept). */
  private async copy(src: string, name: string, bytes: number): Promise<void> {
    const folder = join(this.dir, MEDIA_FOLDER)
    if (!this.madeDir) {
      const made = await mkdir(folder, { recursive: true })
      if (made && !this.ownsDir) this.createdDir = folder
      this.madeDir = true
    }
    const dest = join(folder, name)
    const there = await stat(dest).catch(() => null)
    if (there?.isFile() && there.size === bytes) return
    const tmp = tempPathFor(dest, 'partial')
    try {
      await copyFile(src, tmp)
    } catch (e) {
      await rm(tmp, { force: true })
      throw e
    }
    await commit(tmp, dest)
    if (!this.ownsDir) this.created.push(dest)
  }

  /** Removes what this export copied beside a single file (a split export's folder goes as a whole). */
  async abort(): Promise<void> {
    for (const p of this.created.splice(0)) await rm(p, { force: true })
    // The folder only when this export made it and nothing else is in it.
    if (this.createdDir) await rmdir(this.createdDir).catch(() => undefined)
    this.createdDir = undefined
  }
}

/** Image types a page may show inline (raster, and decodable by Chromium). */
export function inlineImage(type: string): boolean {
  return type.startsWith('image/') && chromiumPlays(type)
}

/**
 * The ledger of a `pull --media DIR` folder, read without its lock (an export only reads: a pull
 * may be appending; a torn last line is skipped). Each line holds the merged outcome, so the last
 * line of an object is its outcome (media/ledger.ts).
 */
export async function readMediaFolder(dir: string): Promise<ExportMediaSource & { outcomes: number; skipped: number }> {
  const outcomes = new Map<string, MediaNote>()
  let skipped = 0
  let text = ''
  try {
    text = await readFile(join(dir, 'ledger.jsonl'), 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
  for (const line of text.split('\n')) {
    if (!line) continue
    try {
      const v = JSON.parse(line) as { g?: unknown; k?: unknown; o?: unknown }
      if (typeof v.g === 'string' && typeof v.k === 'string' && isRecord(v.o) && typeof v.o.status === 'string') {
        outcomes.set(JSON.stringify([v.g, v.k]), v.o as MediaNote)
        continue
      }
    } catch {
      // a torn last line (a pull appending right now) or a hand edit
    }
    skipped++
  }
  return {
    outcomes: outcomes.size,
    skipped,
    outcome: (groupId, key) => outcomes.get(JSON.stringify([groupId, key])),
    pathFor: (sha) => storePath(dir, sha)
  }
}
