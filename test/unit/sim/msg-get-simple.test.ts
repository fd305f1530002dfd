// group_msg_get_simple semantics (docs/reference/tencent-im-api.md §1, §8) over real HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { genUserSig } from '../../../src-main/tim/usersig'
import { Simulator, type MsgState, type SimApp, type SimGroup, type SimMessage } from '../../../tools/sim/server'
import { demoApp, demoCredentials, demoGroupIds, randomHistory } from '../../../tools/sim/seed'

const KEY = 'test-key-0123456789abcdef'
const APP = 1400000010

interface Msg {
  From_Account: string
  IsPlaceMsg: number
  IsSystemMsg?: number
  MsgBody: unknown
  MsgPriority: number
  MsgRandom: number
  MsgSeq: number
  MsgTimeStamp: number
  CloudCustomData?: string
}
interface Rsp {
  ActionStatus: string
  ErrorCode: number
  ErrorInfo: string
  GroupId?: string
  IsFinished?: number
  RspMsgList?: Msg[]
}

const text = (s: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: s } }]

function group(
  id: string,
  n: number,
  opts: { type?: string; holes?: number[]; states?: Record<number, MsgState>; big?: number; floor?: number } = {}
): SimGroup {
  const messages = new Map<number, SimMessage>()
  for (let seq = 1; seq <= n; seq++) {
    if (opts.holes?.includes(seq)) continue
    messages.set(seq, {
      seq,
      from: seq % 2 ? 'alice' : 'bob',
      time: 1_700_000_000 + seq * 10,
      random: 4_000_000_000 + seq,
      body: text(opts.big ? `#${seq} ` + 'x'.repeat(opts.big) : `message ${seq}`),
      state: opts.states?.[seq] ?? 'normal'
    })
  }
  const g: SimGroup = { GroupId: id, Type: opts.type ?? 'Public', Name: id, nextMsgSeq: n + 1, messages }
  if (opts.floor !== undefined) g.historyFloor = opts.floor
  return g
}

function testApp(sdkAppId: number): SimApp {
  const main = group('@TGS#MAIN', 50, {
    holes: [30, 45],
    states: { 1: 'expired', 2: 'expired', 3: 'expired', 4: 'expired', 5: 'expired', 47: 'recalled', 48: 'deleted' }
  })
  const sys = main.messages.get(10)
  if (sys) Object.assign(sys, { isSystem: true, from: '@TIM#SYSTEM', priority: 1, body: { MsgType: 'TIMGroupTipElem', MsgContent: { OpType: 'Join' } } })
  const ccd = main.messages.get(49)
  if (ccd) ccd.cloudCustomData = '{"mentions":["bob"]}'
  const expiredStates: Record<number, MsgState> = {}
  for (let s = 1; s <= 30; s++) expiredStates[s] = 'expired'
  const groups: SimGroup[] = [
    main,
    group('@TGS#EXPIRED', 40, { states: expiredStates }),
    group('@TGS#BIG', 30, { big: 1000 }),
    group('@TGS#FLOOR', 100, { floor: 61 }),
    group('@TGS#EMPTY', 0),
    group('@TGS#AV', 0, { type: 'AVChatRoom' }),
    group('@TGS#BC', 0, { type: 'BChatRoom' }),
    { ...group('@TGS#GONE', 5), dismissed: true },
    {
      ...group('@TGS#PROPERTY', 0),
      ...randomHistory(7, {
        messages: 700,
        holeRate: 0.08,
        deleteRate: 0.05,
        recallRate: 0.05,
        floor: 40,
        expiredBelow: 90,
        bigMessageRate: 0.1,
        systemRate: 0.05
      })
    }
  ]
  return { sdkAppId, secretKey: KEY, admins: ['administrator'], groups: new Map(groups.map((g) => [g.GroupId, g])) }
}

let sim: Simulator
let base: string
let small: Simulator
let smallBase: string

beforeAll(async () => {
  sim = new Simulator({ apps: [testApp(APP), demoApp({ benchMessages: 100 })] })
  base = (await sim.start()).url
  small = new Simulator({ apps: [testApp(APP)], maxResponseBytes: 3000 })
  smallBase = (await small.start()).url
})
afterAll(async () => {
  await sim.stop()
  await small.stop()
})

async function get(body: Record<string, unknown>, opts: { url?: string; app?: number; key?: string; id?: string } = {}): Promise<Rsp> {
  const sdkAppId = opts.app ?? APP
  const identifier = opts.id ?? 'administrator'
  const usersig = genUserSig({ sdkAppId, secretKey: opts.key ?? KEY, identifier, expire: 3600 })
  const res = await fetch(
    `${opts.url ?? base}/v4/group_open_http_svc/group_msg_get_simple?sdkappid=${sdkAppId}&identifier=${identifier}&usersig=${usersig}&random=12345&contenttype=json`,
    {
      method: 'POST',
      body: JSON.stringify(body)
    }
  )
  expect(res.status).toBe(200)
  return (await res.json()) as Rsp
}
const seqs = (r: Rsp) => (r.RspMsgList ?? []).map((m) => m.MsgSeq)
const range = (hi: number, lo: number) => Array.from({ length: hi - lo + 1 }, (_, i) => hi - i)

describe('paging', () => {
  test('first page: newest first, holes and recalled left out, deleted as IsPlaceMsg 1', async () => {
    const r = await get({ GroupId: '@TGS#MAIN', ReqMsgNumber: 20 })
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', GroupId: '@TGS#MAIN', IsFinished: 1 })
    expect(seqs(r)).toEqual(range(50, 31).filter((s) => s !== 45 && s !== 47))
    const list = r.RspMsgList ?? []
    const deleted = list.find((m) => m.MsgSeq === 48)
    expect(deleted).toMatchObject({ IsPlaceMsg: 1, MsgBody: [] })
    const normal = list.find((m) => m.MsgSeq === 50)
    expect(Object.keys(normal ?? {})).toEqual(['From_Account', 'IsPlaceMsg', 'MsgBody', 'MsgPriority', 'MsgRandom', 'MsgSeq', 'MsgTimeStamp'])
    expect(normal).toEqual({
      From_Account: 'bob',
      IsPlaceMsg: 0,
      MsgBody: text('message 50'),
      MsgPriority: 2,
      MsgRandom: 4_000_000_050,
      MsgSeq: 50,
      MsgTimeStamp: 1_700_000_500
    })
    expect(list.find((m) => m.MsgSeq === 49)?.CloudCustomData).toBe('{"mentions":["bob"]}')
  })

  test('WithRecalledMsg 1 returns recalled messages as IsPlaceMsg 2 with an empty body', async () => {
    const r = await get({ GroupId: '@TGS#MAIN', ReqMsgNumber: 5, WithRecalledMsg: 1 })
    expect(seqs(r)).toEqual([50, 49, 48, 47, 46])
    expect(r.RspMsgList?.find((m) => m.MsgSeq === 47)).toMatchObject({ IsPlaceMsg: 2, MsgBody: [] })
    expect(r.IsFinished).toBe(1)
    const without = await get({ GroupId: '@TGS#MAIN', ReqMsgNumber: 5, WithRecalledMsg: 0 })
    expect(seqs(without)).toEqual([50, 49, 48, 46])
  })

  test('ReqMsgSeq is an inclusive upper bound, clamped to the newest seq', async () => {
    expect(seqs(await get({ GroupId: '@TGS#MAIN', ReqMsgNumber: 3, ReqMsgSeq: 44 }))).toEqual([44, 43, 42])
    expect(seqs(await get({ GroupId: '@TGS#MAIN', ReqMsgNumber: 2, ReqMsgSeq: 4_000_000_000 }))).toEqual([50, 49])
    expect(seqs(await get({ GroupId: '@TGS#MAIN', ReqMsgNumber: 2, ReqMsgSeq: 31 }))).toEqual([31])
    const zero = await get({ GroupId: '@TGS#MAIN', ReqMsgNumber: 20, ReqMsgSeq: 0 })
    expect(zero).toMatchObject({ IsFinished: 1, RspMsgList: [] })
  })

  test('more than 20 requested: only the top 20 seqs of the range, IsFinished 0', async () => {
    const r = await get({ GroupId: '@TGS#MAIN', ReqMsgNumber: 100, ReqMsgSeq: 40 })
    expect(seqs(r)).toEqual(range(40, 21).filter((s) => s !== 30))
    expect(r.IsFinished).toBe(0)
    // A range of 20 or fewer seqs is complete even when more were asked for.
    const tail = await get({ GroupId: '@TGS#MAIN', ReqMsgNumber: 100, ReqMsgSeq: 8 })
    expect(seqs(tail)).toEqual(range(8, 1))
    expect(tail.IsFinished).toBe(1)
  })

  test('expired messages are placeholders; IsFinished 2 when a cut range is entirely expired', async () => {
    const bottom = await get({ GroupId: '@TGS#MAIN', ReqMsgNumber: 20, ReqMsgSeq: 5 })
    expect(bottom.RspMsgList?.every((m) => m.IsPlaceMsg === 1 && Array.isArray(m.MsgBody) && m.MsgBody.length === 0)).toBe(true)
    expect(bottom.IsFinished).toBe(1)
    const cut = await get({ GroupId: '@TGS#EXPIRED', ReqMsgNumber: 25, ReqMsgSeq: 30 })
    expect(seqs(cut)).toEqual(range(30, 11))
    expect(cut.IsFinished).toBe(2)
    const mixed = await get({ GroupId: '@TGS#EXPIRED', ReqMsgNumber: 25, ReqMsgSeq: 35 })
    expect(mixed.IsFinished).toBe(0)
  })

  test('system messages carry IsSystemMsg 1 and may have an object MsgBody', async () => {
    const r = await get({ GroupId: '@TGS#MAIN', ReqMsgNumber: 1, ReqMsgSeq: 10 })
    expect(r.RspMsgList).toEqual([
      {
        From_Account: '@TIM#SYSTEM',
        IsPlaceMsg: 0,
        IsSystemMsg: 1,
        MsgBody: { MsgType: 'TIMGroupTipElem', MsgContent: { OpType: 'Join' } },
        MsgPriority: 1,
        MsgRandom: 4_000_000_010,
        MsgSeq: 10,
        MsgTimeStamp: 1_700_000_100
      }
    ])
  })

  test('history below historyFloor is never returned', async () => {
    const r = await get({ GroupId: '@TGS#FLOOR', ReqMsgNumber: 20, ReqMsgSeq: 70 })
    expect(seqs(r)).toEqual(range(70, 61))
    expect(await get({ GroupId: '@TGS#FLOOR', ReqMsgNumber: 20, ReqMsgSeq: 60 })).toMatchObject({ IsFinished: 1, RspMsgList: [] })
  })

  test('an empty group returns an empty list', async () => {
    expect(await get({ GroupId: '@TGS#EMPTY', ReqMsgNumber: 20 })).toMatchObject({ ActionStatus: 'OK', IsFinished: 1, RspMsgList: [] })
  })

  test('the documented client loop gets every stored seq exactly once', async () => {
    const got: number[] = []
    let cursor: number | undefined
    for (let i = 0; i < 10; i++) {
      const r = await get({ GroupId: '@TGS#MAIN', ReqMsgNumber: 20, WithRecalledMsg: 1, ...(cursor === undefined ? {} : { ReqMsgSeq: cursor }) })
      const s = seqs(r)
      if (s.length === 0) break
      got.push(...s)
      cursor = Math.min(...s) - 1
      if (cursor < 1) break
    }
    expect(got).toEqual(range(50, 1).filter((s) => s !== 30 && s !== 45))
  })

  test('appendMessages and setState show up at once', async () => {
    const seqsAdded = sim.appendMessages(APP, '@TGS#EMPTY', [
      { from: 'carol', time: 1_700_000_001, random: 1, body: text('hello'), state: 'normal' },
      { from: 'dave', time: 1_700_000_002, random: 2, body: text('world'), state: 'normal', cloudCustomData: 'x' }
    ])
    expect(seqsAdded).toEqual([1, 2])
    sim.setState(APP, '@TGS#EMPTY', 1, 'recalled')
    const r = await get({ GroupId: '@TGS#EMPTY', ReqMsgNumber: 20, WithRecalledMsg: 1 })
    expect(r.RspMsgList?.map((m) => [m.MsgSeq, m.IsPlaceMsg])).toEqual([
      [2, 0],
      [1, 2]
    ])
    expect(() => sim.setState(APP, '@TGS#EMPTY', 3, 'deleted')).toThrow()
    expect(() => sim.group(APP, '@TGS#NOPE')).toThrow()
  })
})

describe('response size budget', () => {
  test('cuts the page by size with IsFinished 0; paging on from the lowest seq continues', async () => {
    const first = await get({ GroupId: '@TGS#BIG', ReqMsgNumber: 20 }, { url: smallBase })
    const n = first.RspMsgList?.length ?? 0
    expect(n).toBeGreaterThanOrEqual(1)
    expect(n).toBeLessThan(20)
    expect(JSON.stringify(first.RspMsgList).length).toBeLessThanOrEqual(3000)
    expect(first.IsFinished).toBe(0)
    expect(seqs(first)).toEqual(range(30, 30 - n + 1))
    const next = await get({ GroupId: '@TGS#BIG', ReqMsgNumber: 20, ReqMsgSeq: 30 - n }, { url: smallBase })
    expect(seqs(next)[0]).toBe(30 - n)
  })

  test('always returns at least one message, even one over the budget', async () => {
    const tiny = new Simulator({ apps: [testApp(APP)], maxResponseBytes: 10 })
    const { url } = await tiny.start()
    try {
      const r = await get({ GroupId: '@TGS#BIG', ReqMsgNumber: 20 }, { url })
      expect(seqs(r)).toEqual([30])
      expect(r.IsFinished).toBe(0)
      const exp = await get({ GroupId: '@TGS#EXPIRED', ReqMsgNumber: 5, ReqMsgSeq: 20 }, { url })
      expect(seqs(exp)).toEqual([20])
      expect(exp.IsFinished).toBe(2)
    } finally {
      await tiny.stop()
    }
  })

  test('property: random histories page back completely under a small budget', async () => {
    const g = small.group(APP, '@TGS#PROPERTY')
    const expected = [...g.messages.keys()].filter((s) => s >= (g.historyFloor ?? 1)).sort((a, b) => b - a)
    const got: number[] = []
    let cursor: number | undefined
    let pages = 0
    let cutPages = 0
    for (;;) {
      const r = await get(
        { GroupId: '@TGS#PROPERTY', ReqMsgNumber: 20, WithRecalledMsg: 1, ...(cursor === undefined ? {} : { ReqMsgSeq: cursor }) },
        { url: smallBase }
      )
      pages++
      const s = seqs(r)
      expect([...s].sort((a, b) => b - a)).toEqual(s)
      if (r.IsFinished !== 1) cutPages++
      if (s.length === 0) {
        cursor = (cursor ?? g.nextMsgSeq) - 20
        if (cursor < 1) break
        continue
      }
      got.push(...s)
      cursor = Math.min(...s) - 1
      if (cursor < 1) break
    }
    expect(got).toEqual(expected)
    expect(cutPages).toBeGreaterThan(0)
    expect(pages).toBeGreaterThan(700 / 20)
  })
})

describe('errors', () => {
  test('10004 for missing or mistyped parameters', async () => {
    for (const body of [
      { ReqMsgNumber: 20 },
      { GroupId: 123, ReqMsgNumber: 20 },
      { GroupId: '@TGS#MAIN' },
      { GroupId: '@TGS#MAIN', ReqMsgNumber: 0 },
      { GroupId: '@TGS#MAIN', ReqMsgNumber: -1 },
      { GroupId: '@TGS#MAIN', ReqMsgNumber: 2.5 },
      { GroupId: '@TGS#MAIN', ReqMsgNumber: '20' },
      { GroupId: '@TGS#MAIN', ReqMsgNumber: 20, ReqMsgSeq: -1 },
      { GroupId: '@TGS#MAIN', ReqMsgNumber: 20, ReqMsgSeq: '40' },
      { GroupId: '@TGS#MAIN', ReqMsgNumber: 20, ReqMsgSeq: null },
      { GroupId: '@TGS#MAIN', ReqMsgNumber: 20, WithRecalledMsg: true },
      { GroupId: '@TGS#MAIN', ReqMsgNumber: 20, TopicId: '@TGS#_topic' }
    ]) {
      expect(await get(body), JSON.stringify(body)).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10004 })
    }
  })

  test('malformed group IDs 10015, unknown or dismissed 10010', async () => {
    expect((await get({ GroupId: '', ReqMsgNumber: 20 })).ErrorCode).toBe(10015)
    expect((await get({ GroupId: 'x'.repeat(49), ReqMsgNumber: 20 })).ErrorCode).toBe(10015)
    expect((await get({ GroupId: '@TGS#\u4e2d', ReqMsgNumber: 20 })).ErrorCode).toBe(10015)
    expect((await get({ GroupId: 'x'.repeat(48), ReqMsgNumber: 20 })).ErrorCode).toBe(10010)
    expect((await get({ GroupId: '@TGS#NOPE', ReqMsgNumber: 20 })).ErrorCode).toBe(10010)
    expect(await get({ GroupId: '@TGS#GONE', ReqMsgNumber: 20 })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10010 })
  })

  test('AVChatRoom and BChatRoom: 10007, no roaming messages', async () => {
    const av = await get({ GroupId: '@TGS#AV', ReqMsgNumber: 20 })
    expect(av).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10007 })
    expect(av.ErrorInfo).toMatch(/roaming/)
    expect(Object.keys(av)).toEqual(['ActionStatus', 'ErrorCode', 'ErrorInfo'])
    expect((await get({ GroupId: '@TGS#BC', ReqMsgNumber: 20 })).ErrorCode).toBe(10007)
  })
})

describe('demo app', () => {
  const demo = { app: demoCredentials.sdkAppId, key: demoCredentials.secretKey }
  test('the big-seq group starts with the API page sample', async () => {
    const r = await get({ GroupId: demoGroupIds.bigSeq, ReqMsgNumber: 2 }, demo)
    expect(r.RspMsgList).toEqual([
      {
        From_Account: '144115197276518801',
        IsPlaceMsg: 0,
        MsgBody: [
          { MsgType: 'TIMCustomElem', MsgContent: { Data: '\b\u0001\u0010\u0006\u001A\u0006MaoTong', Desc: 'MIF', Ext: '' } },
          { MsgType: 'TIMFaceElem', MsgContent: { Index: 15, Data: '' } }
        ],
        MsgPriority: 1,
        MsgRandom: 51083293,
        MsgSeq: 7803321,
        MsgTimeStamp: 1458721802
      },
      {
        From_Account: '144115198339527735',
        IsPlaceMsg: 0,
        MsgBody: [
          { MsgType: 'TIMCustomElem', MsgContent: { Data: '\b\u0001\u0010\u0006\u001A\u000FWatermelon Girl.', Desc: 'MIF', Ext: '' } },
          { MsgType: 'TIMTextElem', MsgContent: { Text: 'Escalate' } }
        ],
        MsgPriority: 1,
        MsgRandom: 235168582,
        MsgSeq: 7803320,
        MsgTimeStamp: 1458721797
      }
    ])
    const oldest = await get({ GroupId: demoGroupIds.bigSeq, ReqMsgNumber: 20, ReqMsgSeq: 7800010 }, demo)
    expect(seqs(oldest)).toEqual(range(7800010, 7800001))
    expect(oldest.RspMsgList?.every((m) => m.IsPlaceMsg === 1)).toBe(true)
  })

  test('the team chat pages back to seq 1 and contains every element type', async () => {
    const types = new Set<string>()
    let cursor: number | undefined
    let count = 0
    for (;;) {
      const r = await get({ GroupId: demoGroupIds.team, ReqMsgNumber: 20, WithRecalledMsg: 1, ...(cursor === undefined ? {} : { ReqMsgSeq: cursor }) }, demo)
      const list = r.RspMsgList ?? []
      expect(list.length).toBeGreaterThan(0)
      for (const m of list) {
        if (Array.isArray(m.MsgBody)) for (const e of m.MsgBody as { MsgType: string }[]) types.add(e.MsgType)
      }
      count += list.length
      cursor = Math.min(...seqs(r)) - 1
      if (cursor < 1) break
    }
    expect(count).toBeGreaterThan(580)
    expect([...types].sort()).toEqual([
      'TIMCustomElem',
      'TIMFaceElem',
      'TIMFileElem',
      'TIMImageElem',
      'TIMLocationElem',
      'TIMRelayElem',
      'TIMSoundElem',
      'TIMTextElem',
      'TIMVideoFileElem'
    ])
  })
})
