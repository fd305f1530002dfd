/**
 * Checking a callback request the way Tencent's callback authentication documents (IM console,
 * 回调配置 → 回调鉴权, page 269/32431; docs/reference/tencent-im-api.md §9.5): with a token set in the
 * console, every callback URL carries `Sign` = hex sha256(Token + RequestTime) and `RequestTime`
 * (Unix seconds). A RequestTime more than one minute from now is invalid, so a captured request
 * cannot be replayed later. The URL also carries `SdkAppid`, which must be ours.
 *
 * Used by the listener (src-main/listen/server.ts) and the simulator's callback sender (to sign).
 */
import { createHash, timingSafeEqual } from 'node:crypto'

/** How far RequestTime may be from the receiver's clock, seconds ("相差超过1分钟" is invalid). */
export const requestTimeWindowSeconds = 60

/** hex sha256 of token + requestTime, as the console signs. */
export function callbackSign(token: string, requestTime: string | number): string {
  return createHash('sha256').update(`${token}${requestTime}`, 'utf8').digest('hex')
}

export type AuthFailure =
  | { reason: 'sdkappid-missing' }
  | { reason: 'sdkappid-wrong'; got: string }
  | { reason: 'sign-missing' }
  | { reason: 'request-time-missing' }
  | { reason: 'request-time-invalid'; got: string }
  | { reason: 'request-time-stale'; skewSeconds: number }
  | { reason: 'sign-wrong' }

export interface AuthInput {
  /** The request's query parameters (URLSearchParams of the request URL). */
  query: URLSearchParams
  sdkAppId: number
  token: string
  /** The receiver's clock, Unix seconds. */
  nowSec: number
}

/** null when the request is Tencent's; otherwise why not. The time is checked before the Sign. */
export function checkCallbackAuth({ query, sdkAppId, token, nowSec }: AuthInput): AuthFailure | null {
  const app = query.get('SdkAppid')
  if (app === null || app === '') return { reason: 'sdkappid-missing' }
  if (app !== String(sdkAppId)) return { reason: 'sdkappid-wrong', got: app.slice(0, 20) }
  const sign = query.get('Sign')
  if (sign === null || sign === '') return { reason: 'sign-missing' }
  const rt = query.get('RequestTime')
  if (rt === null || rt === '') return { reason: 'request-time-missing' }
  if (!/^\d{1,12}$/.test(rt)) return { reason: 'request-time-invalid', got: rt.slice(0, 20) }
  const skew = Number(rt) - nowSec
  if (Math.abs(skew) > requestTimeWindowSeconds) return { reason: 'request-time-stale', skewSeconds: Math.round(skew) }
  const want = Buffer.from(callbackSign(token, rt), 'utf8')
  const got = Buffer.from(sign.toLowerCase(), 'utf8')
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { reason: 'sign-wrong' }
  return null
}

/** One line for the log and the answer's ErrorInfo (never the token or the expected Sign). */
export function describeAuthFailure(f: AuthFailure): string {
  switch (f.reason) {
    case 'sdkappid-missing':
      return 'the URL has no SdkAppid'
    case 'sdkappid-wrong':
      return `SdkAppid ${JSON.stringify(f.got)} is not this app's`
    case 'sign-missing':
      return 'the URL has no Sign (turn on callback authentication in the IM console and set the same token here)'
    case 'request-time-missing':
      return 'the URL has no RequestTime'
    case 'request-time-invalid':
      return `RequestTime ${JSON.stringify(f.got)} is not Unix seconds`
    case 'request-time-stale':
      return `RequestTime is ${Math.abs(f.skewSeconds)} s ${f.skewSeconds < 0 ? 'in the past' : 'in the future'} (more than ${requestTimeWindowSeconds} s: a replay, or a clock that is off)`
    case 'sign-wrong':
      return 'the Sign does not match the token'
  }
}
