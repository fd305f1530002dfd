import { createServer, type Server } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { callbackSign } from '../../../src-main/listen/sign'
import { Simulator } from '../../../tools/sim/server'
import { checkTarget } from '../../../tools/sim/callbacks'
import { demoApp, demoCredentials, demoGroupIds } from '../../../tools/sim/seed'

interface Got {
  url: URL
  body: Record<string, unknown>
}

let receiver: Server | undefined
let sim: Simulator | undefined

afterEach(async () => {
  await sim?.stop()
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()))
  sim = receiver = undefined
})

async function listen(status: number, answer: string): Promise<{ url: string; got: Got[] }> {
  const got: Got[] = []
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      got.push({ url: new URL(req.url ?? '/', 'http://x'), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> })
      res.writeHead(status, { 'Content-Type': 'application/json' })
      res.end(answer)
    })
  })
  await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', () => r()))
  const a = receiver.address()
  return { url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/cb?x=1`, got }
}

const ok = JSON.stringify({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
const text = (t: string): { MsgType: string; MsgContent: { Text: string } }[] => [{ MsgType: 'TIMTextElem', MsgContent: { Text: t } }]

describe("the simulator's callbacks", () => {
  it('POSTs a signed Group.CallbackAfterSendMsg with the documented query and body', async () => {
    const r = await listen(200, ok)
    sim = new Simulator({ apps: [demoApp({ benchMessages: 0 })], now: () => 1_800_000_000.5 })
    sim.callbacks.configure({ url: r.url, token: 'tok' })
    const [seq] = sim.appendMessages(demoCredentials.sdkAppId, demoGroupIds.live, [
      { from: 'host', time: 1_800_000_000, random: 42, state: 'normal', body: text('hi') }
    ])
    await sim.callbacks.idle()
    expect(r.got).toHaveLength(1)
    const { url, body } = r.got[0]!
    expect(url.searchParams.get('x')).toBe('1')
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      SdkAppid: String(demoCredentials.sdkAppId),
      CallbackCommand: 'Group.CallbackAfterSendMsg',
      contenttype: 'json',
      ClientIP: '127.0.0.1',
      OptPlatform: 'RESTAPI',
      RequestTime: '1800000000',
      Sign: callbackSign('tok', '1800000000')
    })
    expect(body).toEqual({
      CallbackCommand: 'Group.CallbackAfterSendMsg',
      GroupId: demoGroupIds.live,
      Type: 'AVChatRoom',
      From_Account: 'host',
      Operator_Account: 'host',
      Random: 42,
      MsgSeq: seq,
      MsgTime: 1_800_000_000,
      OnlineOnlyFlag: 0,
      MsgBody: text('hi'),
      EventTime: 1_800_000_000_500
    })
    expect(sim.callbacks.stats).toEqual({ sent: 1, ok: 1, failed: 0 })
  })

  it('sends modify_group_msg edits and recalls as their callbacks', async () => {
    const r = await listen(200, ok)
    sim = new Simulator({ apps: [demoApp({ benchMessages: 0 })] })
    sim.callbacks.configure({ url: r.url, token: 'tok' })
    const app = demoCredentials.sdkAppId
    sim.editMessage(app, demoGroupIds.team, 3, { body: text('changed') }, 'administrator')
    sim.control('recall', { groupId: demoGroupIds.team, seqs: [4] })
    await sim.callbacks.idle()
    expect(r.got.map((g) => g.url.searchParams.get('CallbackCommand'))).toEqual(['Group.CallbackAfterModifyMsg', 'Group.CallbackAfterRecallMsg'])
    expect(r.got[0]!.body).toMatchObject({ GroupId: demoGroupIds.team, TopicId: '', MsgSeq: 3, MsgBody: text('changed'), Operator_Account: 'administrator' })
    expect(r.got[0]!.body).not.toHaveProperty('CloudCustomData')
    expect(r.got[1]!.body).toMatchObject({ GroupId: demoGroupIds.team, MsgSeqList: [{ MsgSeq: 4 }] })
  })

  it('tolerates a failing receiver and sends nothing again', async () => {
    const r = await listen(500, '{"ActionStatus":"FAIL","ErrorCode":1,"ErrorInfo":"down"}')
    sim = new Simulator({ apps: [demoApp({ benchMessages: 0 })] })
    sim.callbacks.configure({ url: r.url, token: 'tok' })
    sim.appendMessages(demoCredentials.sdkAppId, demoGroupIds.team, [{ from: 'alice', time: 1, random: 1, state: 'normal', body: text('x') }])
    await sim.callbacks.idle()
    await new Promise((res) => setTimeout(res, 100))
    expect(r.got).toHaveLength(1)
    expect(sim.callbacks.stats).toEqual({ sent: 1, ok: 0, failed: 1 })
  })

  it('only calls loopback http URLs', () => {
    expect(() => checkTarget({ url: 'http://10.0.0.1/cb', token: 't' })).toThrow(/loopback/)
    expect(() => checkTarget({ url: 'https://127.0.0.1/cb', token: 't' })).toThrow(/http:/)
    expect(() => checkTarget({ url: 'http://127.0.0.1/cb', token: '' })).toThrow(/token/)
    expect(checkTarget({ url: 'http://[::1]:9/cb', token: 't' }).url).toBe('http://[::1]:9/cb')
  })
})
