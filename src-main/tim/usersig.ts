/**
 * UserSig (TLSSigAPIv2), made locally. Reference: docs/reference/tencent-im-api.md §5.
 *
 * sig      = base64(HMAC-SHA256(key = secret-key string bytes, msg = the four "TLS.x:value\n" lines))
 * UserSig  = tencentBase64(zlib(JSON{TLS.ver, TLS.identifier, TLS.sdkappid, TLS.time, TLS.expire, TLS.sig}))
 * tencentBase64 = standard base64 with + → *, / → -, = → _
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { deflateSync, inflateSync } from 'node:zlib'

export interface SignInput {
  sdkAppId: number
  secretKey: string
  identifier: string
  /** Validity in seconds, relative to `time`. */
  expire: number
  /** Issue time in Unix seconds; now by default. */
  time?: number
}

/** Default validity: 7 days. Renewed by UserSigSource once less than half of it remains. */
export const defaultExpireSeconds = 7 * 86400

function hmacInput(identifier: string, sdkAppId: number, time: number, expire: number, userbuf?: string): string {
  let s = `TLS.identifier:${identifier}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${time}\nTLS.expire:${expire}\n`
  if (userbuf !== undefined) s += `TLS.userbuf:${userbuf}\n`
  return s
}

function hmacBase64(key: string, content: string): string {
  return createHmac('sha256', key).update(content).digest('base64')
}

export function tencentBase64Encode(buf: Buffer): string {
  return buf.toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_')
}

export function tencentBase64Decode(s: string): Buffer {
  let b64 = s.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new Error('not base64')
  while (b64.length % 4 !== 0) b64 += '='
  return Buffer.from(b64, 'base64')
}

export function genUserSig(input: SignInput): string {
  if (!Number.isSafeInteger(input.sdkAppId) || input.sdkAppId <= 0) throw new Error('SDKAppID must be a positive integer')
  if (!input.secretKey) throw new Error('The secret key is empty')
  if (!input.identifier) throw new Error('The identifier is empty')
  if (!Number.isSafeInteger(input.expire) || input.expire <= 0) throw new Error('expire must be a positive number of seconds')
  const time = input.time ?? Math.floor(Date.now() / 1000)
  const doc = {
    'TLS.ver': '2.0',
    'TLS.identifier': input.identifier,
    'TLS.sdkappid': input.sdkAppId,
    'TLS.time': time,
    'TLS.expire': input.expire,
    'TLS.sig': hmacBase64(input.secretKey, hmacInput(input.identifier, input.sdkAppId, time, input.expire))
  }
  return tencentBase64Encode(deflateSync(Buffer.from(JSON.stringify(doc))))
}

export interface DecodedUserSig {
  ver: string
  identifier: string
  sdkAppId: number
  time: number
  expire: number
  sig: string
  userbuf?: string
}

/** Decodes without checking the signature. Throws on anything that is not a v2 UserSig. */
export function decodeUserSig(userSig: string): DecodedUserSig {
  const json = JSON.parse(inflateSync(tencentBase64Decode(userSig)).toString('utf8')) as Record<string, unknown>
  const {
    'TLS.ver': ver,
    'TLS.identifier': identifier,
    'TLS.sdkappid': sdkAppId,
    'TLS.time': time,
    'TLS.expire': expire,
    'TLS.sig': sig,
    'TLS.userbuf': userbuf
  } = json
  // Official generators write sdkappid/time/expire as numbers; accept numeric strings too.
  const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN)
  if (ver !== '2.0' || typeof identifier !== 'string' || typeof sig !== 'string') throw new Error('not a TLSSigAPIv2 UserSig')
  const decoded: DecodedUserSig = { ver, identifier, sdkAppId: num(sdkAppId), time: num(time), expire: num(expire), sig }
  if ([decoded.sdkAppId, decoded.time, decoded.expire].some((n) => !Number.isFinite(n))) throw new Error('not a TLSSigAPIv2 UserSig')
  if (typeof userbuf === 'string') decoded.userbuf = userbuf
  return decoded
}

export type VerifyResult = { ok: true; decoded: DecodedUserSig } | { ok: false; code: number; reason: string }

/**
 * Verifies a UserSig the way the REST API does (docs/reference/tencent-im-api.md §5.5),
 * returning the API's error code on failure:
 * 70002 empty, 70003 unparseable, 70014 SDKAppID mismatch, 70013 identifier mismatch,
 * 70016 no key for the SDKAppID, 70009 bad signature, 70001 expired.
 */
export function verifyUserSig(
  userSig: string,
  expect: { sdkAppId: number; identifier: string; keyFor: (sdkAppId: number) => string | undefined; now?: number }
): VerifyResult {
  if (!userSig) return { ok: false, code: 70002, reason: 'UserSig is empty' }
  let decoded: DecodedUserSig
  try {
    decoded = decodeUserSig(userSig)
  } catch {
    return { ok: false, code: 70003, reason: 'UserSig could not be decoded' }
  }
  if (decoded.sdkAppId !== expect.sdkAppId) return { ok: false, code: 70014, reason: 'SDKAppID in the UserSig does not match the request' }
  if (decoded.identifier !== expect.identifier) return { ok: false, code: 70013, reason: 'identifier in the UserSig does not match the request' }
  const key = expect.keyFor(decoded.sdkAppId)
  if (key === undefined) return { ok: false, code: 70016, reason: 'no key for this SDKAppID' }
  const want = Buffer.from(hmacBase64(key, hmacInput(decoded.identifier, decoded.sdkAppId, decoded.time, decoded.expire, decoded.userbuf)))
  const got = Buffer.from(decoded.sig)
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, code: 70009, reason: 'signature check failed' }
  const now = expect.now ?? Math.floor(Date.now() / 1000)
  if (now > decoded.time + decoded.expire) return { ok: false, code: 70001, reason: 'UserSig expired' }
  return { ok: true, decoded }
}

/**
 * Hands out a UserSig for one admin, signing locally, caching it, and renewing it once less than
 * half of its validity remains (so a sig never expires mid-sync). `invalidate()` forces a new one,
 * used after a 70001 answer.
 */
export class UserSigSource {
  private cached?: { sig: string; renewAt: number }
  constructor(
    private readonly creds: { sdkAppId: number; identifier: string } & ({ secretKey: string } | { userSig: string }),
    private readonly expire = defaultExpireSeconds,
    private readonly clock: () => number = () => Date.now()
  ) {}

  /** False when the caller supplied a fixed UserSig, which cannot be renewed. */
  get canRenew(): boolean {
    return 'secretKey' in this.creds
  }

  get(): string {
    if ('userSig' in this.creds) return this.creds.userSig
    const nowMs = this.clock()
    if (!this.cached || nowMs >= this.cached.renewAt) {
      const time = Math.floor(nowMs / 1000)
      const sig = genUserSig({ sdkAppId: this.creds.sdkAppId, secretKey: this.creds.secretKey, identifier: this.creds.identifier, expire: this.expire, time })
      this.cached = { sig, renewAt: nowMs + (this.expire * 1000) / 2 }
    }
    return this.cached.sig
  }

  invalidate(): void {
    this.cached = undefined
  }
}
