// Routing, query checks and UserSig verification, over real HTTP
// (docs/reference/tencent-im-api.md §1.2, §3.4, §5.5).
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { genUserSig } from '../../../src-main/tim/usersig'
import { Simulator, type SimApp } from '../../../tools/sim/server'

const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e'
const APP = 1400000000
const NOW = 1_800_000_000

function app(sdkAppId: number, secretKey: string): SimApp {
  return {
    sdkAppId,
    secretKey,
    admins: ['administrator', 'admin2'],
    groups: new Map([['@TGS#1A', { GroupId: '@TGS#1A', Type: 'Public', Name: 'A', nextMsgSeq: 1, messages: new Map() }]])
  }
}

let sim: Simulator
let base: string

beforeAll(async () => {
  sim = new Simulator({ apps: [app(APP, KEY), app(1400000002, 'other-key'), app(1400000003, '')], now: () => NOW })
  base = (await sim.start()).url
})
afterAll(() => sim.stop())

const sig = (identifier = 'administrator', o: { sdkAppId?: number; key?: string; time?: number; expire?: number } = {}): string =>
  genUserSig({ sdkAppId: o.sdkAppId ?? APP, secretKey: o.key ?? KEY, identifier, time: o.time ?? NOW - 10, expire: o.expire ?? 86400 })

function query(over: Record<string, string | undefined> = {}): string {
  const q: Record<string, string | undefined> = {
    sdkappid: String(APP),
    identifier: 'administrator',
    usersig: sig(),
    random: '99999999',
    contenttype: 'json',
    ...over
  }
  return Object.entries(q)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&')
}

async function call(path: string, qs: string, body: string | undefined = '{"GroupIdList":["@TGS#1A"]}', method = 'POST') {
  const res = await fetch(`${base}${path}?${qs}`, { method, body: method === 'GET' ? undefined : body, headers: { 'content-type': 'application/json' } })
  const text = await res.text()
  return { status: res.status, json: JSON.parse(text) as { ActionStatus: string; ErrorCode: number; ErrorInfo: string } & Record<string, unknown> }
}
const info = '/v4/group_open_http_svc/get_group_info'

describe('routing and the query string', () => {
  test('a valid admin call succeeds', async () => {
    const r = await call(info, query())
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
  })

  test('non-POST gets 60002 with HTTP 200', async () => {
    const r = await call(info, query(), undefined, 'GET')
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60002 })
  })

  test('unknown paths get 60009, unknown commands of the group service 10003', async () => {
    expect((await call('/v4/no_such_svc/get_group_info', query())).json.ErrorCode).toBe(60009)
    expect((await call('/v3/group_open_http_svc/get_group_info', query())).json.ErrorCode).toBe(60009)
    expect((await call('/v4/group_open_http_svc/get_group_info/extra', query())).json.ErrorCode).toBe(60009)
    expect((await call('/v4/group_open_http_svc/group_msg_get_everything', query())).json.ErrorCode).toBe(10003)
  })

  test('sdkappid: missing 60012, unknown 70020, not a number 60002', async () => {
    expect((await call(info, query({ sdkappid: undefined }))).json.ErrorCode).toBe(60012)
    expect((await call(info, query({ sdkappid: '' }))).json.ErrorCode).toBe(60012)
    expect((await call(info, query({ sdkappid: '1400009999' }))).json.ErrorCode).toBe(70020)
    expect((await call(info, query({ sdkappid: '14abc' }))).json.ErrorCode).toBe(60002)
  })

  test('random must be a uint32 and contenttype json (60002)', async () => {
    for (const random of [undefined, '', '-1', '4294967296', '1.5', 'abc']) {
      expect((await call(info, query({ random }))).json.ErrorCode, `random=${String(random)}`).toBe(60002)
    }
    expect((await call(info, query({ random: '0' }))).json.ErrorCode).toBe(0)
    expect((await call(info, query({ random: '4294967295' }))).json.ErrorCode).toBe(0)
    expect((await call(info, query({ contenttype: undefined }))).json.ErrorCode).toBe(60002)
    expect((await call(info, query({ contenttype: 'JSON' }))).json.ErrorCode).toBe(60002)
    expect((await call(info, query({ identifier: undefined }))).json.ErrorCode).toBe(60002)
  })

  test('malformed percent-escapes and repeated keys are 60002', async () => {
    expect((await call(info, query() + '&x=%ZZ')).json.ErrorCode).toBe(60002)
    expect((await call(info, query() + '&random=5')).json.ErrorCode).toBe(60002)
  })

  test('the body must be a JSON object (60003)', async () => {
    expect((await call(info, query(), 'not json')).json.ErrorCode).toBe(60003)
    expect((await call(info, query(), '')).json.ErrorCode).toBe(60003)
    expect((await call(info, query(), '[]')).json.ErrorCode).toBe(60003)
    expect((await call(info, query(), 'null')).json.ErrorCode).toBe(60003)
  })
})

// docs/reference/tencent-im-api.md §5.5: each check of a UserSig and the code it answers.
describe('UserSig (§5.5)', () => {
  test('empty → 70002', async () => {
    expect((await call(info, query({ usersig: '' }))).json.ErrorCode).toBe(70002)
    expect((await call(info, query({ usersig: undefined }))).json.ErrorCode).toBe(70002)
  })
  test('undecodable or truncated → 70003', async () => {
    expect((await call(info, query({ usersig: 'garbage!!' }))).json.ErrorCode).toBe(70003)
    expect((await call(info, query({ usersig: sig().slice(0, 40) }))).json.ErrorCode).toBe(70003)
  })
  test('signed for another SDKAppID → 70014', async () => {
    expect((await call(info, query({ usersig: sig('administrator', { sdkAppId: 1400000002 }) }))).json.ErrorCode).toBe(70014)
  })
  test('signed for another identifier → 70013', async () => {
    expect((await call(info, query({ usersig: sig('admin2') }))).json.ErrorCode).toBe(70013)
  })
  test('an app without a key → 70016', async () => {
    const r = await call(info, query({ sdkappid: '1400000003', usersig: sig('administrator', { sdkAppId: 1400000003, key: 'x' }) }))
    expect(r.json.ErrorCode).toBe(70016)
  })
  test('wrong key → 70009', async () => {
    expect((await call(info, query({ usersig: sig('administrator', { key: 'other-key' }) }))).json.ErrorCode).toBe(70009)
  })
  test('expired by the configured clock → 70001; valid up to time + expire', async () => {
    expect((await call(info, query({ usersig: sig('administrator', { time: NOW - 100, expire: 99 }) }))).json.ErrorCode).toBe(70001)
    expect((await call(info, query({ usersig: sig('administrator', { time: NOW - 100, expire: 100 }) }))).json.ErrorCode).toBe(0)
  })
  test('the usersig is percent-decoded (%2A for *)', async () => {
    let s = sig()
    for (let t = NOW - 10; !s.includes('*'); t--) s = sig('administrator', { time: t })
    const qs = query({ usersig: undefined }) + '&usersig=' + s.replace(/\*/g, '%2A')
    expect((await call(info, qs)).json.ErrorCode).toBe(0)
    // An unescaped * works too.
    expect((await call(info, query({ usersig: undefined }) + '&usersig=' + s)).json.ErrorCode).toBe(0)
  })
  test('a valid sig of a non-admin → 60010; a second admin is accepted', async () => {
    const r = await call(info, query({ identifier: 'alice', usersig: sig('alice') }))
    expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60010 })
    expect((await call(info, query({ identifier: 'admin2', usersig: sig('admin2') }))).json.ErrorCode).toBe(0)
  })
})

test('refuses to bind a non-loopback address', () => {
  expect(() => new Simulator({ host: '0.0.0.0', apps: [] })).toThrow(/loopback/)
  expect(() => new Simulator({ host: '192.168.1.5', apps: [] })).toThrow(/loopback/)
})
