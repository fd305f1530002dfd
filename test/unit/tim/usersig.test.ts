import { createRequire } from 'node:module'
import { deflateSync, inflateSync } from 'node:zlib'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { decodeUserSig, genUserSig, tencentBase64Decode, tencentBase64Encode, UserSigSource, verifyUserSig } from '../../../src-main/tim/usersig'

// Tencent's official Node implementation, used only as a test oracle.
const require = createRequire(import.meta.url)
const { Api: OfficialApi } = require('tls-sig-api-v2') as {
  Api: new (
    sdkappid: number,
    key: string
  ) => {
    genUserSig(id: string, expire: number): string
    _hmacsha256(id: string, time: number, expire: number, userbuf: string | null): string
  }
}

// The public sample key from the official repositories (docs/reference/tencent-im-api.md §5.6).
const key = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e'
const sdkAppId = 1400000000

/** Official-side verification: inflate, then recompute the HMAC with Tencent's own code. */
function officialAccepts(userSig: string, appId = sdkAppId, secret = key): boolean {
  const b64 = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=')
  const doc = JSON.parse(inflateSync(Buffer.from(b64, 'base64')).toString()) as Record<string, unknown>
  const api = new OfficialApi(appId, secret)
  return (
    doc['TLS.ver'] === '2.0' &&
    doc['TLS.sdkappid'] === appId &&
    api._hmacsha256(String(doc['TLS.identifier']), Number(doc['TLS.time']), Number(doc['TLS.expire']), null) === doc['TLS.sig']
  )
}

afterEach(() => {
  vi.useRealTimers()
})

describe('UserSig (TLSSigAPIv2)', () => {
  it('signs the documented content string exactly as the reference sample', () => {
    const sig = genUserSig({ sdkAppId, secretKey: key, identifier: 'administrator', expire: 86400, time: 1700000000 })
    const decoded = decodeUserSig(sig)
    expect(decoded).toMatchObject({ ver: '2.0', identifier: 'administrator', sdkAppId, time: 1700000000, expire: 86400 })
    // The value three official implementations and openssl agree on
    // (docs/reference/tencent-im-api.md §5.6).
    expect(decoded.sig).toBe('yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60=')
  })

  it("makes UserSigs that Tencent's official algorithm accepts", () => {
    for (const identifier of ['administrator', 'admin_2', '144115197276518801', '管理员']) {
      const sig = genUserSig({ sdkAppId, secretKey: key, identifier, expire: 3600 })
      expect(sig).toMatch(/^[A-Za-z0-9*_-]+$/)
      expect(officialAccepts(sig)).toBe(true)
    }
    const wrong = genUserSig({ sdkAppId, secretKey: key.replace('5', '6'), identifier: 'administrator', expire: 3600 })
    expect(officialAccepts(wrong)).toBe(false)
  })

  it('produces the same document as the official generator at the same instant', () => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date(1700000123 * 1000))
    const official = new OfficialApi(sdkAppId, key).genUserSig('administrator', 86400)
    const ours = genUserSig({ sdkAppId, secretKey: key, identifier: 'administrator', expire: 86400 })
    expect(decodeUserSig(ours)).toEqual(decodeUserSig(official))
  })

  it('accepts UserSigs made by the official generator', () => {
    const official = new OfficialApi(sdkAppId, key).genUserSig('administrator', 86400)
    const r = verifyUserSig(official, { sdkAppId, identifier: 'administrator', keyFor: () => key })
    expect(r.ok).toBe(true)
  })

  it('accepts a level-0 zlib stream with pretty JSON, as the Go and Python generators write', () => {
    const time = Math.floor(Date.now() / 1000)
    const api = new OfficialApi(sdkAppId, key)
    const doc = {
      'TLS.ver': '2.0',
      'TLS.identifier': 'administrator',
      'TLS.sdkappid': sdkAppId,
      'TLS.expire': 600,
      'TLS.time': time,
      'TLS.sig': api._hmacsha256('administrator', time, 600, null)
    }
    const sig = tencentBase64Encode(deflateSync(Buffer.from(JSON.stringify(doc, null, 2) + '\n'), { level: 0 }))
    expect(verifyUserSig(sig, { sdkAppId, identifier: 'administrator', keyFor: () => key }).ok).toBe(true)
  })

  it("rejects each kind of bad UserSig with the API's error code", () => {
    const now = Math.floor(Date.now() / 1000)
    const good = genUserSig({ sdkAppId, secretKey: key, identifier: 'administrator', expire: 600, time: now })
    const expect_ = { sdkAppId, identifier: 'administrator', keyFor: (id: number) => (id === sdkAppId ? key : undefined) }
    const code = (sig: string, e = expect_) => {
      const r = verifyUserSig(sig, e)
      return r.ok ? 0 : r.code
    }
    expect(code('')).toBe(70002)
    expect(code('not-a-sig!')).toBe(70003)
    expect(code(good.slice(0, 20))).toBe(70003)
    expect(code(good, { ...expect_, sdkAppId: 1400000001 })).toBe(70014)
    expect(code(good, { ...expect_, identifier: 'someone' })).toBe(70013)
    expect(code(good, { ...expect_, keyFor: () => undefined })).toBe(70016)
    expect(code(genUserSig({ sdkAppId, secretKey: 'another-key', identifier: 'administrator', expire: 600 }))).toBe(70009)
    expect(code(genUserSig({ sdkAppId, secretKey: key, identifier: 'administrator', expire: 10, time: now - 100 }))).toBe(70001)
    expect(code(good)).toBe(0)
  })

  it("round-trips Tencent's base64 variant", () => {
    const buf = Buffer.from([0xfb, 0xff, 0xfe, 0x00, 0x01])
    const enc = tencentBase64Encode(buf)
    expect(enc).not.toMatch(/[+/=]/)
    expect(tencentBase64Decode(enc)).toEqual(buf)
  })

  it('caches a UserSig and renews it well before it expires', () => {
    let now = 1_700_000_000_000
    const source = new UserSigSource({ sdkAppId, identifier: 'administrator', secretKey: key }, 3600, () => now)
    const first = source.get()
    now += 1000 * 60 * 10
    expect(source.get()).toBe(first)
    now += 1000 * 60 * 25 // 35 min of 60: past half-life
    const renewed = source.get()
    expect(renewed).not.toBe(first)
    expect(decodeUserSig(renewed).time).toBe(Math.floor(now / 1000))
    source.invalidate()
    now += 1000
    expect(source.get()).not.toBe(renewed)
  })
})
