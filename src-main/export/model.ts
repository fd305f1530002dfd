/**
 * What an export shows of one archived message, read defensively.
 *
 * Records are untrusted (whatever the server or an imported file held): any field may be missing
 * or of another type, MsgBody is an object on some system messages, MsgTypes may be unknown.
 * Nothing here throws on such input: the body is read by shared/message-body.ts, as the timeline and
 * search read it; this module only words it. English labels: exports are files for anyone.
 */
import { isEdited, messageVersions, migrateRecord, type ArchivedMessage } from '../shared/archive-record'
import { mediaInMessage, mediaKey, type ImageSize } from '../shared/media/objects'
import type { MediaFile, MediaLinks } from './media'
import type { SenderNames } from './names'
import { formatBytes, formatCount, formatIsoDateTime, isoTime } from '../shared/format'
import { readableLine } from '../shared/tuikit/readable'
import { readFace } from '../shared/tuikit/face'
import {
  asText,
  bestImage,
  bodyItems,
  imageFormatName,
  isRecord,
  maxRelayDepth,
  num,
  readEntry,
  relayContent,
  relayItem,
  safeHttpUrl
} from '../shared/message-body'

export { asText, isRecord, safeHttpUrl }

export type Part =
  /** Message text as the sender wrote it. */
  | { kind: 'text'; text: string }
  /**
   * A non-text element: a label ("image 640×480 JPG"), maybe a link (http(s) only) and data, and
   * the kept copies of its objects when the export carries media (export/media.ts).
   */
  | { kind: 'media'; type: string; label: string; url?: string; data?: string; files?: MediaFile[] }
  /** A forwarded chat history. */
  | { kind: 'relay'; title: string; count?: number; items: RelayEntry[]; note?: string }

export interface RelayEntry {
  from: string
  time?: number
  parts: Part[]
}

export type MessageState = 'normal' | 'deleted' | 'recalled' | 'system'

export interface MessageDoc {
  group: string
  /** A Community topic's ID (the line's TopicId, issue 18 §2), for a topic's message. */
  topic?: string
  seq: number | undefined
  /** Unix seconds, when the record has a usable one. */
  time: number | undefined
  from: string
  /** The sender's name at the message's time, when the export knows one (`from` stays the account ID). */
  fromName?: string
  state: MessageState
  /** Element types in order ('TIMTextElem', …), for the CSV's type column. */
  types: string[]
  parts: Part[]
  /** What the server has said since (`_archive.server`), in words. */
  serverNote?: string
  /** When an admin edited the message on the server since it was archived (issue 18 §5). */
  edit?: EditDoc
}

/**
 * An edited message as an export shows it: `parts` are the current copy's, and this says it was
 * edited, when the current copy was first seen, and what the original said. JSON and JSON Lines
 * carry every version as archived (`_archive.versions`).
 */
export interface EditDoc {
  /** Earlier versions kept (the original among them), and those the cap did not keep. */
  earlier: number
  dropped: number
  /** When the archive first saw the current copy, written as the server note's time is. */
  seen?: string
  /** The original: the first version the archive holds. */
  original: Part[]
}

/** The edit in words, for a flag or a note column. */
export function editNote(e: EditDoc): string {
  const kept = e.earlier + e.dropped
  return `edited on the server${e.seen ? ` (seen ${e.seen})` : ''}; ${kept} earlier version${kept === 1 ? '' : 's'}${e.dropped ? ` (${e.dropped} not kept)` : ''}`
}

/** The original of an edited message as one line of plain text. */
export function originalText(e: EditDoc, tz = 'UTC'): string {
  return e.original.map((p) => partText(p, '', tz)).join(' ') || '(empty)'
}

/** Sizes as the app writes them (decimal SI units: shared/format.ts), in English like the rest of an export. */
function bytes(n: number): string {
  return formatBytes(n, 'en')
}

/** The kept files of a message's elements, by element path ('0', '2.1.0': shared/media/objects.ts MediaRef.path). */
type FilesAt = ReadonlyMap<string, MediaFile[]>

function labelled(type: string, label: string, url?: string, data?: string, files?: MediaFile[]): Part {
  const p: { kind: 'media'; type: string; label: string; url?: string; data?: string; files?: MediaFile[] } = { kind: 'media', type, label }
  if (url) p.url = url
  if (data) p.data = data
  if (files?.length) p.files = files
  return p
}

function tipText(c: Record<string, unknown>): string {
  const op = asText(c['OpType']) || 'event'
  const who = asText(c['Operator_Account'])
  const members = c['MemberAccount_List'] ?? c['Member_Account']
  const list = Array.isArray(members) ? members.map(asText).filter(Boolean).join(', ') : asText(members)
  const fields = Object.entries(c)
    .filter(([k, v]) => !['OpType', 'Operator_Account', 'MemberAccount_List', 'Member_Account'].includes(k) && v !== '' && v !== null && v !== undefined)
    .slice(0, 6)
    .map(([k, v]) => `${k}: ${asText(v)}`)
  return [op, who && `by ${who}`, list && `members: ${list}`, ...fields].filter(Boolean).join('; ')
}

function elementParts(el: unknown, depth: number, path: number[], kept: FilesAt | undefined): Part[] {
  const files = kept?.get(path.join('.'))
  const entry = readEntry(el)
  if (entry.kind === 'value') return [labelled('unknown', 'unsupported element', undefined, asText(entry.value))]
  if (entry.kind === 'object') {
    // An object body that is not an element (a bare system event): its fields are the content.
    const f = entry.fields
    return [labelled('event', typeof f['OpType'] === 'string' ? tipText(f) : 'event', undefined, typeof f['OpType'] === 'string' ? undefined : asText(f))]
  }
  const { type, content: c } = entry
  switch (type) {
    case 'TIMTextElem':
      return [{ kind: 'text', text: asText(c['Text']) }]
    case 'TIMFaceElem': {
      // TUIKit's sticker: the pack is Index, the name Data (shared/tuikit/face.ts), as the timeline shows it.
      const face = readFace(c)
      const label =
        face.name !== undefined
          ? `sticker ${face.name}${face.pack !== undefined ? ` (pack ${face.pack})` : ''}`
          : face.pack !== undefined
            ? `sticker #${face.pack}`
            : `sticker${asText(c['Index']) ? ` ${asText(c['Index'])}` : ''}`
      return [labelled(type, label, undefined, face.data !== undefined ? readableLine(face.data) || undefined : undefined)]
    }
    case 'TIMLocationElem': {
      const lat = num(c['Latitude'])
      const lon = num(c['Longitude'])
      const where = lat !== undefined && lon !== undefined ? ` (${lat}, ${lon})` : ''
      return [labelled(type, `location: ${asText(c['Desc'])}${where}`)]
    }
    case 'TIMCustomElem': {
      const desc = asText(c['Desc'])
      // App data made readable (shared/tuikit/readable): JSON compact, text as is, bytes as hex.
      const data = [c['Data'], c['Ext'], c['Sound']].map(readableLine).filter(Boolean).join(' | ')
      return [labelled(type, desc ? `custom: ${desc}` : 'custom data', undefined, data || undefined)]
    }
    case 'TIMImageElem': {
      const best = bestImage(c)
      const w = num(best?.['Width'])
      const h = num(best?.['Height'])
      const size = num(best?.['Size'])
      const fmt = imageFormatName(num(c['ImageFormat']))
      const bits = [w && h ? `${w}×${h}` : '', fmt ?? '', size ? bytes(size) : ''].filter(Boolean)
      return [labelled(type, `image${bits.length ? ' ' + bits.join(' ') : ''}`, safeHttpUrl(best?.['URL']), undefined, files)]
    }
    case 'TIMSoundElem': {
      const sec = num(c['Second'])
      return [labelled(type, `voice${sec !== undefined ? ` ${sec} s` : ''}`, safeHttpUrl(c['Url']), undefined, files)]
    }
    case 'TIMVideoFileElem': {
      const sec = num(c['VideoSecond'])
      const fmt = asText(c['VideoFormat'])
      const bits = [sec !== undefined ? `${sec} s` : '', fmt].filter(Boolean)
      return [labelled(type, `video${bits.length ? ' ' + bits.join(' ') : ''}`, safeHttpUrl(c['VideoUrl']), undefined, files)]
    }
    case 'TIMFileElem': {
      const size = num(c['FileSize'])
      return [labelled(type, `file: ${asText(c['FileName'])}${size !== undefined ? ` (${bytes(size)})` : ''}`, safeHttpUrl(c['Url']), undefined, files)]
    }
    case 'TIMRelayElem': {
      const relay = relayContent(c)
      const list = relay.list
      const items: RelayEntry[] = []
      if (list && depth < maxRelayDepth) {
        for (const [j, v] of list.entries()) {
          const item = relayItem(v)
          if (!item) continue
          const e: RelayEntry = { from: asText(item.from), parts: bodyParts(item.body, depth + 1, [...path, j], kept) }
          if (item.time !== undefined) e.time = item.time
          items.push(e)
        }
      }
      const part: { kind: 'relay'; title: string; count?: number; items: RelayEntry[]; note?: string } = {
        kind: 'relay',
        title: asText(c['Title']) || 'Chat history',
        items
      }
      if (relay.count !== undefined) part.count = relay.count
      if (!list) {
        const abstract = relay.abstract.map(asText).join('\n')
        part.note = `${relay.jsonMsgKey !== undefined ? relayOnServerNote(relay.count) : 'the messages are not included in this message'}${abstract ? `; summary:\n${abstract}` : ''}`
      }
      return [part]
    }
    case 'TIMGroupTipElem':
    case 'TIMGroupSystemNoticeElem':
      return [labelled(type, tipText(c))]
    default:
      return [labelled(type, type, undefined, asText(c))]
  }
}

/**
 * A forwarded chat whose messages Tencent keeps on its server under a key (`JsonMsgKey`, over
 * 12 KB): no REST API reads them (docs/reference/tencent-im-api.md §9.8), only logged-in client SDKs.
 */
export function relayOnServerNote(count: number | undefined): string {
  const what = count === undefined ? 'The messages are' : `${formatCount(count, 'en')} message${count === 1 ? ' is' : 's are'}`
  return `${what} kept on Tencent's server under a key; Tencent offers no server API to read them, so the archive has the title and summary only`
}

function bodyParts(body: unknown, depth: number, path: number[] = [], kept?: FilesAt): Part[] {
  return bodyItems(body).flatMap((el, i) => elementParts(el, depth, [...path, i], kept))
}

/** A message's kept files grouped by the path of their element. */
function filesAt(m: ArchivedMessage, media: MediaLinks | undefined): FilesAt | undefined {
  const byKey = media?.filesOf(m)
  if (!byKey || byKey.size === 0) return undefined
  const out = new Map<string, MediaFile[]>()
  for (const ref of mediaInMessage(m)) {
    const f = byKey.get(mediaKey(ref))
    if (!f) continue
    const at = ref.path.join('.')
    const list = out.get(at)
    if (list) list.push(f)
    else out.set(at, [f])
  }
  return out
}

function typesOf(body: unknown): string[] {
  const els = Array.isArray(body) ? body : isRecord(body) ? [body] : []
  return els.map((el) => {
    const e = readEntry(el)
    return e.kind === 'element' ? e.type : 'object'
  })
}

/**
 * What an export shows of a record. `tz` and `dates` say how the time the server note carries is
 * written: ISO 8601 in the zone (CSV, TXT, Markdown) or as the app writes dates (HTML).
 */
export function describe(record: ArchivedMessage, tz = 'UTC', dates: 'iso' | 'en' = 'iso', media?: MediaLinks, names?: SenderNames): MessageDoc {
  // An older archive's changed-body note is read as an edit (its latest copy current).
  const m = isRecord(record) ? migrateRecord(record) : record
  const rec: Record<string, unknown> = isRecord(m) ? m : {}
  const place = rec['IsPlaceMsg']
  const state: MessageState = place === 1 ? 'deleted' : place === 2 ? 'recalled' : rec['IsSystemMsg'] === 1 ? 'system' : 'normal'
  const doc: MessageDoc = {
    group: asText(rec['GroupId']),
    seq: num(rec['MsgSeq']),
    time: num(rec['MsgTimeStamp']),
    from: asText(rec['From_Account']),
    state,
    types: typesOf(rec['MsgBody']),
    parts: bodyParts(rec['MsgBody'], 0, [], filesAt(m, media))
  }
  const topic = rec['TopicId']
  if (typeof topic === 'string' && topic !== '') doc.topic = topic
  if (names && doc.from) {
    const n = names(doc.group, doc.from, doc.time)
    if (n) doc.fromName = n.name
  }
  const archive = rec['_archive']
  const server = isRecord(archive) && isRecord(archive['server']) ? archive['server'] : undefined
  if (server) {
    const p = server['IsPlaceMsg']
    const when = seenText(asText(server['seenAt']), tz, dates)
    const what = p === 1 ? 'deleted on the server (or expired)' : p === 2 ? 'recalled' : 'changed on the server'
    doc.serverNote = `${what}${when ? ` (seen ${when})` : ''}; the archived content is shown`
  }
  // Edited: its MsgBody changed (a CloudCustomData-only version, as TUIKit's reply bookkeeping
  // writes, is carried by JSON and JSON Lines but is no edit a reader sees).
  const versions = isRecord(archive) && isEdited(m) ? messageVersions(m) : []
  if (versions.length > 1) {
    const dropped = isRecord(archive) ? num(archive['versionsDropped']) : undefined
    const seen = isRecord(archive) ? seenText(asText(archive['seenAt']), tz, dates) : ''
    const edit: EditDoc = { earlier: versions.length - 1, dropped: dropped ?? 0, original: bodyParts(versions[0]!.MsgBody, 0, [], undefined) }
    if (seen) edit.seen = seen
    doc.edit = edit
  }
  return doc
}

function seenText(iso: string, tz: string, dates: 'iso' | 'en'): string {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return iso
  return dates === 'en' ? formatIsoDateTime(iso, 'en', tz) : isoTime(ms / 1000, tz)
}

/** A part as one line of plain text (`[image 640×480 JPG] https://…`). */
export function partText(p: Part, indent = '', tz = 'UTC'): string {
  switch (p.kind) {
    case 'text':
      return p.text
    case 'media': {
      const local = mainFile(p.files)
      const kept = local ? ` ${local.path ?? `(kept as ${local.name}, not copied)`}` : ''
      return `[${p.label}]${p.data ? ' ' + p.data : ''}${kept}${p.url ? ' ' + p.url : ''}`
    }
    case 'relay': {
      const head = `[forwarded: ${p.title}${p.count !== undefined ? `, ${p.count} messages` : ''}]`
      const lines = p.items.map(
        (i) => `${indent}  ${i.from}${i.time !== undefined ? ` (${isoTime(i.time, tz)})` : ''}: ${i.parts.map((x) => partText(x, indent + '  ', tz)).join(' ')}`
      )
      if (p.note) lines.push(`${indent}  (${p.note.replace(/\n/g, `\n${indent}  `)})`)
      return [head, ...lines].join('\n')
    }
  }
}

const imageRank: Record<ImageSize, number> = { original: 0, large: 1, thumb: 2 }

/**
 * The copy a text export names for an element: an image's largest kept size, a video itself (its
 * thumbnail when only that was kept), a file, a voice message.
 */
export function mainFile(files: readonly MediaFile[] | undefined): MediaFile | undefined {
  if (!files?.length) return undefined
  return [...files].sort((a, b) => rank(a) - rank(b))[0]
}

function rank(f: MediaFile): number {
  if (f.kind === 'image') return imageRank[f.size ?? 'thumb']
  return f.kind === 'video-thumb' ? 5 : 0
}

export function stateLabel(s: MessageState): string {
  return s === 'normal' ? '' : s
}

/** The whole message as plain text: its parts, or what stands in for missing content. */
export function docText(d: MessageDoc, tz = 'UTC'): string {
  const text = d.parts.map((p) => partText(p, '', tz)).join(' ')
  if (text) return text
  if (d.state === 'deleted') return '[deleted]'
  if (d.state === 'recalled') return '[recalled]'
  return ''
}

// ---------------------------------------------------------------------------------------------
// Times: the shared formatter's (one way to write times for the app, the exports and the CLI).

export { checkTimeZone, isoTime, periodKey } from '../shared/format'

/** The sender as text and Markdown write it: "Bob (bob)" when a name is known, else the account ID. */
export function senderLabel(d: MessageDoc): string {
  return d.fromName && d.fromName !== d.from ? `${d.fromName} (${d.from})` : d.from
}
