/**
 * Every media object an archived message references (issue 17 §1 "What to fetch"), read from the
 * message as stored: image sizes, files, voice, video and its thumbnail, including those inside
 * merged-forward messages (TIMRelayElem MsgList). The field names are Tencent's
 * (docs/reference/tencent-im-api.md §4 and §11).
 *
 * A message body is untrusted JSON: anyone in a group can send any shape through the REST API, and
 * an imported JSONL file can hold anything. So every field is checked for its type, strings and
 * counts are capped, nesting is bounded, and nothing here throws on bad input: what cannot be read
 * is left out, what has no URL is listed as such.
 */

/** 'avatar': a profile's avatar (Tag_Profile_IM_Image, issue 18 §1), not a message element. */
export type MediaKind = 'image' | 'file' | 'sound' | 'video' | 'video-thumb' | 'avatar'

/** An image's size class, from ImageInfoArray[].Type (§11): 1 original, 2 large, 3 thumbnail. */
export type ImageSize = 'original' | 'large' | 'thumb'

/** What the archive records for an element that carries no URL: not an error (issue 17 §1). */
export const NO_URL_NOTE = 'no URL: sent by an old SDK'

export interface MediaRef {
  kind: MediaKind
  /** Only for kind 'image'. */
  size: ImageSize | null
  /**
   * What identifies the content, stable when Tencent re-signs the URL: kind, size class and the
   * element's UUID (`image:thumb:uuid:…`). Without a UUID, the URL minus its query string, which is
   * where COS puts the signature (`file:url:https://host/path`). Null when there is neither.
   */
  key: string | null
  /** The URL to fetch, or null (then `note` is NO_URL_NOTE). */
  url: string | null
  note: string | null
  uuid: string | null
  /** The size the message declares, in bytes; null when absent, 0 or not a sane number. */
  declaredBytes: number | null
  width: number | null
  height: number | null
  /** TIMFileElem FileName; null for other kinds. */
  fileName: string | null
  /** Seconds of a voice message or video, when declared. */
  seconds: number | null
  /** ImageFormat (number), VideoFormat or ThumbFormat (string), as declared. */
  format: string | null
  /** Download_Flag / VideoDownloadFlag / ThumbDownloadFlag as declared (2 = download from the URL). */
  downloadFlag: number | null
  /**
   * Where the element sits: indexes into MsgBody, then for a merged forward the MsgList item and
   * its MsgBody index, and so on. `[2]` is the third element; `[0, 4, 1]` is element 1 of item 4 of
   * the relay at element 0.
   */
  path: number[]
}

/** Limits for hostile bodies. A real message is at most 12 KB (§4), far below all of these. */
export const LIMITS = {
  /** Elements read from one MsgBody (and from each nested one). */
  elementsPerBody: 200,
  /** ImageInfoArray entries read; Tencent sends at most three. */
  imageInfos: 8,
  /** MsgList items read from one relay. */
  relayItems: 200,
  /** Relays inside relays. */
  relayDepth: 4,
  /** Media references returned for one message, in all. */
  refsPerMessage: 500,
  /** Elements visited in one message, nested ones included (bounds the work on a crafted tree). */
  elementsPerMessage: 5000,
  /** Longest URL kept; longer ones are treated as absent. */
  urlChars: 4096,
  /** Longest UUID, file name or format kept (longer ones are cut). */
  textChars: 1024
} as const

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** A non-negative safe integer, or null. */
function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null
}

function positive(v: unknown): number | null {
  const n = count(v)
  return n === 0 ? null : n
}

function text(v: unknown): string | null {
  if (typeof v !== 'string' || v === '') return null
  return v.length > LIMITS.textChars ? v.slice(0, LIMITS.textChars) : v
}

function formatOf(v: unknown): string | null {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v)
  return text(v)
}

/** A URL worth listing: a non-empty string that parses as an absolute URL. Policy is url-policy.ts's job. */
function urlOf(v: unknown): string | null {
  if (typeof v !== 'string' || v === '' || v.length > LIMITS.urlChars) return null
  try {
    new URL(v)
  } catch {
    return null
  }
  return v
}

/** The identity key of an object: by UUID when there is one, else by the URL without its query. */
export function identityKey(kind: MediaKind, size: ImageSize | null, uuid: string | null, url: string | null): string | null {
  const prefix = size ? `${kind}:${size}` : kind
  if (uuid) return `${prefix}:uuid:${uuid}`
  if (url) {
    const u = new URL(url)
    return `${prefix}:url:${u.protocol}//${u.host}${u.pathname}`
  }
  return null
}

const IMAGE_TYPES: Record<number, ImageSize> = { 1: 'original', 2: 'large', 3: 'thumb' }

interface Fields {
  kind: MediaKind
  size?: ImageSize | null
  url: unknown
  uuid: unknown
  bytes: unknown
  width?: unknown
  height?: unknown
  fileName?: unknown
  seconds?: unknown
  format?: unknown
  downloadFlag?: unknown
}

function ref(p: Fields, path: number[]): MediaRef {
  const url = urlOf(p.url)
  const uuid = text(p.uuid)
  const size = p.size ?? null
  return {
    kind: p.kind,
    size,
    key: identityKey(p.kind, size, uuid, url),
    url,
    note: url ? null : NO_URL_NOTE,
    uuid,
    // 0 is "not said": the server reports 0 for the sizes it derives itself (a GIF's large and
    // thumbnail images), whose files still have bytes. Checking a length of 0 would fail them forever.
    declaredBytes: positive(p.bytes),
    width: positive(p.width),
    height: positive(p.height),
    fileName: text(p.fileName),
    seconds: count(p.seconds),
    format: formatOf(p.format),
    downloadFlag: count(p.downloadFlag),
    path
  }
}

/** The elements of a MsgBody: an array, or a single element object as system messages send (§7.1). */
function elementsOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body.slice(0, LIMITS.elementsPerBody)
  if (isRecord(body)) return [body]
  return []
}

interface Walk {
  out: MediaRef[]
  /** Elements still allowed to be visited. */
  budget: number
}

function walkBody(body: unknown, path: number[], depth: number, w: Walk): void {
  const out = w.out
  const elements = elementsOf(body)
  for (let i = 0; i < elements.length && out.length < LIMITS.refsPerMessage && w.budget > 0; i++) {
    w.budget--
    const el = elements[i]
    if (!isRecord(el) || typeof el.MsgType !== 'string' || !isRecord(el.MsgContent)) continue
    const c = el.MsgContent
    const at = [...path, i]
    switch (el.MsgType) {
      case 'TIMImageElem': {
        if (!Array.isArray(c.ImageInfoArray)) break
        const seen = new Set<ImageSize>()
        for (const info of c.ImageInfoArray.slice(0, LIMITS.imageInfos)) {
          if (!isRecord(info) || typeof info.Type !== 'number') continue
          const size = IMAGE_TYPES[info.Type]
          // Unknown Type values are not documented; a repeated one is ignored (first wins).
          if (!size || seen.has(size)) continue
          seen.add(size)
          out.push(
            ref({ kind: 'image', size, url: info.URL, uuid: c.UUID, bytes: info.Size, width: info.Width, height: info.Height, format: c.ImageFormat }, at)
          )
        }
        break
      }
      case 'TIMFileElem':
        out.push(ref({ kind: 'file', url: c.Url, uuid: c.UUID, bytes: c.FileSize, fileName: c.FileName, downloadFlag: c.Download_Flag }, at))
        break
      case 'TIMSoundElem':
        out.push(ref({ kind: 'sound', url: c.Url, uuid: c.UUID, bytes: c.Size, seconds: c.Second, downloadFlag: c.Download_Flag }, at))
        break
      case 'TIMVideoFileElem':
        out.push(
          ref(
            {
              kind: 'video',
              url: c.VideoUrl,
              uuid: c.VideoUUID,
              bytes: c.VideoSize,
              seconds: c.VideoSecond,
              format: c.VideoFormat,
              downloadFlag: c.VideoDownloadFlag
            },
            at
          )
        )
        out.push(
          ref(
            {
              kind: 'video-thumb',
              url: c.ThumbUrl,
              uuid: c.ThumbUUID,
              bytes: c.ThumbSize,
              width: c.ThumbWidth,
              height: c.ThumbHeight,
              format: c.ThumbFormat,
              downloadFlag: c.ThumbDownloadFlag
            },
            at
          )
        )
        break
      case 'TIMRelayElem': {
        // Only MsgList carries the merged messages; a JsonMsgKey relay (over 12 KB) has none to read.
        if (depth >= LIMITS.relayDepth || !Array.isArray(c.MsgList)) break
        const items = c.MsgList.slice(0, LIMITS.relayItems)
        for (let j = 0; j < items.length && out.length < LIMITS.refsPerMessage && w.budget > 0; j++) {
          const item = items[j]
          if (isRecord(item)) walkBody(item.MsgBody, [...at, j], depth + 1, w)
        }
        break
      }
    }
  }
  if (out.length > LIMITS.refsPerMessage) out.length = LIMITS.refsPerMessage
}

/** Every media object in one MsgBody (array, single element, or anything else: then none). */
export function mediaInBody(body: unknown): MediaRef[] {
  const w: Walk = { out: [], budget: LIMITS.elementsPerMessage }
  walkBody(body, [], 0, w)
  return w.out
}

/** Every media object one archived message references, in body order (a relay's after its position). */
export function mediaInMessage(message: unknown): MediaRef[] {
  return isRecord(message) ? mediaInBody(message.MsgBody) : []
}

/**
 * A profile's avatar as a media object (issue 18 §1): identified by its URL without the query
 * (`avatar:url:https://host/path`), the one thing the profile gives. Null for no usable URL.
 */
export function avatarRef(url: unknown): MediaRef | null {
  const r = ref({ kind: 'avatar', url, uuid: null, bytes: null }, [])
  return r.url ? r : null
}

/** The media key of an avatar URL (avatarRef's), or null. */
export function avatarKey(url: unknown): string | null {
  return avatarRef(url)?.key ?? null
}

/**
 * The key an object is recorded under: its identity key, or, for an element with neither UUID nor
 * URL (nothing identifies it), its place in the message. Such an element is always 'no-url'.
 */
export function mediaKey(ref: MediaRef): string {
  if (ref.key) return ref.key
  return `${ref.size ? `${ref.kind}:${ref.size}` : ref.kind}:at:${ref.path.join('.')}`
}
