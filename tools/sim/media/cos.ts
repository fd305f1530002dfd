/**
 * The simulator's loopback "COS" (issue 17 §6): the files behind the demo groups' image, file,
 * voice and video messages, served by the same HTTP server and port as the simulated REST API, under
 * `/cos/<bucket>/<object>`. The media fetch policy (src-main/media/url-policy.ts) allows plain http
 * only to the API endpoint's own loopback host and port, which is why it is the same port.
 *
 * - Seed messages write their URLs with the placeholder origin `SIM_COS_ORIGIN`; each answer of
 *   group_msg_get_simple replaces it with the real `http://127.0.0.1:<port>`. URLs in a signed bucket
 *   also get a COS-style query signature that is new on every answer (as COS presigned URLs are), and
 *   a request to such a bucket without one of the signatures issued answers 403 AccessDenied. So an
 *   archive that keys objects by URL, or drops the query, is caught.
 * - Every object is generated from what its message declares (format, width, height, size,
 *   seconds, file name), so the bytes match the declaration exactly. Large files are streamed.
 * - Objects live as long as their message: an expired or purged message's files answer 404
 *   NoSuchKey, like a COS object deleted at the end of the retention period. `mediaExpired` on a
 *   message is a test switch for the moment between a file's expiry and its message's.
 * - Range requests answer 206; HEAD is supported; latency and injected faults are switches.
 * - Hostile objects (the group's `mediaOverrides`): a Content-Type that lies, a redirect off the
 *   allow-list, a truncated download. The oversize file is an ordinary object of > 100 MB.
 *
 * Error bodies follow COS's XML error shape (Code, Message, Resource, RequestId).
 */
import { createHmac, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { MsgElement } from '../../../src-main/shared/tim-types'
import { mulberry32 } from '../../random'
import type { SimApp, SimGroup, SimMessage } from '../server'
import { colourOf, filler, gif, jpeg, mp4, pdf, png, readBlob, txt, wav, zip, type MediaBlob } from './encode'

/** Placeholder origin of the simulated COS in seed bodies; replaced by the server's own origin in answers. */
export const SIM_COS_ORIGIN = 'http://sim-cos.invalid'
/** Placeholder origin of the private-address stand-in; replaced by `https://127.0.0.1:<private port>`. */
export const SIM_PRIVATE_ORIGIN = 'https://sim-private.invalid'
/** Path prefix of the COS route. */
export const COS_PREFIX = '/cos/'

export type CosFaultKind = 'err500' | 'err503' | 'reset' | 'truncated' | 'stall'
export const allCosFaultKinds: readonly CosFaultKind[] = ['err500', 'err503', 'reset', 'truncated', 'stall']

export interface CosOptions {
  /** Delay before answering each COS request, ms (default 0). */
  latencyMs?: number
  /** `rate` (0..1) of the requests for ordinary objects get a random enabled kind. */
  faults?: { rate: number; kinds: CosFaultKind[]; stallMs?: number }
  /** Buckets whose URLs are signed per answer and refused (403) without a signature issued by this server. */
  signedBuckets?: readonly string[]
}

/** A misbehaving object, keyed in `SimGroup.mediaOverrides` by its path (`/cos/<bucket>/<object>`, decoded). */
export type MediaOverride =
  /** 200 with this Content-Type and these bytes (e.g. says image/png, is HTML). */
  | { kind: 'lying-type'; contentType: string; body: string }
  /** 302 to `location` (e.g. a host off the allow-list). */
  | { kind: 'redirect'; location: string }
  /** Content-Length of the declared size, then half the bytes, then the socket ends. */
  | { kind: 'truncated' }

export interface CosStats {
  requests: number
  /** 200 and 206 answers. */
  served: number
  notFound: number
  denied: number
  faultsInjected: number
  bytesSent: number
  /** Requests per decoded object path. */
  byPath: Record<string, number>
}

/** What an object is generated from: the fields its message declares. */
export type ObjectSpec =
  | { type: 'png' | 'gif' | 'jpeg'; width: number; height: number; size: number | undefined; name: string }
  | { type: 'wav'; seconds: number; size: number | undefined }
  | { type: 'mp4'; seconds: number; size: number | undefined; name: string }
  | { type: 'file'; fileName: string; size: number | undefined; name: string }

interface Entry {
  sdkAppId: number
  groupId: string
  seq: number
  spec: ObjectSpec
  contentType: string
  /** Not tied to a message (an avatar): always served. */
  standalone?: boolean
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

const FILE_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  zip: 'application/zip',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv'
}

function extOf(name: string): string {
  const i = name.lastIndexOf('.')
  return i < 0 ? '' : name.slice(i + 1).toLowerCase()
}

/** The path of a placeholder URL (decoded, without the query), or null when it is not one of ours. */
export function cosPathOf(url: string): string | null {
  if (!url.startsWith(SIM_COS_ORIGIN + COS_PREFIX)) return null
  const rest = url.slice(SIM_COS_ORIGIN.length)
  const q = rest.indexOf('?')
  return decodePath(q < 0 ? rest : rest.slice(0, q))
}

function decodePath(p: string): string | null {
  try {
    return decodeURIComponent(p)
  } catch {
    return null
  }
}

function imageType(format: unknown): 'png' | 'gif' | 'jpeg' {
  return format === 2 ? 'gif' : format === 3 ? 'png' : 'jpeg'
}

function thumbType(format: unknown): 'png' | 'gif' | 'jpeg' {
  const f = typeof format === 'string' ? format.toLowerCase() : ''
  return f === 'png' ? 'png' : f === 'gif' ? 'gif' : 'jpeg'
}

const IMAGE_MIME = { png: 'image/png', gif: 'image/gif', jpeg: 'image/jpeg' } as const

/** The objects an element references through placeholder URLs (relay items included). */
export function objectsOfElement(e: MsgElement, depth = 0): { path: string; spec: ObjectSpec; contentType: string }[] {
  if (e === null || typeof e !== 'object' || depth > 4) return []
  const c = e.MsgContent as Record<string, unknown> | undefined
  if (!c || typeof c !== 'object') return []
  const out: { path: string; spec: ObjectSpec; contentType: string }[] = []
  const add = (url: unknown, spec: ObjectSpec, contentType: string): void => {
    const p = typeof url === 'string' ? cosPathOf(url) : null
    if (p) out.push({ path: p, spec, contentType })
  }
  switch (e.MsgType) {
    case 'TIMImageElem': {
      const type = imageType(c['ImageFormat'])
      const infos = Array.isArray(c['ImageInfoArray']) ? (c['ImageInfoArray'] as Record<string, unknown>[]) : []
      const original = infos.find((i) => i['Type'] === 1)
      const ow = num(original?.['Width']) ?? 640
      const oh = num(original?.['Height']) ?? 480
      const name = str(c['UUID']) ?? ''
      for (const info of infos) {
        // Width/Height 0 means unknown (§4): a 720 or 198 px wide copy of the original's shape.
        let w = num(info['Width'])
        let h = num(info['Height'])
        if (w === undefined || h === undefined) {
          w = Math.min(ow, info['Type'] === 3 ? 198 : 720)
          h = Math.max(1, Math.round((w * oh) / ow))
        }
        add(info['URL'], { type, width: w, height: h, size: num(info['Size']), name }, IMAGE_MIME[type])
      }
      break
    }
    case 'TIMSoundElem':
      add(c['Url'], { type: 'wav', seconds: num(c['Second']) ?? 1, size: num(c['Size']) }, 'audio/wav')
      break
    case 'TIMFileElem': {
      const fileName = str(c['FileName']) ?? 'file.bin'
      add(
        c['Url'],
        { type: 'file', fileName, size: num(c['FileSize']), name: str(c['UUID']) ?? fileName },
        FILE_TYPES[extOf(fileName)] ?? 'application/octet-stream'
      )
      break
    }
    case 'TIMVideoFileElem': {
      const name = str(c['VideoUUID']) ?? ''
      add(c['VideoUrl'], { type: 'mp4', seconds: num(c['VideoSecond']) ?? 1, size: num(c['VideoSize']), name }, 'video/mp4')
      const t = thumbType(c['ThumbFormat'])
      add(
        c['ThumbUrl'],
        { type: t, width: num(c['ThumbWidth']) ?? 320, height: num(c['ThumbHeight']) ?? 240, size: num(c['ThumbSize']), name: str(c['ThumbUUID']) ?? name },
        IMAGE_MIME[t]
      )
      break
    }
    case 'TIMRelayElem': {
      const list = Array.isArray(c['MsgList']) ? (c['MsgList'] as Record<string, unknown>[]) : []
      for (const item of list) {
        const body = item?.['MsgBody']
        const elems = Array.isArray(body) ? body : body && typeof body === 'object' ? [body] : []
        for (const inner of elems as MsgElement[]) out.push(...objectsOfElement(inner, depth + 1))
      }
      break
    }
  }
  return out
}

/** The bytes of an object, generated from its spec (exactly `size` bytes whenever a size is declared). */
export function generate(spec: ObjectSpec): MediaBlob {
  switch (spec.type) {
    case 'png':
      return png(spec.width, spec.height, colourOf(spec.name), spec.size)
    case 'gif':
      return gif(spec.width, spec.height, colourOf(spec.name), spec.size)
    case 'jpeg': {
      const colour = jpeg(spec.width, spec.height, colourOf(spec.name), spec.size)
      // A large image declared very small: the greyscale scan is a third of the size.
      if (spec.size !== undefined && colour.size > spec.size) return jpeg(spec.width, spec.height, colourOf(spec.name), spec.size, true)
      return colour
    }
    case 'wav':
      return wav(spec.seconds, spec.size)
    case 'mp4':
      return mp4({ width: 128, height: 96, seconds: Math.min(spec.seconds, 30), rgb: colourOf(spec.name) }, spec.size)
    case 'file': {
      const ext = extOf(spec.fileName)
      if (ext === 'pdf') return pdf(spec.fileName, spec.size)
      if (ext === 'zip' || ext === 'xlsx' || ext === 'docx' || ext === 'pptx')
        return zip('README.txt', `${spec.fileName}\nSimulated by the TIM Archive simulator.\n`, spec.size)
      if (ext === 'txt' || ext === 'log' || ext === 'md' || ext === 'csv') return txt(`${spec.fileName}\nSimulated by the TIM Archive simulator.\n`, spec.size)
      return filler(spec.size ?? 1024)
    }
  }
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

const bodies = new WeakMap<object, boolean>()

const MEDIA_TYPES = new Set(['TIMImageElem', 'TIMFileElem', 'TIMSoundElem', 'TIMVideoFileElem', 'TIMRelayElem'])

/** Whether a body holds any placeholder URL (computed once per body object; text-only bodies cost nothing). */
function hasPlaceholder(body: object): boolean {
  let v = bodies.get(body)
  if (v === undefined) {
    const list = (Array.isArray(body) ? body : [body]) as { MsgType?: unknown }[]
    if (!list.some((e) => e !== null && typeof e === 'object' && MEDIA_TYPES.has(String(e.MsgType)))) v = false
    else {
      const s = JSON.stringify(body)
      v = s.includes(SIM_COS_ORIGIN) || s.includes(SIM_PRIVATE_ORIGIN)
    }
    bodies.set(body, v)
  }
  return v
}

const MAX_ISSUED = 200_000
const MAX_CACHE_BYTES = 256 * 1024 * 1024

export class SimCos {
  stats: CosStats = { requests: 0, served: 0, notFound: 0, denied: 0, faultsInjected: 0, bytesSent: 0, byPath: {} }
  private latencyMs = 0
  private faults: { rate: number; kinds: CosFaultKind[]; stallMs: number } | undefined
  private faultRng = mulberry32(0xc05)
  private readonly signedBuckets: Set<string>
  private readonly entries = new Map<string, Entry>()
  /** Signatures issued in answers → the path they sign. */
  private readonly issued = new Map<string, string>()
  private readonly key = randomBytes(20)
  private serial = 0
  private readonly cache = new Map<string, MediaBlob>()
  private cacheBytes = 0
  private origin = ''
  private privateOrigin = ''

  constructor(
    private readonly apps: Map<number, SimApp>,
    opts: CosOptions,
    private readonly nowSec: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly later: (ms: number, fn: () => void) => void
  ) {
    this.setLatency(opts.latencyMs ?? 0)
    this.setFaults(opts.faults)
    this.signedBuckets = new Set(opts.signedBuckets ?? [])
    for (const app of apps.values()) for (const g of app.groups.values()) for (const m of g.messages.values()) this.indexMessage(app.sdkAppId, g, m)
  }

  /** Where the placeholder origins point now (set when the server starts). */
  setOrigins(origin: string, privatePort: number): void {
    this.origin = origin
    this.privateOrigin = `https://127.0.0.1:${privatePort}`
  }

  setLatency(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new Error('COS latency must be a non-negative number of ms')
    this.latencyMs = ms
  }

  setFaults(f: CosOptions['faults'] | undefined): void {
    if (f === undefined) {
      this.faults = undefined
      return
    }
    if (!(f.rate >= 0 && f.rate <= 1)) throw new Error('COS fault rate must be within 0..1')
    for (const k of f.kinds) if (!allCosFaultKinds.includes(k)) throw new Error(`Unknown COS fault kind ${String(k)}`)
    if (f.rate > 0 && f.kinds.length === 0) throw new Error('COS fault kinds must not be empty')
    const stallMs = f.stallMs ?? 60_000
    if (!(stallMs >= 0)) throw new Error('stallMs must be non-negative')
    this.faults = { rate: f.rate, kinds: [...f.kinds], stallMs }
    this.faultRng = mulberry32(0xc05)
  }

  resetStats(): void {
    this.stats = { requests: 0, served: 0, notFound: 0, denied: 0, faultsInjected: 0, bytesSent: 0, byPath: {} }
  }

  /** Registers the objects a message references (called for the seed and for appended messages). */
  indexMessage(sdkAppId: number, g: SimGroup, m: SimMessage): void {
    const elems = Array.isArray(m.body) ? m.body : [m.body as unknown as MsgElement]
    for (const e of elems) {
      if (!e || typeof e !== 'object') continue
      for (const o of objectsOfElement(e)) this.entries.set(o.path, { sdkAppId, groupId: g.GroupId, seq: m.seq, spec: o.spec, contentType: o.contentType })
    }
  }

  /** Registers an object that belongs to no message (an avatar): served for as long as the server runs. */
  registerObject(path: string, spec: ObjectSpec, contentType: string): void {
    this.entries.set(path, { sdkAppId: 0, groupId: '', seq: 0, spec, contentType, standalone: true })
  }

  /** The paths of every object served (decoded), for tests and tools. */
  paths(): string[] {
    return [...this.entries.keys()]
  }

  /** The bytes of an object as served (generated; cached when small). */
  blobOf(path: string): MediaBlob | undefined {
    const e = this.entries.get(path)
    if (!e) return undefined
    const key = JSON.stringify(e.spec)
    let b = this.cache.get(key)
    if (!b) {
      b = generate(e.spec)
      let bytes = 0
      for (const p of b.parts) if (Buffer.isBuffer(p)) bytes += p.length
      if (bytes < MAX_CACHE_BYTES / 8) {
        while (this.cacheBytes + bytes > MAX_CACHE_BYTES && this.cache.size > 0) {
          const first = this.cache.keys().next().value as string
          const old = this.cache.get(first)
          this.cache.delete(first)
          for (const p of old?.parts ?? []) if (Buffer.isBuffer(p)) this.cacheBytes -= p.length
        }
        this.cache.set(key, b)
        this.cacheBytes += bytes
      }
    }
    return b
  }

  /** Runs `fn` with URLs rendered under `origin` (the request's own loopback host), when given. */
  withOrigin<T>(origin: string | undefined, fn: () => T): T {
    if (origin === undefined) return fn()
    const saved = this.origin
    this.origin = origin
    try {
      return fn()
    } finally {
      this.origin = saved
    }
  }

  /** Replaces placeholder origins in a message body; signs URLs of signed buckets (new signature per call). */
  render<T>(body: T): T {
    if (body === null || typeof body !== 'object' || !hasPlaceholder(body)) return body
    return this.rewrite(body) as T
  }

  /** A URL for `path` as an answer would carry it (signed when its bucket is). */
  urlFor(path: string, query = ''): string {
    const encoded = path
      .split('/')
      .map((s) => encodeURIComponent(s))
      .join('/')
    return this.rewriteUrl(`${SIM_COS_ORIGIN}${encoded}${query ? `?${query}` : ''}`)
  }

  private rewrite(v: unknown): unknown {
    if (typeof v === 'string') return this.rewriteUrl(v)
    if (Array.isArray(v)) return v.map((x) => this.rewrite(x))
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {}
      for (const [k, x] of Object.entries(v)) o[k] = this.rewrite(x)
      return o
    }
    return v
  }

  private rewriteUrl(s: string): string {
    if (s.startsWith(SIM_PRIVATE_ORIGIN)) return this.privateOrigin + s.slice(SIM_PRIVATE_ORIGIN.length)
    if (!s.startsWith(SIM_COS_ORIGIN + COS_PREFIX)) return s
    const path = cosPathOf(s)
    const out = this.origin + s.slice(SIM_COS_ORIGIN.length)
    if (path === null || !this.signedBuckets.has(bucketOf(path))) return out
    return out + (out.includes('?') ? '&' : '?') + this.sign(path)
  }

  /** COS-style presigned query (q-sign-algorithm … q-signature); the signature is new on every call. */
  private sign(path: string): string {
    const start = Math.floor(this.nowSec())
    const end = start + 7 * 86400
    const time = `${start};${end}`
    const signature = createHmac('sha1', this.key).update(`${path}\n${time}\n${++this.serial}`).digest('hex')
    this.issued.set(signature, path)
    if (this.issued.size > MAX_ISSUED) this.issued.delete(this.issued.keys().next().value as string)
    return `q-sign-algorithm=sha1&q-ak=AKIDsimulator&q-sign-time=${time}&q-key-time=${time}&q-header-list=host&q-url-param-list=&q-signature=${signature}`
  }

  // -------------------------------------------------------------------------------------------
  // HTTP

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.requests++
    req.resume() // no request body is read
    if (this.latencyMs > 0) await this.sleep(this.latencyMs)
    if (res.destroyed) return
    const url = req.url ?? '/'
    const qi = url.indexOf('?')
    const path = decodePath(qi < 0 ? url : url.slice(0, qi))
    const query = new URLSearchParams(qi < 0 ? '' : url.slice(qi + 1))
    const resource = path ?? url
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      this.error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', resource)
      return
    }
    if (path === null) {
      this.error(res, 400, 'InvalidURI', 'Could not parse the specified URI.', url)
      return
    }
    this.stats.byPath[path] = (this.stats.byPath[path] ?? 0) + 1
    if (this.signedBuckets.has(bucketOf(path))) {
      const sig = query.get('q-signature')
      if (sig === null || this.issued.get(sig) !== path) {
        this.stats.denied++
        this.error(res, 403, 'AccessDenied', 'Access Denied.', resource)
        return
      }
    }
    const entry = this.entries.get(path)
    if (!entry || !this.alive(entry)) {
      this.stats.notFound++
      this.error(res, 404, 'NoSuchKey', 'The specified key does not exist.', resource)
      return
    }
    const group = this.apps.get(entry.sdkAppId)?.groups.get(entry.groupId)
    const override = group?.mediaOverrides?.get(path)
    if (override?.kind === 'redirect') {
      res.writeHead(302, { Location: override.location, 'Content-Length': 0, ...this.common() })
      res.end()
      return
    }
    if (override?.kind === 'lying-type') {
      const b = Buffer.from(override.body, 'utf8')
      this.stats.served++
      this.stats.bytesSent += req.method === 'HEAD' ? 0 : b.length
      res.writeHead(200, { 'Content-Type': override.contentType, 'Content-Length': b.length, ...this.common() })
      res.end(req.method === 'HEAD' ? undefined : b)
      return
    }
    const blob = this.blobOf(path)
    if (!blob) {
      this.error(res, 404, 'NoSuchKey', 'The specified key does not exist.', resource)
      return
    }
    const fault = override ? undefined : this.rollFault()
    if (fault) this.stats.faultsInjected++
    if (fault === 'err500' || fault === 'err503') {
      if (fault === 'err500') this.error(res, 500, 'InternalError', 'We encountered an internal error. Please try again.', resource)
      else this.error(res, 503, 'SlowDown', 'Please reduce your request rate.', resource)
      return
    }
    if (fault === 'reset') {
      req.socket.resetAndDestroy()
      return
    }
    if (fault === 'stall') {
      this.later(this.faults?.stallMs ?? 60_000, () => req.socket.destroy())
      return
    }

    const size = blob.size
    let start = 0
    let end = size // exclusive
    let status = 200
    const headers: Record<string, string | number> = {
      'Content-Type': entry.contentType,
      'Accept-Ranges': 'bytes',
      'Last-Modified': new Date((group?.messages.get(entry.seq)?.time ?? 0) * 1000).toUTCString(),
      ...this.common()
    }
    const range = req.headers.range
    if (range !== undefined) {
      const r = parseRange(range, size)
      if (r === 'unsatisfiable') {
        res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': 0, ...this.common() })
        res.end()
        return
      }
      if (r) {
        ;[start, end] = r
        status = 206
        headers['Content-Range'] = `bytes ${start}-${end - 1}/${size}`
      }
    }
    headers['Content-Length'] = end - start
    res.writeHead(status, headers)
    this.stats.served++
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    const cut = override?.kind === 'truncated' || fault === 'truncated' ? start + Math.floor((end - start) / 2) : end
    await this.stream(res, blob, start, cut)
    if (cut < end) {
      // Fewer bytes than Content-Length, then the connection ends.
      req.socket.end()
      return
    }
    res.end()
  }

  private async stream(res: ServerResponse, blob: MediaBlob, start: number, end: number): Promise<void> {
    for (const chunk of readBlob(blob, start, end)) {
      if (res.destroyed) return
      this.stats.bytesSent += chunk.length
      if (!res.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off('drain', done)
            res.off('close', done)
            resolve()
          }
          res.on('drain', done)
          res.on('close', done)
        })
      }
    }
  }

  private alive(e: Entry): boolean {
    if (e.standalone) return true
    const g = this.apps.get(e.sdkAppId)?.groups.get(e.groupId)
    const m = g?.messages.get(e.seq)
    if (!g || !m) return false
    if (e.seq < (g.historyFloor ?? 1)) return false
    return m.state !== 'expired' && m.mediaExpired !== true
  }

  private common(): Record<string, string> {
    return { Server: 'tencent-cos', 'x-cos-request-id': randomBytes(12).toString('base64') }
  }

  private error(res: ServerResponse, status: number, code: string, message: string, resource: string): void {
    const requestId = randomBytes(12).toString('base64')
    const xml =
      `<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n\t<Code>${code}</Code>\n\t<Message>${xmlEscape(message)}</Message>\n` +
      `\t<Resource>${xmlEscape(resource)}</Resource>\n\t<RequestId>${requestId}</RequestId>\n</Error>`
    const b = Buffer.from(xml, 'utf8')
    res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': b.length, Server: 'tencent-cos', 'x-cos-request-id': requestId })
    res.end(b)
  }

  private rollFault(): CosFaultKind | undefined {
    const f = this.faults
    if (!f || f.rate <= 0 || f.kinds.length === 0) return undefined
    if (this.faultRng() >= f.rate) return undefined
    return f.kinds[Math.floor(this.faultRng() * f.kinds.length)]
  }
}

function bucketOf(path: string): string {
  return path.slice(COS_PREFIX.length).split('/')[0] ?? ''
}

/** A single `bytes=` range → [start, end) ; null to ignore the header (several ranges, bad syntax). */
export function parseRange(header: string, size: number): [number, number] | 'unsatisfiable' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m) return null
  const [, a, b] = m
  if (a === '' && b === '') return null
  if (a === '') {
    const n = Number(b)
    if (n === 0) return 'unsatisfiable'
    return [Math.max(0, size - n), size]
  }
  const start = Number(a)
  const last = b === '' ? size - 1 : Math.min(Number(b), size - 1)
  if (start >= size) return 'unsatisfiable'
  if (last < start) return null
  return [start, last + 1]
}
