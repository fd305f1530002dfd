/**
 * Reading the MsgBody of an archived message, defensively. One reader for the three places that
 * show or search a body: the timeline (src-renderer lib/format/message.ts and
 * components/message/), the exports (export/model.ts) and search (shared/search/extract-text.ts).
 *
 * Everything in a record came from the server or an imported file and is untrusted: any field may
 * be missing or of another type, MsgBody is an object on some system messages (an element, or a
 * bare event object with OpType), element types may be unknown, and a forwarded history
 * (TIMRelayElem MsgList) nests bodies inside bodies. Nothing here throws on such input, and nothing
 * here decides wording: callers turn what is read into their own words (the timeline's phrases,
 * an export's English labels, search's text).
 *
 * Pure: no Node, Electron, Dexie or Svelte (both sides import it).
 */
import type { MsgElement } from './tim-types'

/** How deep forwarded histories inside forwarded histories are read (exports and search). */
export const maxRelayDepth = 8

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** An object with a string MsgType: an element (its content may still be anything). */
export function isElement(v: unknown): v is MsgElement {
  return isRecord(v) && typeof v['MsgType'] === 'string'
}

/** A string field, or undefined when absent or not a string. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

/** A finite number field, or undefined. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

/** Any value as short text: strings as they are, numbers and booleans written out, others as JSON. */
export function asText(v: unknown): string {
  if (typeof v === 'string') return v
  if (v === undefined || v === null) return ''
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  try {
    return JSON.stringify(v) ?? ''
  } catch {
    return ''
  }
}

/** Only http(s) URLs are ever offered as links: never javascript:, data:, file: or anything else. */
export function safeHttpUrl(v: unknown): string | undefined {
  const s = str(v)
  if (!s || !/^https?:\/\//i.test(s)) return undefined
  try {
    const u = new URL(s)
    return u.protocol === 'http:' || u.protocol === 'https:' ? s : undefined
  } catch {
    return undefined
  }
}

/** The MsgContent of an element as a record ({} when it is not one). */
export function contentOf(el: Record<string, unknown>): Record<string, unknown> {
  return isRecord(el['MsgContent']) ? el['MsgContent'] : {}
}

/**
 * The entries of a MsgBody as content: an array keeps all its entries (non-objects too); a
 * non-empty object is one entry (an element, or a bare system event); anything else has none.
 */
export function bodyItems(body: unknown): unknown[] {
  if (Array.isArray(body)) return body
  if (isRecord(body) && Object.keys(body).length > 0) return [body]
  return []
}

/**
 * The elements of a MsgBody. An array keeps its entries (non-elements too: they render as
 * unsupported); a single object that is itself an element counts as a one-element body; any other
 * object is not a list of elements and yields none (system messages summarize it instead).
 */
export function bodyElements(body: unknown): unknown[] {
  if (Array.isArray(body)) return body
  if (isElement(body)) return [body]
  return []
}

/** True when the body holds anything to show. */
export function bodyHasContent(body: unknown): boolean {
  if (Array.isArray(body)) return body.length > 0
  return isRecord(body) && Object.keys(body).length > 0
}

/**
 * One entry of a body, read:
 * - `element`: an object with a string MsgType, and its MsgContent ({} when not an object);
 * - `object`: an object without MsgType (a bare system event: its fields are the content);
 * - `value`: anything else (a string, a number, null, an array…), unsupported.
 */
export type BodyEntry =
  | { kind: 'element'; type: string; content: Record<string, unknown>; element: Record<string, unknown> }
  | { kind: 'object'; fields: Record<string, unknown> }
  | { kind: 'value'; value: unknown }

export function readEntry(el: unknown): BodyEntry {
  if (!isRecord(el)) return { kind: 'value', value: el }
  const type = el['MsgType']
  if (typeof type !== 'string') return { kind: 'object', fields: el }
  return { kind: 'element', type, content: contentOf(el), element: el }
}

/** ImageFormat codes of TIMImageElem (docs/reference/tencent-im-api.md): JPG=1, GIF=2, PNG=3, BMP=4, other=255. */
export function imageFormatName(code: unknown): string | undefined {
  switch (code) {
    case 1:
      return 'JPG'
    case 2:
      return 'GIF'
    case 3:
      return 'PNG'
    case 4:
      return 'BMP'
    default:
      return undefined
  }
}

/** The ImageInfoArray of a TIMImageElem content, as it is ([] when not an array; entries unchecked). */
export function imageInfos(c: Record<string, unknown>): unknown[] {
  return Array.isArray(c['ImageInfoArray']) ? (c['ImageInfoArray'] as unknown[]) : []
}

/** The image to stand for a TIMImageElem: the original (Type 1), else the first usable entry. */
export function bestImage(c: Record<string, unknown>): Record<string, unknown> | undefined {
  const infos = imageInfos(c).filter(isRecord)
  return infos.find((i) => i['Type'] === 1) ?? infos[0]
}

/** One forwarded message of a TIMRelayElem MsgList that is an object. */
export interface RelayItem {
  /** From_Account as it came (may be of any type). */
  from: unknown
  /** MsgTimeStamp, when a finite number. */
  time?: number
  /** The forwarded message's own MsgBody, unread. */
  body: unknown
  /** The whole entry. */
  item: Record<string, unknown>
}

/** A TIMRelayElem content (forwarded chat history), read. */
export interface RelayContent {
  title: string | undefined
  /** AbstractList entries as they came ([] when not an array). */
  abstract: unknown[]
  /** MsgList entries as they came, or undefined when there is no list (history over 12 KB). */
  list: unknown[] | undefined
  /** MsgNum, when a finite number. */
  count: number | undefined
  jsonMsgKey: string | undefined
  compatibleText: string | undefined
}

export function relayContent(c: Record<string, unknown>): RelayContent {
  return {
    title: str(c['Title']),
    abstract: Array.isArray(c['AbstractList']) ? (c['AbstractList'] as unknown[]) : [],
    list: Array.isArray(c['MsgList']) ? (c['MsgList'] as unknown[]) : undefined,
    count: num(c['MsgNum']),
    jsonMsgKey: str(c['JsonMsgKey']),
    compatibleText: str(c['CompatibleText'])
  }
}

/** A MsgList entry as a forwarded message, or undefined when it is not an object. */
export function relayItem(v: unknown): RelayItem | undefined {
  if (!isRecord(v)) return undefined
  const r: RelayItem = { from: v['From_Account'], body: v['MsgBody'], item: v }
  const t = num(v['MsgTimeStamp'])
  if (t !== undefined) r.time = t
  return r
}
