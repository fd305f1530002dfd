// get_group_info and get_appid_group_list (docs/reference/tencent-im-api.md §6.2, §6.1) and rate
// limiting, over real HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { genUserSig } from '../../../src-main/tim/usersig'
import { groupListCursorBase, Simulator, type SimApp, type SimGroup } from '../../../tools/sim/server'

const KEY = 'groups-test-key'

function g(id: string, type: string, extra: Partial<SimGroup> = {}): SimGroup {
  return {
    GroupId: id,
    Type: type,
    Name: `name of ${id}`,
    Owner_Account: 'owner',
    CreateTime: 1_600_000_000,
    MemberNum: 3,
    nextMsgSeq: 1,
    messages: new Map(),
    ...extra
  }
}

function app(sdkAppId: number): SimApp {
  const withMsgs = g('@TGS#1PUB', 'Public', { nextMsgSeq: 4, MemberNum: 4 })
  for (let seq = 1; seq <= 3; seq++) {
    withMsgs.messages.set(seq, { seq, from: seq === 3 ? 'bob' : 'alice', time: 1_700_000_000 + seq, random: seq, body: [], state: 'normal' })
  }
  const groups = [
    withMsgs,
    g('@TGS#2WORK', 'Work'),
    g('@TGS#3PRIV', 'Private'),
    g('@TGS#4AV', 'AVChatRoom'),
    g('@TGS#5GONE', 'Public', { dismissed: true }),
    g('@TGS#6MEET', 'Meeting'),
    g('@TGS#7PUB', 'Public'),
    g('custom-id', 'Public')
  ]
  return { sdkAppId, secretKey: KEY, admins: ['administrator'], groups: new Map(groups.map((x) => [x.GroupId, x])) }
}

let sim: Simulator
let base: string
const APPS = [1400000100, 1400000101, 1400000102, 1400000103, 1400000104, 1400000105]

beforeAll(async () => {
  sim = new Simulator({ apps: APPS.map(app), rateLimit: 1000 })
  base = (await sim.start()).url
})
afterAll(() => sim.stop())

type Json = Record<string, unknown> & { ErrorCode: number; ActionStatus: string }

async function call(command: string, body: unknown, sdkAppId = APPS[0] ?? 0, url = base): Promise<Json> {
  const usersig = genUserSig({ sdkAppId, secretKey: KEY, identifier: 'administrator', expire: 3600 })
  const res = await fetch(
    `${url}/v4/group_open_http_svc/${command}?sdkappid=${sdkAppId}&identifier=administrator&usersig=${usersig}&random=1&contenttype=json`,
    {
      method: 'POST',
      body: JSON.stringify(body)
    }
  )
  expect(res.status).toBe(200)
  return (await res.json()) as Json
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('get_group_info', () => {
  test('per-item errors inside a top-level OK, NextMsgSeq and profile fields', async () => {
    const r = await call('get_group_info', { GroupIdList: ['@TGS#1PUB', '@TGS#NOPE', '', '@TGS#5GONE', '@TGS#4AV', 'y'.repeat(49)] })
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
    const items = r['GroupInfo'] as Record<string, unknown>[]
    expect(items.map((i) => [i['GroupId'], i['ErrorCode']])).toEqual([
      ['@TGS#1PUB', 0],
      ['@TGS#NOPE', 10010],
      ['', 10015],
      ['@TGS#5GONE', 10010],
      ['@TGS#4AV', 0],
      ['y'.repeat(49), 10015]
    ])
    const pub = items[0] ?? {}
    expect(pub).toMatchObject({
      Type: 'Public',
      Name: 'name of @TGS#1PUB',
      Owner_Account: 'owner',
      CreateTime: 1_600_000_000,
      NextMsgSeq: 4,
      LastMsgTime: 1_700_000_003,
      MemberNum: 4,
      ErrorInfo: ''
    })
    for (const k of ['MaxMemberNum', 'Introduction', 'Notification', 'FaceUrl', 'ApplyJoinOption', 'ShutUpAllMember', 'InfoSeq'])
      expect(pub, k).toHaveProperty(k)
    const members = pub['MemberList'] as { Member_Account: string; Role: string }[]
    expect(members.length).toBe(4)
    expect(members[0]).toMatchObject({ Member_Account: 'owner', Role: 'Owner' })
    const av = items[4] ?? {}
    expect(av['Type']).toBe('AVChatRoom')
    expect(av).not.toHaveProperty('MemberNum')
    expect(av).not.toHaveProperty('MemberList')
    expect(items[1]).toEqual({ GroupId: '@TGS#NOPE', ErrorCode: 10010, ErrorInfo: expect.any(String) })
  })

  test('ResponseFilter limits the fields', async () => {
    const r = await call('get_group_info', {
      GroupIdList: ['@TGS#1PUB'],
      ResponseFilter: { GroupBaseInfoFilter: ['Type', 'NextMsgSeq'], MemberInfoFilter: ['Role'] }
    })
    const [item] = r['GroupInfo'] as Record<string, unknown>[]
    expect(Object.keys(item ?? {}).sort()).toEqual(['ErrorCode', 'ErrorInfo', 'GroupId', 'MemberList', 'NextMsgSeq', 'Type'])
    expect((item?.['MemberList'] as unknown[])[0]).toEqual({ Member_Account: 'owner', Role: 'Owner' })
  })

  test('10004 for a missing, empty, oversized or mistyped GroupIdList', async () => {
    for (const body of [
      {},
      { GroupIdList: [] },
      { GroupIdList: '@TGS#1PUB' },
      { GroupIdList: [1] },
      { GroupIdList: Array.from({ length: 51 }, (_, i) => `g${i}`) },
      { GroupIdList: ['@TGS#1PUB'], ResponseFilter: { GroupBaseInfoFilter: 'Type' } }
    ]) {
      expect((await call('get_group_info', body)).ErrorCode, JSON.stringify(body).slice(0, 60)).toBe(10004)
    }
    expect((await call('get_group_info', { GroupIdList: Array.from({ length: 50 }, (_, i) => `g${i}`) })).ErrorCode).toBe(0)
  })
})

describe('get_appid_group_list', () => {
  test('pages with a large Next cursor; 1 request per second', async () => {
    const appId = APPS[1] ?? 0
    const p1 = await call('get_appid_group_list', { Limit: 4 }, appId)
    expect(p1).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, TotalCount: 7 })
    expect(p1['GroupIdList']).toEqual([{ GroupId: '@TGS#1PUB' }, { GroupId: '@TGS#2WORK' }, { GroupId: '@TGS#3PRIV' }, { GroupId: '@TGS#4AV' }])
    const next = p1['Next'] as number
    expect(next).toBeGreaterThan(2 ** 32)
    expect(Number.isSafeInteger(next)).toBe(true)
    // Immediately again: over the 1/s limit.
    const limited = await call('get_appid_group_list', { Limit: 4, Next: next }, appId)
    expect(limited).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60007 })
    await sleep(1050)
    const p2 = await call('get_appid_group_list', { Limit: 4, Next: next }, appId)
    expect(p2).toMatchObject({ ErrorCode: 0, TotalCount: 7, Next: 0 })
    expect(p2['GroupIdList']).toEqual([{ GroupId: '@TGS#6MEET' }, { GroupId: '@TGS#7PUB' }, { GroupId: 'custom-id' }])
  })

  test('defaults return everything; GroupType filters and counts only that type', async () => {
    const all = await call('get_appid_group_list', {}, APPS[2])
    expect(all).toMatchObject({ TotalCount: 7, Next: 0 })
    expect((all['GroupIdList'] as unknown[]).length).toBe(7)
    const pub = await call('get_appid_group_list', { GroupType: 'Public', Limit: 1 }, APPS[3])
    expect(pub).toMatchObject({ TotalCount: 3, GroupIdList: [{ GroupId: '@TGS#1PUB' }] })
    expect(pub['Next']).toBe(groupListCursorBase + 1)
    const priv = await call('get_appid_group_list', { GroupType: 'Private' }, APPS[4])
    expect(priv).toMatchObject({ TotalCount: 2, GroupIdList: [{ GroupId: '@TGS#2WORK' }, { GroupId: '@TGS#3PRIV' }], Next: 0 })
  })

  test('10004 for a bad Limit, Next or GroupType', async () => {
    // One app per case: each app has its own 1/s bucket.
    const bodies = [
      { Limit: 0 },
      { Limit: 10001 },
      { Limit: '10' },
      { Next: -1 },
      { Next: 12345 },
      { Next: groupListCursorBase },
      { GroupType: 'Work' },
      { GroupType: 'public' }
    ]
    const ids = bodies.map((_, i) => 1400000300 + i)
    const many = new Simulator({ apps: ids.map(app) })
    const { url } = await many.start()
    try {
      const rs = await Promise.all(bodies.map((body, i) => call('get_appid_group_list', body, ids[i], url)))
      rs.forEach((r, i) => expect(r.ErrorCode, JSON.stringify(bodies[i])).toBe(10004))
    } finally {
      await many.stop()
    }
  })
})

describe('rate limiting', () => {
  test('token bucket per SDKAppID and command answers 60007 when empty', async () => {
    const limited = new Simulator({ apps: [app(1400000200), app(1400000201)], rateLimit: 2 })
    const { url } = await limited.start()
    try {
      const body = { GroupIdList: ['@TGS#1PUB'] }
      const burst = await Promise.all(Array.from({ length: 5 }, () => call('get_group_info', body, 1400000200, url)))
      const codes = burst.map((r) => r.ErrorCode).sort()
      expect(codes).toEqual([0, 0, 60007, 60007, 60007])
      const refused = burst.find((r) => r.ErrorCode === 60007)
      expect(refused).toEqual({ ActionStatus: 'FAIL', ErrorCode: 60007, ErrorInfo: 'REST call frequency over the limit' })
      expect(limited.stats.refusedRateLimit).toBe(3)
      expect(limited.stats.byCommand['get_group_info']).toBe(5)
      // Another command and another app have their own buckets.
      expect((await call('group_msg_get_simple', { GroupId: '@TGS#1PUB', ReqMsgNumber: 1 }, 1400000200, url)).ErrorCode).toBe(0)
      expect((await call('get_group_info', body, 1400000201, url)).ErrorCode).toBe(0)
      // Refill is continuous: 2/s gives a token back after 500 ms.
      await sleep(560)
      expect((await call('get_group_info', body, 1400000200, url)).ErrorCode).toBe(0)
      expect((await call('get_group_info', body, 1400000200, url)).ErrorCode).toBe(60007)
    } finally {
      await limited.stop()
    }
  })
})
