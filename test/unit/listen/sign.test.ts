import { describe, expect, it } from 'vitest'
import { callbackSign, checkCallbackAuth, describeAuthFailure } from '../../../src-main/listen/sign'

const token = 'xxxxyyyy'
const q = (o: Record<string, string>): URLSearchParams => new URLSearchParams(o)
const signed = (t: number, tok = token, app = '1400000001'): URLSearchParams =>
  q({ SdkAppid: app, CallbackCommand: 'Group.CallbackAfterSendMsg', contenttype: 'json', Sign: callbackSign(tok, t), RequestTime: String(t) })

describe('callback authentication (Sign = sha256(Token + RequestTime), page 269/32431)', () => {
  it("matches the console page's example", () => {
    expect(callbackSign('xxxxyyyy', 1669872112)).toBe('17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061')
  })

  it('accepts a request signed with the token, within a minute either way', () => {
    const now = 1_800_000_000
    for (const t of [now, now - 60, now + 60, now - 1]) {
      expect(checkCallbackAuth({ query: signed(t), sdkAppId: 1400000001, token, nowSec: now })).toBeNull()
    }
  })

  it('accepts the Sign in upper case hex too', () => {
    const now = 1_800_000_000
    const p = signed(now)
    p.set('Sign', p.get('Sign')!.toUpperCase())
    expect(checkCallbackAuth({ query: p, sdkAppId: 1400000001, token, nowSec: now })).toBeNull()
  })

  it('refuses a wrong token, a missing Sign or RequestTime, and another app', () => {
    const now = 1_800_000_000
    const check = (query: URLSearchParams): string | undefined => checkCallbackAuth({ query, sdkAppId: 1400000001, token, nowSec: now })?.reason
    expect(check(signed(now, 'other-token'))).toBe('sign-wrong')
    const noSign = signed(now)
    noSign.delete('Sign')
    expect(check(noSign)).toBe('sign-missing')
    const noTime = signed(now)
    noTime.delete('RequestTime')
    expect(check(noTime)).toBe('request-time-missing')
    const badTime = signed(now)
    badTime.set('RequestTime', '12ab')
    expect(check(badTime)).toBe('request-time-invalid')
    expect(check(signed(now, token, '1400000002'))).toBe('sdkappid-wrong')
    const noApp = signed(now)
    noApp.delete('SdkAppid')
    expect(check(noApp)).toBe('sdkappid-missing')
    // A Sign for another RequestTime (a captured Sign with the time changed) does not match.
    const moved = signed(now - 30)
    moved.set('RequestTime', String(now))
    expect(check(moved)).toBe('sign-wrong')
  })

  it('refuses a RequestTime more than 60 s in the past (a replay) or in the future', () => {
    const now = 1_800_000_000
    const past = checkCallbackAuth({ query: signed(now - 61), sdkAppId: 1400000001, token, nowSec: now })
    expect(past).toEqual({ reason: 'request-time-stale', skewSeconds: -61 })
    expect(describeAuthFailure(past!)).toContain('61 s in the past')
    const future = checkCallbackAuth({ query: signed(now + 3600), sdkAppId: 1400000001, token, nowSec: now })
    expect(future?.reason).toBe('request-time-stale')
    expect(describeAuthFailure(future!)).toContain('in the future')
  })

  it('never words the token or the expected Sign', () => {
    const now = 1_800_000_000
    const f = checkCallbackAuth({ query: signed(now, 'wrong'), sdkAppId: 1400000001, token, nowSec: now })!
    const text = describeAuthFailure(f)
    expect(text).not.toContain(token)
    expect(text).not.toContain(callbackSign(token, now))
  })
})
