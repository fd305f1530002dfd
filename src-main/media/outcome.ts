/**
 * What happened to each media object (issue 17 §1 "Record an outcome for every object"), and the
 * pure decisions around it: what an HTTP status means, what a sync should (re)try, how long to
 * wait. No I/O here; the queue applies these.
 */
import type { ImageSize, MediaKind, MediaRef } from '../shared/media/objects'
import { NO_URL_NOTE } from '../shared/media/objects'
import type { UrlRefusal } from './url-policy'

export type RefusedReason = 'too-big' | 'type-not-allowed' | 'host-not-allowed' | 'private-address'

/** Statuses that mean the server no longer has the file: Tencent deletes media with the history (§7.5). */
export type ExpiredStatus = 403 | 404 | 410

export type MediaOutcome =
  /** The bytes are in the content store under `sha256`. `type` is the sniffed type, not the server's. */
  | { status: 'saved'; bytes: number; sha256: string; type: string; at: number }
  /** The server answered 403, 404 or 410. `firstSeenAt` is kept across later checks. */
  | { status: 'expired'; httpStatus: ExpiredStatus; firstSeenAt: number; lastSeenAt: number }
  /** Not fetched, or fetched and dropped, by policy; `detail` says which host, type or size. */
  | { status: 'refused'; reason: RefusedReason; detail: string; at: number }
  /** Anything else (network error, 5xx, length mismatch…). Retried on later syncs. */
  | { status: 'failed'; error: string; attempts: number; at: number }
  /** The element has no URL (older SDKs). Not an error; nothing to fetch. */
  | { status: 'no-url'; note: string; at: number }

export type HttpClass = 'ok' | 'expired' | 'retry' | 'fail'

/**
 * What an HTTP status means for a media download. 2xx: read the body. 403/404/410: the file is gone
 * (COS answers 403 or 404 for a deleted object; 410 for completeness). 408, 425, 429 and 5xx:
 * transient, try again. Any other status (3xx reaching here, 400, 401…) fails this attempt.
 */
export function classifyHttpStatus(status: number): HttpClass {
  if (status >= 200 && status < 300) return 'ok'
  if (status === 403 || status === 404 || status === 410) return 'expired'
  if (status === 408 || status === 425 || status === 429 || (status >= 500 && status < 600)) return 'retry'
  return 'fail'
}

/**
 * The outcome an HTTP status settles, or null for 2xx (go on and read the body). A new expiry
 * keeps the first time it was seen from `prev`, so the placeholder can say "first seen missing …".
 */
export function outcomeForHttpStatus(status: number, prev: MediaOutcome | undefined, attempts: number, now: number): MediaOutcome | null {
  const cls = classifyHttpStatus(status)
  if (cls === 'ok') return null
  if (cls === 'expired') {
    const firstSeenAt = prev?.status === 'expired' ? prev.firstSeenAt : now
    return { status: 'expired', httpStatus: status as ExpiredStatus, firstSeenAt, lastSeenAt: now }
  }
  return { status: 'failed', error: `HTTP ${status}`, attempts, at: now }
}

/** Node network error codes worth another attempt within the same run. */
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT'
])

/** Whether an error thrown by a download (by its `code`) is transient. */
export function isRetryableError(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : undefined
  return typeof code === 'string' && RETRYABLE_CODES.has(code)
}

export interface RetryPolicy {
  /** Attempts within one run, the first included. */
  maxAttempts: number
  baseMs: number
  capMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseMs: 500, capMs: 30_000 }

/** Within one run: after `attempt` attempts (1-based) that ended this way, try again? */
export function shouldRetry(cls: HttpClass | 'network' | 'other', attempt: number, policy: RetryPolicy = DEFAULT_RETRY): boolean {
  if (attempt >= policy.maxAttempts) return false
  return cls === 'retry' || cls === 'network'
}

/** Wait before attempt `attempt + 1`: exponential with full jitter (`random` in [0, 1)). */
export function backoffMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.floor(random() * ceiling)
}

/**
 * Across runs: should a sync fetch this object? Never seen, or failed before: yes (issue 17 §1
 * "Later syncs fetch what earlier ones missed"). `recheck` (pull --recheck) also re-checks failed
 * ones, which a normal sync already does, and is the only way to look again at a refusal (the
 * allow-list or the size cap may have changed). Saved, expired and no-URL objects are settled.
 */
export function needsFetch(prev: MediaOutcome | undefined, opts: { recheck?: boolean } = {}): boolean {
  if (!prev) return true
  switch (prev.status) {
    case 'failed':
      return true
    case 'refused':
      return opts.recheck === true
    default:
      return false
  }
}

/**
 * The outcome to keep when a new one arrives. A saved object is never replaced by anything less
 * (as in the message store, a placeholder never replaces content); an expiry keeps its first sighting.
 */
export function mergeOutcome(prev: MediaOutcome | undefined, next: MediaOutcome): MediaOutcome {
  if (prev?.status === 'saved' && next.status !== 'saved') return prev
  if (prev?.status === 'expired' && next.status === 'expired') return { ...next, firstSeenAt: Math.min(prev.firstSeenAt, next.firstSeenAt) }
  if (prev?.status === 'failed' && next.status === 'failed') return { ...next, attempts: prev.attempts + next.attempts }
  return next
}

export interface MediaLimits {
  /** Per-file cap in bytes; default 100 MB (issue 17 §1 "Limits"). */
  maxFileBytes: number
  /** Which image sizes to keep; by default all three. */
  images: Record<ImageSize, boolean>
  files: boolean
  voice: boolean
  /** 'thumbnail' keeps a video's thumbnail but not the video itself. */
  video: 'all' | 'thumbnail' | 'off'
}

/** By default an archive is complete: every type and every image size, up to 100 MB a file. */
export const DEFAULT_LIMITS: MediaLimits = {
  maxFileBytes: 100 * 1024 * 1024,
  images: { original: true, large: true, thumb: true },
  files: true,
  voice: true,
  video: 'all'
}

/** Whether the settings keep objects of this kind (and image size). */
export function kindAllowed(ref: Pick<MediaRef, 'kind' | 'size'>, limits: MediaLimits): boolean {
  switch (ref.kind) {
    case 'image':
      return ref.size !== null && limits.images[ref.size]
    case 'file':
      return limits.files
    case 'sound':
      return limits.voice
    case 'video':
      return limits.video === 'all'
    case 'video-thumb':
      return limits.video !== 'off'
    case 'avatar':
      // A small picture: kept whenever any image size is.
      return limits.images.original || limits.images.large || limits.images.thumb
  }
}

/**
 * What can be decided before any request: no URL; a kind the settings turn off (refused,
 * 'type-not-allowed', so the placeholder can say why); a declared size over the cap. Null: go and
 * fetch (the cap is enforced again on the bytes, since the declared size may lie).
 */
export function preflight(ref: MediaRef, limits: MediaLimits, now: number): MediaOutcome | null {
  if (!ref.url) return { status: 'no-url', note: ref.note ?? NO_URL_NOTE, at: now }
  if (!kindAllowed(ref, limits)) {
    return { status: 'refused', reason: 'type-not-allowed', detail: `${ref.size ? `${ref.kind} (${ref.size})` : ref.kind} is turned off`, at: now }
  }
  if (ref.declaredBytes !== null && ref.declaredBytes > limits.maxFileBytes) {
    return { status: 'refused', reason: 'too-big', detail: `declares ${ref.declaredBytes} bytes, over the cap of ${limits.maxFileBytes}`, at: now }
  }
  return null
}

/**
 * Whether sniffed bytes are what their element says: an image or a video thumbnail an image, a
 * voice message audio, a video video (or audio-only MP4). Files may be anything. A mismatch is not
 * a reason to drop the bytes (a voice codec this module does not know is still the voice message):
 * they are kept, served as their sniffed type, and the viewer offers a download instead of
 * showing them. displaysInline() (shared/media/sniff.ts) is what keeps a crafted "image" that is really a page
 * from ever rendering.
 */
export function typeFitsKind(kind: MediaKind, mime: string): boolean {
  switch (kind) {
    case 'image':
    case 'video-thumb':
    case 'avatar':
      return mime.startsWith('image/')
    case 'sound':
      return mime.startsWith('audio/')
    case 'video':
      return mime.startsWith('video/') || mime === 'audio/mp4'
    case 'file':
      return true
  }
}

export type BudgetState = 'ok' | 'warn' | 'full'

/** Share of the disk budget at which the app warns (issue 17 §1: "warns before it is reached"). */
export const BUDGET_WARN_AT = 0.9

/**
 * Where the media folder stands against the user's disk budget (null: no budget). 'full' means the
 * next file of `nextBytes` would pass it: the queue stops fetching and the health report says so.
 */
export function budgetState(usedBytes: number, budgetBytes: number | null, nextBytes = 0): BudgetState {
  if (budgetBytes === null) return 'ok'
  if (usedBytes + nextBytes > budgetBytes) return 'full'
  return usedBytes >= budgetBytes * BUDGET_WARN_AT ? 'warn' : 'ok'
}

/**
 * The outcome for a URL the fetch policy refused (url-policy.ts). The record knows four reasons;
 * a wrong scheme, a malformed URL or credentials in it are all "host not allowed" (this URL may not
 * be fetched), with the policy's own reason kept in the detail.
 */
export function refusedForUrl(verdict: { reason: UrlRefusal; detail: string }, now: number): MediaOutcome {
  const reason: RefusedReason = verdict.reason === 'private-address' ? 'private-address' : 'host-not-allowed'
  const detail = verdict.reason === reason ? verdict.detail : `${verdict.reason}: ${verdict.detail}`
  return { status: 'refused', reason, detail, at: now }
}
