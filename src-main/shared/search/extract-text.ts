/**
 * What of an archived message search can see: its human text and its features (`has:`, `is:`).
 *
 * Records are untrusted (anything the server or an imported file sent): any field may be missing
 * or of another type, MsgBody is an object on some system messages, MsgTypes may be unknown. Nothing
 * here throws on such input.
 *
 * What counts as text:
 * - TIMTextElem Text; TIMLocationElem Desc; TIMFileElem FileName; TIMFaceElem Data (often a face
 *   name such as `[微笑]`);
 * - TIMCustomElem Desc, Ext and Data. Data and Ext are often JSON (sometimes JSON in a JSON string):
 *   then their string values count, not their keys; long base64/hex-like runs are dropped;
 * - TIMRelayElem (forwarded messages) Title, AbstractList and, recursively, every message in
 *   MsgList. CompatibleText is a fixed fallback label ("[Chat History]"), not content, and is left out;
 * - system messages and element types this code does not know: every string value inside, except
 *   fields named like media references (`...Url`, `...UUID`);
 * - URLs written in text stay (they are searchable words and make `has:link`); media URLs of image,
 *   sound, video and file elements do not (storage links, not anything a person wrote);
 * - when the server has since changed the body (`_archive.server.MsgBody`), that body too: a
 *   message matches on what was archived and on what the server says now;
 * - every earlier version of an edited message (`_archive.versions`, issue 18 §5), so a word an
 *   admin edited away is still found; `is:edited` finds such messages.
 * Numbers inside custom JSON are not text (they are mostly ids, sizes and timestamps).
 */
import { isEdited, type ArchivedMessage } from '../archive-record'
import { bodyItems, isRecord, maxRelayDepth, readEntry, relayContent, relayItem, str } from '../message-body'
import { normalize } from './normalize'
import { tokenizeNormalized } from './tokenize'

export const hasValues = ['image', 'file', 'sound', 'video', 'location', 'custom', 'link', 'face', 'relay'] as const
export type HasFeature = (typeof hasValues)[number]

export const isValues = ['deleted', 'recalled', 'system', 'removed', 'edited'] as const
export type IsFeature = (typeof isValues)[number]

export interface MessageFeatures {
  /**
   * Element kinds in the message, forwarded messages (relay MsgList) included, and `link` when its
   * text holds a URL.
   */
  has: Set<HasFeature>
  /**
   * - `deleted`: archived as a placeholder with IsPlaceMsg 1 (deleted, expired or never stored), or
   *   archived with content that the server now reports as IsPlaceMsg 1;
   * - `recalled`: the same with IsPlaceMsg 2;
   * - `removed`: archived content that the server has since deleted or recalled (the archive kept it);
   * - `system`: IsSystemMsg 1.
   */
  is: Set<IsFeature>
}

const elementFeature: Record<string, HasFeature> = {
  TIMImageElem: 'image',
  TIMFileElem: 'file',
  TIMSoundElem: 'sound',
  TIMVideoFileElem: 'video',
  TIMLocationElem: 'location',
  TIMCustomElem: 'custom',
  TIMFaceElem: 'face',
  TIMRelayElem: 'relay'
}

// Nesting bound for hostile input (JSON inside JSON; relay inside relay is message-body.ts's).
const maxValueDepth = 12
// A run of base64, base64url or hex with no separator: encoded data, not words.
const blob = /[A-Za-z0-9+/=_-]{64,}/g
// Field names of media references in objects whose shape is unknown.
const mediaKey = /url|uuid/i
// A URL as the timeline finds one (format/text.ts): a scheme we recognise or a bare www. host, not
// glued to an ASCII word before it (Chinese text often runs straight into a link), then a host letter.
const urlPattern = /(?<![a-z0-9_])(?:(?:https?|ftp):\/\/|www\.)[\p{L}\p{N}]/iu

interface Walk {
  texts: string[]
  has: Set<HasFeature>
}

function push(w: Walk, v: unknown): void {
  const s = str(v)
  if (s) w.texts.push(s)
}

/** App-defined data: JSON's string values, or the string itself, without encoded blobs. */
function pushData(w: Walk, v: unknown, depth: number): void {
  const s = str(v)
  if (!s) return
  const t = s.trim()
  if ((t.startsWith('{') || t.startsWith('[') || t.startsWith('"')) && depth < maxValueDepth) {
    let parsed: unknown
    try {
      parsed = JSON.parse(t)
    } catch {
      parsed = undefined
    }
    if (parsed !== undefined && parsed !== null) {
      pushValues(w, parsed, depth + 1, false)
      return
    }
  }
  const cleaned = s.replace(blob, ' ')
  if (cleaned.trim()) w.texts.push(cleaned)
}

/** Every string value inside `v` (JSON strings opened), skipping media fields if asked. */
function pushValues(w: Walk, v: unknown, depth: number, skipMedia: boolean): void {
  if (depth > maxValueDepth) return
  if (typeof v === 'string') pushData(w, v, depth)
  else if (Array.isArray(v)) for (const x of v) pushValues(w, x, depth + 1, skipMedia)
  else if (isRecord(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (skipMedia && mediaKey.test(k)) continue
      pushValues(w, x, depth + 1, skipMedia)
    }
  }
}

function walkElement(w: Walk, el: unknown, relayDepth: number): void {
  const entry = readEntry(el)
  if (entry.kind === 'value') return
  if (entry.kind === 'object') {
    // Not an element: an object of a system body, say. Its strings are what there is.
    pushValues(w, entry.fields, 0, true)
    return
  }
  const { type, content: c } = entry
  const feature = elementFeature[type]
  if (feature) w.has.add(feature)
  switch (type) {
    case 'TIMTextElem':
      push(w, c['Text'])
      break
    case 'TIMLocationElem':
      push(w, c['Desc'])
      break
    case 'TIMFileElem':
      push(w, c['FileName'])
      break
    case 'TIMFaceElem':
      pushData(w, c['Data'], 0)
      break
    case 'TIMCustomElem':
      push(w, c['Desc'])
      pushData(w, c['Ext'], 0)
      pushData(w, c['Data'], 0)
      break
    case 'TIMSoundElem':
    case 'TIMImageElem':
    case 'TIMVideoFileElem':
      break
    case 'TIMRelayElem': {
      const relay = relayContent(c)
      push(w, relay.title)
      for (const a of relay.abstract) push(w, a)
      if (relay.list && relayDepth < maxRelayDepth) {
        for (const v of relay.list) {
          const item = relayItem(v)
          if (item) walkBody(w, item.body, relayDepth + 1)
        }
      }
      break
    }
    default:
      // TIMGroupTipElem, TIMGroupSystemNoticeElem and types added later: their strings (member
      // names, group name, the event's OpType) without media references.
      pushValues(w, c, 0, true)
  }
}

function walkBody(w: Walk, body: unknown, relayDepth: number): void {
  for (const el of bodyItems(body)) walkElement(w, el, relayDepth)
}

function walkMessage(m: ArchivedMessage): Walk {
  const w: Walk = { texts: [], has: new Set() }
  walkBody(w, m.MsgBody, 0)
  const server = isRecord(m._archive) && isRecord(m._archive.server) ? m._archive.server : undefined
  if (server && server.MsgBody !== undefined) walkBody(w, server.MsgBody, 0)
  // Every earlier version of an edited message (issue 18 §5): a word an admin edited away is
  // still found. Only bodies that differ from the ones walked already, so a word is not repeated.
  const versions = isRecord(m._archive) && Array.isArray(m._archive.versions) ? (m._archive.versions as unknown[]) : []
  if (versions.length > 0) {
    const walked = new Set([JSON.stringify(m.MsgBody ?? null)])
    for (const v of versions) {
      if (!isRecord(v) || v.MsgBody === undefined) continue
      const key = JSON.stringify(v.MsgBody)
      if (walked.has(key)) continue
      walked.add(key)
      walkBody(w, v.MsgBody, 0)
    }
  }
  return w
}

/**
 * All the human text of a message, one piece per line (see the module comment for what counts).
 * Not normalized: callers normalize (or tokenize, which normalizes).
 */
export function searchableText(m: ArchivedMessage): string {
  return walkMessage(m).texts.join('\n')
}

/** A message's text, normalized, with its features: what the evaluator reads, computed once. */
export interface MessageView {
  /** normalize(searchableText(m)). */
  text: string
  features: MessageFeatures
}

export function messageView(m: ArchivedMessage): MessageView {
  const w = walkMessage(m)
  const text = normalize(w.texts.join('\n'))
  const has = w.has
  if (urlPattern.test(text)) has.add('link')
  return { text, features: { has, is: messageStates(m) } }
}

/** The `is:` states of a message: they need none of its text. */
export function messageStates(m: ArchivedMessage): Set<IsFeature> {
  const is = new Set<IsFeature>()
  const server = isRecord(m._archive) && isRecord(m._archive.server) ? m._archive.server : undefined
  const serverPlace = server?.IsPlaceMsg
  if (m.IsPlaceMsg === 1 || serverPlace === 1) is.add('deleted')
  if (m.IsPlaceMsg === 2 || serverPlace === 2) is.add('recalled')
  if (serverPlace === 1 || serverPlace === 2) is.add('removed')
  if (m.IsSystemMsg === 1) is.add('system')
  if (isEdited(m)) is.add('edited')
  return is
}

export function features(m: ArchivedMessage): MessageFeatures {
  return messageView(m).features
}

/** The index terms of a message: tokenize(searchableText(m)). What a `*terms` index stores. */
export function messageTerms(m: ArchivedMessage): string[] {
  return tokenizeNormalized(normalize(searchableText(m)))
}
