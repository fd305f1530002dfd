/**
 * The listener over real HTTP on loopback, fed by the simulator's own callbacks (and by hand-made
 * requests for what the simulator never sends: bad signatures, stale times, bad bodies).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { callbackSign } from '../../../src-main/listen/sign'
import { startListener, type Listener } from '../../../src-main/listen/server'
import { messageVersions } from '../../../src-main/shared/archive-record'
import { Simulator } from '../../../tools/sim/server'
import { demoApp, demoCredentials, demoGroupIds } from '../../../tools/sim/seed'
import { MemoryCallbackSink } from '../../helpers/callback-sink'

const token = 'listen-test-token'
const appId = demoCredentials.sdkAppId
let sim: Simulator
let sink: MemoryCallbackSink
let listener: Listener
let logs: string[]

beforeEach(async () => {
  sim = new Simulator({ apps: [demoApp({ benchMessages: 0 })] })
  await sim.start()
  sink = new MemoryCallbackSink()
  logs = []
  listener = await startListener({ host: '127.0.0.1', port: 0, sdkAppId: appId, token, sink, log: (l) => logs.push(l) })
  sim.callbacks.configure({ url: `${listener.url}im/callback`, token })
})

afterEach(async () => {
  await sim.stop()
  await listener.close()
})

const text = (t: string): { MsgType: string; MsgContent: { Text: string } }[] => [{ MsgType: 'TIMTextElem', MsgContent: { Text: t } }]
const msg = (from: string, t: string): { from: string; time: number; random: number; state: 'normal'; body: ReturnType<typeof text> } => ({
  from,
  time: Math.floor(Date.now() / 1000),
  random: 99,
  state: 'normal',
  body: text(t)
})

/** POSTs a callback by hand: `sign` false sends none, a number signs for that RequestTime. */
async function post(
  command: string,
  body: unknown,
  opts: { sign?: false | number; tokenUsed?: string; app?: number } = {}
): Promise<{ status: number; json: Record<string, unknown> }> {
  const q = new URLSearchParams({
    SdkAppid: String(opts.app ?? appId),
    CallbackCommand: command,
    contenttype: 'json',
    ClientIP: '127.0.0.1',
    OptPlatform: 'RESTAPI'
  })
  if (opts.sign !== false) {
    const t = opts.sign ?? Math.floor(Date.now() / 1000)
    q.set('Sign', callbackSign(opts.tokenUsed ?? token, t))
    q.set('RequestTime', String(t))
  }
  const res = await fetch(`${listener.url}im/callback?${q.toString()}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

const sendBody = (seq: number, t = 'by hand'): Record<string, unknown> => ({
  CallbackCommand: 'Group.CallbackAfterSendMsg',
  GroupId: demoGroupIds.team,
  Type: 'Work',
  From_Account: 'alice',
  Operator_Account: 'alice',
  Random: 1,
  MsgSeq: seq,
  MsgTime: 1_800_000_000,
  OnlineOnlyFlag: 0,
  MsgBody: text(t),
  EventTime: Date.now()
})

describe('tim-archive listen: the HTTP side', () => {
  it("archives the simulator's signed send, edit and recall callbacks, answering OK after the commit", async () => {
    const [seq] = sim.appendMessages(appId, demoGroupIds.team, [msg('alice', 'first words')])
    await sim.callbacks.idle()
    expect(sink.get(demoGroupIds.team, seq!)?.MsgBody).toEqual(text('first words'))
    sim.editMessage(appId, demoGroupIds.team, seq!, { body: text('second words') })
    await sim.callbacks.idle()
    sim.setState(appId, demoGroupIds.team, seq!, 'recalled')
    await sim.callbacks.idle()
    const r = sink.get(demoGroupIds.team, seq!)!
    expect(messageVersions(r).map((v) => v.MsgBody)).toEqual([text('first words'), text('second words')])
    expect(r._archive?.server?.IsPlaceMsg).toBe(2)
    expect(sim.callbacks.stats).toEqual({ sent: 3, ok: 3, failed: 0 })
    expect(listener.stats.archived).toBe(3)
  })

  it('archives an AVChatRoom message (the live group keeps no history to pull)', async () => {
    const [seq] = sim.appendMessages(appId, demoGroupIds.live, [msg('host', 'welcome to the stream')])
    await sim.callbacks.idle()
    expect(sink.get(demoGroupIds.live, seq!)).toMatchObject({ GroupId: demoGroupIds.live, From_Account: 'host', MsgBody: text('welcome to the stream') })
  })

  it('refuses unsigned, badly signed, stale and other-app requests, and writes nothing', async () => {
    const now = Math.floor(Date.now() / 1000)
    const cases = [
      await post('Group.CallbackAfterSendMsg', sendBody(900), { sign: false }),
      await post('Group.CallbackAfterSendMsg', sendBody(901), { tokenUsed: 'not-the-token' }),
      await post('Group.CallbackAfterSendMsg', sendBody(902), { sign: now - 120 }),
      await post('Group.CallbackAfterSendMsg', sendBody(903), { sign: now + 120 }),
      await post('Group.CallbackAfterSendMsg', sendBody(904), { app: 1400000002 })
    ]
    expect(cases.map((c) => c.status)).toEqual([401, 401, 401, 401, 403])
    for (const c of cases) expect(c.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 1 })
    expect(sink.records.size).toBe(0)
    expect(logs.filter((l) => l.startsWith('listen: refused'))).toHaveLength(5)
    expect(logs.join('\n')).not.toContain(token)
  })

  it('a replayed callback (same body, signed again within the minute) adds nothing', async () => {
    const body = JSON.stringify(sendBody(910, 'once'))
    expect((await post('Group.CallbackAfterSendMsg', body)).status).toBe(200)
    const writes = sink.writes
    const again = await post('Group.CallbackAfterSendMsg', body)
    expect(again).toEqual({ status: 200, json: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' } })
    expect(sink.writes).toBe(writes)
    expect(listener.stats.duplicates).toBe(1)
  })

  it('a modify before its send: the edit waits, then the send lands with the edit as the current copy', async () => {
    const modify = {
      MsgBody: text('edited'),
      CallbackCommand: 'Group.CallbackAfterModifyMsg',
      Operator_Account: 'administrator',
      GroupId: demoGroupIds.team,
      TopicId: '',
      MsgSeq: 920,
      EventTime: Date.now() + 5
    }
    expect((await post('Group.CallbackAfterModifyMsg', modify)).status).toBe(200)
    expect(sink.get(demoGroupIds.team, 920)).toBeUndefined()
    expect((await post('Group.CallbackAfterSendMsg', sendBody(920, 'original'))).status).toBe(200)
    const r = sink.get(demoGroupIds.team, 920)!
    expect(r.MsgBody).toEqual(text('edited'))
    expect(messageVersions(r)[0]!.MsgBody).toEqual(text('original'))
  })

  it('refuses a bad body with 400 and the field named, and ignores commands it does not archive', async () => {
    const bad = await post('Group.CallbackAfterSendMsg', { ...sendBody(930), MsgSeq: 'x' })
    expect(bad.status).toBe(400)
    expect(String(bad.json.ErrorInfo)).toContain('MsgSeq must be')
    expect((await post('Group.CallbackAfterSendMsg', '{not json')).status).toBe(400)
    const other = await post('Group.CallbackAfterNewMemberJoin', { CallbackCommand: 'Group.CallbackAfterNewMemberJoin', GroupId: demoGroupIds.team })
    expect(other).toEqual({ status: 200, json: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' } })
    expect(sink.records.size).toBe(0)
  })

  it('when the database is down it answers with an error (nothing acknowledged that is not kept); the simulator shrugs', async () => {
    sink.down = true
    sim.appendMessages(appId, demoGroupIds.team, [msg('alice', 'lost to the listener')])
    await sim.callbacks.idle()
    expect(sim.callbacks.stats).toMatchObject({ sent: 1, ok: 0, failed: 1 })
    expect(sink.records.size).toBe(0)
    expect(logs.some((l) => l.includes('not committed'))).toBe(true)
    const direct = await post('Group.CallbackAfterSendMsg', sendBody(940))
    expect(direct.status).toBe(503)
    expect(direct.json.ActionStatus).toBe('FAIL')
  })

  it('answers with an error when the commit takes longer than the answer budget', async () => {
    await listener.close()
    listener = await startListener({ host: '127.0.0.1', port: 0, sdkAppId: appId, token, sink, answerWithinMs: 50, log: (l) => logs.push(l) })
    sink.delayMs = 300
    const r = await post('Group.CallbackAfterSendMsg', sendBody(950))
    expect(r.status).toBe(503)
    expect(String(r.json.ErrorInfo)).toContain('not committed within 50 ms')
  })
})
