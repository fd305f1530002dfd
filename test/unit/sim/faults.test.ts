// Injected faults, latency and shutdown, over real HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { genUserSig } from '../../../src-main/tim/usersig'
import { Simulator, type SimApp, type SimMessage } from '../../../tools/sim/server'

const KEY = 'faults-test-key'
const APP = 1400000400

function app(): SimApp {
  const messages = new Map<number, SimMessage>()
  for (let seq = 1; seq <= 30; seq++) {
    messages.set(seq, {
      seq,
      from: 'alice',
      time: 1_700_000_000 + seq,
      random: seq,
      body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `m${seq}` } }],
      state: 'normal'
    })
  }
  return {
    sdkAppId: APP,
    secretKey: KEY,
    admins: ['administrator'],
    groups: new Map([['@TGS#F', { GroupId: '@TGS#F', Type: 'Public', Name: 'F', nextMsgSeq: 31, messages }]])
  }
}

let sim: Simulator
let base: string
beforeAll(async () => {
  sim = new Simulator({ apps: [app()] })
  base = (await sim.start()).url
})
afterAll(() => sim.stop())

function request(url = base, body: unknown = { GroupId: '@TGS#F', ReqMsgNumber: 20 }): Promise<Response> {
  const usersig = genUserSig({ sdkAppId: APP, secretKey: KEY, identifier: 'administrator', expire: 3600 })
  return fetch(`${url}/v4/group_open_http_svc/group_msg_get_simple?sdkappid=${APP}&identifier=administrator&usersig=${usersig}&random=7&contenttype=json`, {
    method: 'POST',
    body: JSON.stringify(body)
  })
}

describe('fault kinds', () => {
  test('err10002: HTTP 200 with ErrorCode 10002', async () => {
    sim.setFaults({ rate: 1, kinds: ['err10002'] })
    const res = await request()
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ActionStatus: 'FAIL', ErrorCode: 10002, ErrorInfo: 'internal server error' })
  })

  test('html502: HTTP 502 with an HTML body', async () => {
    sim.setFaults({ rate: 1, kinds: ['html502'] })
    const res = await request()
    expect(res.status).toBe(502)
    expect(res.headers.get('content-type')).toMatch(/text\/html/)
    expect(await res.text()).toBe('<html><body><h1>502 Bad Gateway</h1></body></html>')
  })

  test('reset: the connection is dropped without an answer, fetch rejects', async () => {
    sim.setFaults({ rate: 1, kinds: ['reset'] })
    await expect(request()).rejects.toThrow()
  })

  test('truncated: HTTP 200 with half a JSON document', async () => {
    sim.setFaults({ rate: 1, kinds: ['truncated'] })
    const res = await request()
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text.startsWith('{"ActionStatus":"OK"')).toBe(true)
    expect(() => JSON.parse(text)).toThrow()
  })

  test('stall: no answer, then the socket is destroyed after stallMs', async () => {
    sim.setFaults({ rate: 1, kinds: ['stall'], stallMs: 300 })
    const t0 = performance.now()
    await expect(request()).rejects.toThrow()
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250)
  })

  test('faults count in stats, change no state, and stop when cleared', async () => {
    sim.setFaults(undefined)
    sim.resetStats()
    const before = JSON.stringify([...sim.group(APP, '@TGS#F').messages])
    sim.setFaults({ rate: 1, kinds: ['err10002', 'html502', 'truncated'] })
    for (let i = 0; i < 6; i++) await (await request()).text()
    expect(sim.stats.faultsInjected).toBe(6)
    expect(sim.stats.requests).toBe(6)
    expect(sim.stats.byCommand['group_msg_get_simple']).toBe(6)
    expect(JSON.stringify([...sim.group(APP, '@TGS#F').messages])).toBe(before)
    sim.setFaults({ rate: 0, kinds: [] })
    const res = await request()
    expect(((await res.json()) as { ErrorCode: number }).ErrorCode).toBe(0)
    expect(sim.stats.faultsInjected).toBe(6)
  })

  test('a partial rate injects faults into about that share of requests', async () => {
    sim.setFaults({ rate: 0.5, kinds: ['err10002'] })
    sim.resetStats()
    let faulted = 0
    for (let i = 0; i < 40; i++) if (((await (await request()).json()) as { ErrorCode: number }).ErrorCode === 10002) faulted++
    expect(faulted).toBe(sim.stats.faultsInjected)
    expect(faulted).toBeGreaterThan(8)
    expect(faulted).toBeLessThan(32)
    sim.setFaults(undefined)
  })

  test('invalid fault settings are refused', () => {
    expect(() => sim.setFaults({ rate: 2, kinds: ['reset'] })).toThrow()
    expect(() => sim.setFaults({ rate: 0.5, kinds: [] })).toThrow()
    expect(() => sim.setFaults({ rate: 0.5, kinds: ['nope' as 'reset'] })).toThrow()
  })
})

describe('latency and shutdown', () => {
  test('latency is added before each answer', async () => {
    sim.setLatency(150)
    const t0 = performance.now()
    const res = await request()
    expect(res.status).toBe(200)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140)
    sim.setLatency(0)
  })

  test('stop() destroys stalled connections at once', async () => {
    const s = new Simulator({ apps: [app()], faults: { rate: 1, kinds: ['stall'] } })
    const { url } = await s.start()
    const pending = request(url)
    const settled = pending.then(
      () => 'answered',
      () => 'rejected'
    )
    await new Promise((r) => setTimeout(r, 100))
    const t0 = performance.now()
    await s.stop()
    expect(await settled).toBe('rejected')
    expect(performance.now() - t0).toBeLessThan(1000)
  })
})
