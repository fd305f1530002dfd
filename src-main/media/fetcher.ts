/**
 * Downloads one media object (issue 17 §1 "Check each download", §2 "Fetching") and says what
 * happened as a MediaOutcome. The queue (queue.ts) decides about retries; this is one attempt.
 *
 * Why node:http/https and not ky: media is not under the REST API's 200/s limiter, must not carry
 * the API's signing, and needs per-connection control ky does not give (a `lookup` that checks the
 * resolved address before connecting, manual redirects checked hop by hop).
 *
 * What each request is allowed to do, and what breaks if a line goes:
 *  - checkUrl before anything: only https (http only to the loopback endpoint), only allow-listed
 *    hosts, no credentials in the URL. Without it a crafted message fetches any URL.
 *  - `lookup: guardedLookup(url, policy)`: every address the name resolves to is checked after DNS
 *    and before connect. Without it a public name resolving to 10.0.0.1 or 169.254.169.254 reaches
 *    the user's network (and DNS rebinding defeats any check made earlier).
 *  - fixed request headers: no Cookie, no Authorization, no Referer. Nothing of the user's travels.
 *  - redirects are followed by hand, each Location checked like the first URL, at most 5. Node's
 *    http never follows redirects; a library that did would leave the allow-list.
 *  - the body streams into the content store, which stops past the per-file cap or past the
 *    declared length: a 10 GB answer never fills memory or disk. A Content-Length over the cap is
 *    refused before reading a byte.
 *  - the type recorded is sniffed from the bytes, never the server's Content-Type.
 *  - connect, idle and total timeouts: a server that stalls cannot hold a queue slot for ever.
 */
import * as http from 'node:http'
import * as https from 'node:https'
import { isIP } from 'node:net'
import type { IncomingMessage } from 'node:http'
import { ContentStoreError, type ContentStore } from './content-store'
import type { MediaRef } from '../shared/media/objects'
import { classifyHttpStatus, isRetryableError, outcomeForHttpStatus, refusedForUrl, type MediaLimits, type MediaOutcome } from './outcome'
import { sniff } from '../shared/media/sniff'
import { checkRedirect, checkUrl, guardedLookup, isPrivateAddress, PrivateAddressError, type FetchPolicy, type UrlRefusal } from './url-policy'

export interface FetchTimeouts {
  /** From the request's start until the socket is connected (DNS and TLS included). */
  connectMs: number
  /** Longest silence on the socket, headers or body. */
  idleMs: number
  /** The whole download, redirects and body included. */
  totalMs: number
}

/** 15 s to connect, 30 s of silence, 30 minutes in all (a 100 MB file at ~60 KB/s). */
export const DEFAULT_TIMEOUTS: FetchTimeouts = { connectMs: 15_000, idleMs: 30_000, totalMs: 30 * 60_000 }

/** Redirect hops followed before giving up (COS answers directly; CDNs use one or two). */
export const MAX_REDIRECTS = 5

export interface FetcherOptions {
  store: ContentStore
  policy: FetchPolicy
  limits: MediaLimits
  timeouts?: Partial<FetchTimeouts>
  /** Sockets kept open per host between downloads. Default 16. */
  maxSockets?: number
  now?: () => number
}

export interface FetchOnceOptions {
  /** The object's previous outcome (keeps an expiry's first sighting). */
  prev?: MediaOutcome
  signal?: AbortSignal
  /** Hears each chunk's length as it arrives (progress). */
  onBytes?: (n: number) => void
}

export interface FetchAttempt {
  outcome: MediaOutcome
  /** Whether another attempt in the same run may succeed (a 5xx, a reset, a timeout). */
  retry: boolean
}

/** The fixed request headers: nothing identifies the user, nothing is compressed (lengths are checked on the bytes). */
const HEADERS = { 'user-agent': 'tim-archive', accept: '*/*', 'accept-encoding': 'identity' } as const

const REDIRECTS = new Set([301, 302, 303, 307, 308])

class FetchTimeoutError extends Error {
  readonly code = 'ETIMEDOUT'
  constructor(what: string) {
    super(`${what} timed out`)
    this.name = 'FetchTimeoutError'
  }
}

class TooManyRedirects extends Error {}

export class MediaFetcher {
  private readonly timeouts: FetchTimeouts
  private readonly now: () => number
  // Keep-alive pools: many small files from the same COS host reuse their TLS connections. A pooled
  // socket was connected to an address the guarded lookup accepted for that same host and port.
  private readonly httpAgent: http.Agent
  private readonly httpsAgent: https.Agent

  constructor(private readonly o: FetcherOptions) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...o.timeouts }
    this.now = o.now ?? Date.now
    const maxSockets = o.maxSockets ?? 16
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets })
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets })
  }

  /** Closes pooled connections. */
  close(): void {
    this.httpAgent.destroy()
    this.httpsAgent.destroy()
  }

  /**
   * One attempt at `ref`: a saved, expired, refused or failed outcome. Throws only when `signal`
   * aborts (the run stopped; nothing is recorded for the object).
   */
  async fetch(ref: MediaRef, opts: FetchOnceOptions = {}): Promise<FetchAttempt> {
    const now = this.now
    if (!ref.url) return { outcome: { status: 'no-url', note: ref.note ?? 'no URL', at: now() }, retry: false }
    const first = checkUrl(ref.url, this.o.policy)
    if (!first.ok) return { outcome: this.refusal(first, ref.url), retry: false }

    const total = new AbortController()
    const timer = setTimeout(() => total.abort(new FetchTimeoutError('download')), this.timeouts.totalMs)
    const signal = opts.signal ? AbortSignal.any([opts.signal, total.signal]) : total.signal
    // Which timeout, if any, cut the download short (the error seen is then a reset).
    const timeouts: { hit: Error | null } = { hit: null }
    try {
      let url = first.url
      for (let hop = 0; ; hop++) {
        const res = await this.request(url, signal, timeouts)
        const status = res.statusCode ?? 0
        if (REDIRECTS.has(status)) {
          const location = res.headers.location
          res.destroy()
          if (!location) return { outcome: { status: 'failed', error: `HTTP ${status} without a Location`, attempts: 1, at: now() }, retry: false }
          if (hop >= MAX_REDIRECTS) throw new TooManyRedirects(`more than ${MAX_REDIRECTS} redirects`)
          const next = checkRedirect(url, location, this.o.policy)
          if (!next.ok) {
            const refused = this.refusal(next, location, url)
            if (refused.status === 'refused') refused.detail = `redirect to ${refused.detail}`
            return { outcome: refused, retry: false }
          }
          url = next.url
          continue
        }
        const cls = classifyHttpStatus(status)
        if (cls !== 'ok') {
          res.destroy()
          return { outcome: outcomeForHttpStatus(status, opts.prev, 1, now())!, retry: cls === 'retry' }
        }
        return { outcome: await this.save(ref, res, opts.onBytes), retry: false }
      }
    } catch (e) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? e
      return this.failure(e, total.signal.aborted ? total.signal.reason : (timeouts.hit ?? undefined))
    } finally {
      clearTimeout(timer)
    }
  }

  /** Streams a 2xx body into the store and sniffs it. Refuses at once a declared length over the cap. */
  private async save(ref: MediaRef, res: IncomingMessage, onBytes?: (n: number) => void): Promise<MediaOutcome> {
    const max = this.o.limits.maxFileBytes
    const length = Number(res.headers['content-length'])
    if (res.headers['content-length'] !== undefined && Number.isSafeInteger(length) && length > max) {
      res.destroy()
      return { status: 'refused', reason: 'too-big', detail: `the server announces ${length} bytes, over the cap of ${max}`, at: this.now() }
    }
    const body = onBytes ? counted(res, onBytes) : res
    try {
      const stored = await this.o.store.put(body, { expectedBytes: ref.declaredBytes, maxBytes: max })
      return { status: 'saved', bytes: stored.bytes, sha256: stored.sha256, type: sniff(stored.head).mime, at: this.now() }
    } finally {
      // put() stops reading on a refusal; the rest of the body is not wanted.
      if (!res.complete) res.destroy()
    }
  }

  /** Opens one request and resolves with its response head. No body is sent; nothing of the user's is. */
  private request(url: URL, signal: AbortSignal, timeouts: { hit: Error | null }): Promise<IncomingMessage> {
    const isHttps = url.protocol === 'https:'
    const options: https.RequestOptions = {
      method: 'GET',
      headers: HEADERS,
      agent: isHttps ? this.httpsAgent : this.httpAgent,
      lookup: guardedLookup(url, this.o.policy),
      signal
    }
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = (isHttps ? https : http).request(url, options)
      let connected = false
      const connectTimer = setTimeout(() => {
        if (!connected) req.destroy((timeouts.hit = new FetchTimeoutError('connect')))
      }, this.timeouts.connectMs)
      req.on('socket', (socket) => {
        // A pooled socket is already connected.
        const done = (): void => {
          connected = true
          clearTimeout(connectTimer)
        }
        if (!socket.connecting) done()
        else socket.once(isHttps ? 'secureConnect' : 'connect', done)
      })
      req.setTimeout(this.timeouts.idleMs, () => req.destroy((timeouts.hit = new FetchTimeoutError('idle connection'))))
      req.once('response', (res) => {
        clearTimeout(connectTimer)
        resolve(res)
      })
      req.once('error', (e) => {
        clearTimeout(connectTimer)
        reject(e)
      })
      req.once('close', () => clearTimeout(connectTimer))
      req.end()
    })
  }

  /**
   * The outcome of a URL the policy refused. checkUrl looks at the scheme first, so plain http to
   * another port of this machine (or to any private IP) comes back as a scheme refusal; what the
   * user needs to read is that it points at a private address, so it is recorded as that.
   */
  private refusal(verdict: { reason: UrlRefusal; detail: string }, raw: string, base?: URL): MediaOutcome {
    if (verdict.reason === 'scheme-not-allowed') {
      let host = ''
      try {
        host = new URL(raw, base).hostname.replace(/^\[|\]$/g, '').toLowerCase()
      } catch {
        // not a URL: the scheme refusal stands
      }
      const loopbackEndpoint = this.o.policy.endpointIsLoopback && host === this.o.policy.endpointHost
      if (loopbackEndpoint || (isIP(host) !== 0 && isPrivateAddress(host))) {
        return { status: 'refused', reason: 'private-address', detail: `${verdict.detail} (a private address)`, at: this.now() }
      }
    }
    return refusedForUrl(verdict, this.now())
  }

  /** What a thrown error means for the object. */
  private failure(e: unknown, timeout: unknown): FetchAttempt {
    const at = this.now()
    if (e instanceof PrivateAddressError || (e as { code?: unknown })?.code === 'EMEDIA_PRIVATE_ADDRESS') {
      const detail = e instanceof PrivateAddressError ? e.detail : String((e as Error).message)
      return { outcome: { status: 'refused', reason: 'private-address', detail, at }, retry: false }
    }
    if (e instanceof ContentStoreError) {
      if (e.code === 'too-big') return { outcome: { status: 'refused', reason: 'too-big', detail: e.message, at }, retry: false }
      // The length differs from what the message declares: a truncated or altered download. Kept as
      // failed, so a later sync tries again; no file was kept.
      return { outcome: { status: 'failed', error: `length mismatch: ${e.message}`, attempts: 1, at }, retry: false }
    }
    const err = timeout instanceof Error ? timeout : e
    const message = err instanceof Error ? err.message : String(err)
    const code = (err as { code?: unknown })?.code
    const error = typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message
    return {
      outcome: { status: 'failed', error, attempts: 1, at },
      retry: !(e instanceof TooManyRedirects) && (timeout !== undefined || isRetryableError(err))
    }
  }
}

/** The response body, telling `onBytes` about each chunk. */
async function* counted(res: AsyncIterable<Uint8Array>, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of res) {
    onBytes(chunk.length)
    yield chunk
  }
}
