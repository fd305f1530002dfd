/**
 * Outcomes: what the archive records for each media object, and the decisions that depend on it
 * (what an HTTP status means, what a later sync fetches again, how long to back off).
 */
import { describe, expect, it } from 'vitest'
import type { MediaOutcome } from '../../../src-main/media/outcome'
import {
  DEFAULT_LIMITS,
  DEFAULT_RETRY,
  backoffMs,
  budgetState,
  classifyHttpStatus,
  isRetryableError,
  kindAllowed,
  mergeOutcome,
  needsFetch,
  outcomeForHttpStatus,
  preflight,
  refusedForUrl,
  shouldRetry,
  typeFitsKind
} from '../../../src-main/media/outcome'
import { mediaInBody } from '../../../src-main/shared/media/objects'
import { checkUrl, makeFetchPolicy } from '../../../src-main/media/url-policy'

const saved: MediaOutcome = { status: 'saved', bytes: 10, sha256: 'a'.repeat(64), type: 'image/png', at: 1 }

describe('what an HTTP answer means', () => {
  it('marks 403, 404 and 410 as expired on the server, remembering when it was first seen missing', () => {
    for (const s of [403, 404, 410]) expect(classifyHttpStatus(s)).toBe('expired')
    const first = outcomeForHttpStatus(404, undefined, 1, 1000)
    expect(first).toEqual({ status: 'expired', httpStatus: 404, firstSeenAt: 1000, lastSeenAt: 1000 })
    const later = outcomeForHttpStatus(403, first!, 1, 5000)
    expect(later).toEqual({ status: 'expired', httpStatus: 403, firstSeenAt: 1000, lastSeenAt: 5000 })
  })

  it('reads the body on 2xx, retries 408/425/429/5xx, and fails anything else', () => {
    expect(outcomeForHttpStatus(200, undefined, 1, 0)).toBeNull()
    expect(outcomeForHttpStatus(206, undefined, 1, 0)).toBeNull()
    for (const s of [408, 425, 429, 500, 502, 503, 599]) expect(classifyHttpStatus(s), String(s)).toBe('retry')
    for (const s of [301, 400, 401, 405, 418, 600]) expect(classifyHttpStatus(s), String(s)).toBe('fail')
    expect(outcomeForHttpStatus(503, undefined, 4, 9)).toEqual({ status: 'failed', error: 'HTTP 503', attempts: 4, at: 9 })
  })
})

describe('retrying within a run', () => {
  it('retries transient answers and network errors up to the attempt limit', () => {
    expect(shouldRetry('retry', 1)).toBe(true)
    expect(shouldRetry('network', DEFAULT_RETRY.maxAttempts - 1)).toBe(true)
    expect(shouldRetry('retry', DEFAULT_RETRY.maxAttempts)).toBe(false)
    expect(shouldRetry('expired', 1)).toBe(false)
    expect(shouldRetry('fail', 1)).toBe(false)
    expect(isRetryableError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true)
    expect(isRetryableError(Object.assign(new Error('x'), { code: 'EMEDIA_PRIVATE_ADDRESS' }))).toBe(false)
    expect(isRetryableError('ECONNRESET')).toBe(false)
  })

  it('backs off exponentially with jitter, never past the cap', () => {
    expect(backoffMs(1, DEFAULT_RETRY, () => 0.999)).toBeLessThan(DEFAULT_RETRY.baseMs)
    expect(backoffMs(3, DEFAULT_RETRY, () => 0.5)).toBe(Math.floor(0.5 * DEFAULT_RETRY.baseMs * 4))
    expect(backoffMs(40, DEFAULT_RETRY, () => 0.999)).toBeLessThan(DEFAULT_RETRY.capMs)
    expect(backoffMs(2, DEFAULT_RETRY, () => 0)).toBe(0)
  })
})

describe('what a later sync fetches', () => {
  it('fetches what was never tried and what failed; leaves saved, expired and no-URL objects alone', () => {
    expect(needsFetch(undefined)).toBe(true)
    expect(needsFetch({ status: 'failed', error: 'ECONNRESET', attempts: 4, at: 1 })).toBe(true)
    expect(needsFetch(saved)).toBe(false)
    expect(needsFetch({ status: 'expired', httpStatus: 404, firstSeenAt: 1, lastSeenAt: 1 })).toBe(false)
    expect(needsFetch({ status: 'no-url', note: 'x', at: 1 })).toBe(false)
  })

  it('looks again at refusals only when asked to re-check', () => {
    const refused: MediaOutcome = { status: 'refused', reason: 'host-not-allowed', detail: 'evil.example', at: 1 }
    expect(needsFetch(refused)).toBe(false)
    expect(needsFetch(refused, { recheck: true })).toBe(true)
  })

  it('never replaces a saved file by a later failure or expiry', () => {
    expect(mergeOutcome(saved, { status: 'expired', httpStatus: 404, firstSeenAt: 9, lastSeenAt: 9 })).toBe(saved)
    expect(mergeOutcome(saved, { status: 'failed', error: 'x', attempts: 1, at: 9 })).toBe(saved)
    const failed: MediaOutcome = { status: 'failed', error: 'x', attempts: 2, at: 1 }
    expect(mergeOutcome(failed, saved)).toBe(saved)
    expect(mergeOutcome(failed, { status: 'failed', error: 'y', attempts: 3, at: 2 })).toEqual({ status: 'failed', error: 'y', attempts: 5, at: 2 })
    expect(
      mergeOutcome({ status: 'expired', httpStatus: 404, firstSeenAt: 5, lastSeenAt: 5 }, { status: 'expired', httpStatus: 410, firstSeenAt: 8, lastSeenAt: 8 })
    ).toEqual({
      status: 'expired',
      httpStatus: 410,
      firstSeenAt: 5,
      lastSeenAt: 8
    })
  })
})

describe('decisions before and after the download', () => {
  const COS = 'https://cos.ap-shanghai.myqcloud.com'

  it('records no URL as such, refuses a declared size over the cap, and lets the rest through', () => {
    const [noUrl, big, ok] = mediaInBody([
      { MsgType: 'TIMFileElem', MsgContent: { UUID: 'a', FileSize: 10 } },
      { MsgType: 'TIMFileElem', MsgContent: { UUID: 'b', Url: `${COS}/b`, FileSize: DEFAULT_LIMITS.maxFileBytes + 1 } },
      { MsgType: 'TIMFileElem', MsgContent: { UUID: 'c', Url: `${COS}/c`, FileSize: DEFAULT_LIMITS.maxFileBytes } }
    ])
    expect(preflight(noUrl!, DEFAULT_LIMITS, 7)).toEqual({ status: 'no-url', note: 'no URL: sent by an old SDK', at: 7 })
    expect(preflight(big!, DEFAULT_LIMITS, 7)).toMatchObject({ status: 'refused', reason: 'too-big' })
    expect(preflight(ok!, DEFAULT_LIMITS, 7)).toBeNull()
    expect(DEFAULT_LIMITS.maxFileBytes).toBe(100 * 1024 * 1024)
  })

  it('keeps every type and every image size by default', () => {
    const refs = mediaInBody([
      { MsgType: 'TIMImageElem', MsgContent: { UUID: 'i', ImageInfoArray: [1, 2, 3].map((Type) => ({ Type, URL: `${COS}/i${Type}` })) } },
      { MsgType: 'TIMFileElem', MsgContent: { Url: `${COS}/f` } },
      { MsgType: 'TIMSoundElem', MsgContent: { Url: `${COS}/s` } },
      { MsgType: 'TIMVideoFileElem', MsgContent: { VideoUrl: `${COS}/v`, ThumbUrl: `${COS}/vt` } }
    ])
    expect(refs).toHaveLength(7)
    expect(refs.every((r) => kindAllowed(r, DEFAULT_LIMITS) && preflight(r, DEFAULT_LIMITS, 0) === null)).toBe(true)
  })

  it('records objects the settings turn off as refused, type not allowed: video thumbnail-only, no originals', () => {
    const limits = { ...DEFAULT_LIMITS, images: { original: false, large: true, thumb: true }, video: 'thumbnail' as const }
    const refs = mediaInBody([
      { MsgType: 'TIMImageElem', MsgContent: { UUID: 'i', ImageInfoArray: [1, 3].map((Type) => ({ Type, URL: `${COS}/i${Type}` })) } },
      { MsgType: 'TIMVideoFileElem', MsgContent: { VideoUrl: `${COS}/v`, ThumbUrl: `${COS}/vt` } }
    ])
    expect(refs.map((r) => preflight(r, limits, 3)?.status ?? 'fetch')).toEqual(['refused', 'fetch', 'refused', 'fetch'])
    expect(preflight(refs[0]!, limits, 3)).toEqual({ status: 'refused', reason: 'type-not-allowed', detail: 'image (original) is turned off', at: 3 })
    expect(kindAllowed(refs[3]!, { ...limits, video: 'off' })).toBe(false)
    expect(kindAllowed({ kind: 'sound', size: null }, { ...limits, voice: false })).toBe(false)
    expect(kindAllowed({ kind: 'file', size: null }, { ...limits, files: false })).toBe(false)
  })

  it('tells whether bytes are what their element says (an "image" that is really a page is not)', () => {
    expect(typeFitsKind('image', 'image/png')).toBe(true)
    expect(typeFitsKind('image', 'application/octet-stream')).toBe(false)
    expect(typeFitsKind('video-thumb', 'video/mp4')).toBe(false)
    expect(typeFitsKind('sound', 'audio/silk')).toBe(true)
    expect(typeFitsKind('sound', 'image/png')).toBe(false)
    expect(typeFitsKind('video', 'video/mp4')).toBe(true)
    expect(typeFitsKind('file', 'application/octet-stream')).toBe(true)
  })
})

describe('the disk budget', () => {
  it('warns before the budget is reached and stops before passing it', () => {
    const gb = 1024 ** 3
    expect(budgetState(5 * gb, null, gb)).toBe('ok')
    expect(budgetState(0.5 * gb, gb)).toBe('ok')
    expect(budgetState(0.95 * gb, gb)).toBe('warn')
    expect(budgetState(0.95 * gb, gb, 0.1 * gb)).toBe('full')
    expect(budgetState(gb, gb)).toBe('warn')
  })
})

describe('refusals by the fetch policy', () => {
  const policy = makeFetchPolicy({ endpoint: 'http://127.0.0.1:8123' })
  const refuse = (raw: string) => {
    const v = checkUrl(raw, policy)
    if (v.ok) throw new Error(`${raw} was allowed`)
    return refusedForUrl(v, 4)
  }

  it('records a host off the list, a wrong scheme or credentials as host not allowed, with the detail', () => {
    expect(refuse('https://evil.example/a.png')).toEqual({ status: 'refused', reason: 'host-not-allowed', detail: 'evil.example', at: 4 })
    expect(refuse('http://cos.ap-shanghai.myqcloud.com/a')).toMatchObject({
      reason: 'host-not-allowed',
      detail: 'scheme-not-allowed: http: to cos.ap-shanghai.myqcloud.com'
    })
    expect(refuse('https://u:p@cos.ap-shanghai.myqcloud.com/a')).toMatchObject({ reason: 'host-not-allowed' })
  })

  it('records another loopback port as a private address', () => {
    expect(refuse('https://127.0.0.1:9/x')).toMatchObject({ reason: 'private-address' })
  })
})
