import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { TimClient } from '../../src-main/tim/client'
import { TimApiError } from '../../src-main/tim/errors'
import { decodeUserSig } from '../../src-main/tim/usersig'
import { regions, resolveEndpoint } from '../../src-main/shared/regions'
import { randomHistory } from '../../tools/sim/seed'
import type { Simulator } from '../../tools/sim/server'
import { appWith, credsFor, freshAppId, group, startSim } from '../helpers/sim'

const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  while (stops.length) await stops.pop()!()
})

async function sim(opts: Parameters<typeof startSim>[0] & { groups?: Parameters<typeof appWith>[1] } = {}) {
  const appId = freshAppId()
  const groups = opts.groups ?? [group('g1', randomHistory(1, { messages: 100 }))]
  const s = await startSim({ ...opts, apps: [appWith(appId, groups)] })
  stops.push(() => s.sim.stop())
  return { ...s, appId }
}

async function codeOf(p: Promise<unknown>): Promise<TimApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err
  )
  expect(e).toBeInstanceOf(TimApiError)
  return e as TimApiError
}

describe('regional hosts', () => {
  it('maps every documented region to its https host, and takes a custom endpoint', () => {
    expect(regions.map((r) => r.host)).toEqual([
      'console.tim.qq.com',
      'adminapisgp.im.qcloud.com',
      'adminapikr.im.qcloud.com',
      'adminapijpn.im.qcloud.com',
      'adminapiger.im.qcloud.com',
      'adminapiind.im.qcloud.com',
      'adminapiusa.im.qcloud.com',
      'adminapiidn.im.qcloud.com'
    ])
    for (const r of regions) expect(resolveEndpoint({ region: r.id })).toBe(`https://${r.host}`)
    expect(resolveEndpoint({ endpoint: 'http://127.0.0.1:5080/' })).toBe('http://127.0.0.1:5080')
    expect(() => resolveEndpoint({ region: 'mars' })).toThrow(/Unknown region/)
    expect(() => resolveEndpoint({ endpoint: 'ftp://x' })).toThrow(/http/)
  })
})

describe('the query string', () => {
  it('carries sdkappid, identifier, a valid UserSig, a fresh uint32 random and contenttype=json on every attempt', async () => {
    const seen: URL[] = []
    let n = 0
    const server = createServer((req: IncomingMessage, res) => {
      seen.push(new URL(req.url!, 'http://x'))
      req.resume()
      req.on('end', () => {
        res.setHeader('content-type', 'application/json')
        // First attempt: a transient error, so the retry's query can be checked too.
        res.end(
          JSON.stringify(
            n++ === 0
              ? { ActionStatus: 'FAIL', ErrorCode: 10002, ErrorInfo: 'busy' }
              : { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', GroupId: 'g', IsFinished: 1, RspMsgList: [] }
          )
        )
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    stops.push(() => new Promise((r) => server.close(() => r())))
    const appId = freshAppId()
    const client = new TimClient(credsFor(appId, `http://127.0.0.1:${(server.address() as AddressInfo).port}`), { backoffMs: 1 })
    await client.groupMsgGetSimple({ GroupId: 'g', ReqMsgNumber: 20 })
    await client.groupMsgGetSimple({ GroupId: 'g', ReqMsgNumber: 20 })
    expect(seen).toHaveLength(3)
    for (const u of seen) {
      expect(u.pathname).toBe('/v4/group_open_http_svc/group_msg_get_simple')
      expect(u.searchParams.get('sdkappid')).toBe(String(appId))
      expect(u.searchParams.get('identifier')).toBe('administrator')
      expect(u.searchParams.get('contenttype')).toBe('json')
      const random = Number(u.searchParams.get('random'))
      expect(Number.isInteger(random) && random >= 0 && random <= 4294967295).toBe(true)
      expect(decodeUserSig(u.searchParams.get('usersig')!)).toMatchObject({ identifier: 'administrator', sdkAppId: appId })
    }
    expect(new Set(seen.map((u) => u.searchParams.get('random'))).size).toBe(3)
  })
})

describe('the total timeout', () => {
  /** A loopback server with this request handler, closed after the test; its URL. */
  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const s = createServer(handler)
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
    stops.push(
      () =>
        new Promise((r) => {
          s.closeAllConnections()
          s.close(() => r())
        })
    )
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`
  }

  /** A loopback server that answers with `answer`, or never when it is undefined; counts requests. */
  async function server(answer?: object) {
    const seen = { requests: 0 }
    const url = await listen((req: IncomingMessage, res) => {
      seen.requests++
      req.resume()
      if (!answer) return
      req.on('end', () => {
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify(answer))
      })
    })
    return { url, seen }
  }

  it('ends a call to a server that never answers with TIMEOUT, however long the per-attempt timeout', async () => {
    const { url, seen } = await server()
    const client = new TimClient(credsFor(freshAppId(), url), { timeoutMs: 600_000, retries: 8, totalTimeoutMs: 500 })
    const err = await codeOf(client.groupMsgGetSimple({ GroupId: 'g', ReqMsgNumber: 20 }))
    expect(err.code).toBe('TIMEOUT')
    expect(err.message).toMatch(/timed out waiting for the server/)
    // The first attempt was still waiting when the whole call's time ran out: no retry was made.
    expect(seen.requests).toBe(1)
    expect(client.stats.retries).toBe(0)
  })

  it('ends a call whose answer stalls after the headers with TIMEOUT (it used to wait forever)', async () => {
    let requests = 0
    const url = await listen((req: IncomingMessage, res) => {
      requests++
      req.resume()
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"ActionStatus":')
    })
    // No totalTimeoutMs: the default (the retry budget) applies.
    const client = new TimClient(credsFor(freshAppId(), url), {
      timeoutMs: 300,
      retries: 2,
      backoffMs: 1,
      backoffLimitMs: 1
    })
    const err = await codeOf(client.groupMsgGetSimple({ GroupId: 'g', ReqMsgNumber: 20 }))
    expect(err.code).toBe('TIMEOUT')
    expect(requests).toBeGreaterThanOrEqual(1)
  })

  it('bounds the retries of a server that keeps failing fast, before the retry limit is reached', async () => {
    const { url, seen } = await server({ ActionStatus: 'FAIL', ErrorCode: 10002, ErrorInfo: 'busy' })
    // At most 200 requests/s (the limiter): the 1,000 retries would take 5 s, the total timeout is 0.5 s.
    const client = new TimClient(credsFor(freshAppId(), url), { backoffMs: 1, backoffLimitMs: 1, retries: 1_000, totalTimeoutMs: 500 })
    const err = await codeOf(client.groupMsgGetSimple({ GroupId: 'g', ReqMsgNumber: 20 }))
    expect(err.code).toBe('TIMEOUT')
    expect(seen.requests).toBeLessThan(1_001)
    // Every request after the first is a retry. The last one may be cut off by the timeout on its
    // way out, so the server can have seen one fewer than the client sent, never more.
    expect(client.stats.retries).toBe(client.stats.requests - 1)
    expect(seen.requests).toBeLessThanOrEqual(client.stats.requests)
    expect(seen.requests).toBeGreaterThanOrEqual(client.stats.requests - 1)
  })
})

describe('the REST client against the simulator', () => {
  it('pulls the newest messages first, at most 20, with every documented field', async () => {
    const { url, appId } = await sim()
    const client = new TimClient(credsFor(appId, url))
    const res = await client.groupMsgGetSimple({ GroupId: 'g1', ReqMsgNumber: 20, WithRecalledMsg: 1 })
    expect(res.ActionStatus).toBe('OK')
    expect(res.GroupId).toBe('g1')
    expect(res.RspMsgList.length).toBeLessThanOrEqual(20)
    const seqs = res.RspMsgList.map((m) => m.MsgSeq)
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a))
    expect(seqs[0]).toBe(100)
    for (const m of res.RspMsgList) {
      for (const f of ['From_Account', 'IsPlaceMsg', 'MsgBody', 'MsgRandom', 'MsgSeq', 'MsgTimeStamp']) expect(m).toHaveProperty(f)
    }
  })

  it('keeps an object-shaped MsgBody of system messages and unknown fields verbatim', async () => {
    const h = randomHistory(3, { messages: 40, systemRate: 1 })
    const { url, appId } = await sim({ groups: [group('sys', h)] })
    const res = await new TimClient(credsFor(appId, url)).groupMsgGetSimple({ GroupId: 'sys', ReqMsgNumber: 20 })
    const objectBodies = res.RspMsgList.filter((m) => !Array.isArray(m.MsgBody))
    expect(objectBodies.length).toBeGreaterThan(0)
    expect(res.RspMsgList.every((m) => m.IsSystemMsg === 1)).toBe(true)
  })

  it('lists every group across pages and reads profiles with NextMsgSeq', async () => {
    const groups = Array.from({ length: 3 }, (_, i) => group(`g${i}`, randomHistory(i, { messages: 10 })))
    const { url, appId } = await sim({ groups })
    const client = new TimClient(credsFor(appId, url))
    expect((await client.listAllGroupIds()).sort()).toEqual(['g0', 'g1', 'g2'])
    const infos = await client.getGroupInfos(['g0', 'nope'])
    expect(infos.find((i) => i.GroupId === 'g0')).toMatchObject({ ErrorCode: 0, NextMsgSeq: 11 })
    expect(infos.find((i) => i.GroupId === 'nope')?.ErrorCode).toBe(10010)
  })

  it('reads profiles 50 per request, several at once, in the order asked, with a response filter', async () => {
    const groups = Array.from({ length: 3 }, (_, i) => group(`g${i}`, randomHistory(i, { messages: 5 })))
    const { url, appId } = await sim({ groups })
    const ids = Array.from({ length: 120 }, (_, i) => (i % 40 === 0 ? `g${i / 40}` : `x${i}`))
    const client = new TimClient(credsFor(appId, url))
    const infos = await client.getGroupInfos(ids, undefined, { concurrency: 4, responseFilter: { GroupBaseInfoFilter: ['Type', 'NextMsgSeq'] } })
    expect(infos.map((i) => i.GroupId)).toEqual(ids)
    expect(infos.find((i) => i.GroupId === 'g1')).toMatchObject({ ErrorCode: 0, NextMsgSeq: 6 })
  })

  it.each([
    ['a wrong secret key', { secretKey: 'f'.repeat(64) }, 'g1', 70009, /secret key is wrong/],
    ['an identifier that is not an app admin', { identifier: 'alice', secretKey: undefined }, 'g1', 60010, /not an app admin/],
    ['an AVChatRoom', {}, 'live', 10007, /AVChatRoom/],
    ['a dismissed group', {}, 'gone', 10010, /dismissed/],
    ['a group that does not exist', {}, 'nope', 10010, /does not exist/]
  ])('fails permanently on %s, naming the code and its cause', async (_name, extra, groupId, code, meaning) => {
    const { url, appId } = await sim({
      groups: [
        group('g1', randomHistory(1, { messages: 5 })),
        group('live', { messages: new Map(), nextMsgSeq: 1 }, 'AVChatRoom'),
        group('gone', { messages: new Map(), nextMsgSeq: 5, dismissed: true })
      ]
    })
    const creds = credsFor(appId, url, extra as object)
    if ((extra as { identifier?: string }).identifier === 'alice') {
      // A correctly signed UserSig for a non-admin account.
      const { genUserSig } = await import('../../src-main/tim/usersig')
      creds.userSig = genUserSig({ sdkAppId: appId, secretKey: credsFor(appId, url).secretKey!, identifier: 'alice', expire: 600 })
    }
    const client = new TimClient(creds, { backoffMs: 1 })
    const err = await codeOf(client.groupMsgGetSimple({ GroupId: groupId, ReqMsgNumber: 20 }))
    expect(err.code).toBe(code)
    expect(err.message).toContain(String(code))
    expect(err.message).toMatch(meaning)
    expect(err.transient).toBe(false)
    expect(client.stats.retries).toBe(0)
  })

  it('signs again once after 70001 (expired UserSig), then succeeds', async () => {
    let calls = 0
    // The server's clock jumps ahead for the first verification only: the cached sig looks expired.
    const { url, appId } = await sim({ now: () => Math.floor(Date.now() / 1000) + (calls++ === 0 ? 10 * 365 * 86400 : 0) })
    const client = new TimClient(credsFor(appId, url), { backoffMs: 1 })
    const res = await client.groupMsgGetSimple({ GroupId: 'g1', ReqMsgNumber: 5 })
    expect(res.RspMsgList.length).toBeGreaterThan(0)
    expect(client.stats.retries).toBe(1)
  })

  it('reports 70001 when a fixed UserSig has expired and cannot be renewed', async () => {
    const { url, appId } = await sim()
    const { genUserSig } = await import('../../src-main/tim/usersig')
    const old = genUserSig({ sdkAppId: appId, secretKey: credsFor(appId, url).secretKey!, identifier: 'administrator', expire: 10, time: 1_600_000_000 })
    const client = new TimClient(credsFor(appId, url, { secretKey: undefined, userSig: old }), { backoffMs: 1 })
    const err = await codeOf(client.groupMsgGetSimple({ GroupId: 'g1', ReqMsgNumber: 5 }))
    expect(err.code).toBe(70001)
  })

  describe.each([
    ['10002 internal error', 'err10002', 10002],
    ['an HTML 502 page', 'html502', 'HTTP'],
    ['connection resets', 'reset', 'NETWORK'],
    ['truncated JSON', 'truncated', 'BAD_BODY'],
    ['stalled responses', 'stall', 'TIMEOUT']
  ] as const)('on %s', (_name, kind, finalCode) => {
    it('retries with backoff until the call succeeds', async () => {
      const { url, appId, sim: s } = await sim({ faults: { rate: 0.5, kinds: [kind], stallMs: 3000 } })
      const client = new TimClient(credsFor(appId, url), { backoffMs: 1, backoffLimitMs: 20, timeoutMs: 300, retries: 30 })
      for (let i = 0; i < 8; i++) {
        const res = await client.groupMsgGetSimple({ GroupId: 'g1', ReqMsgSeq: 100 - i * 10, ReqMsgNumber: 10 })
        expect(res.RspMsgList.map((m) => m.MsgSeq)[0]).toBeLessThanOrEqual(100 - i * 10)
      }
      expect(s.stats.faultsInjected).toBeGreaterThan(0)
      expect(client.stats.retries).toBe(s.stats.faultsInjected)
    })

    it('gives up after its retries with an error naming the cause', async () => {
      const { url, appId } = await sim({ faults: { rate: 1, kinds: [kind], stallMs: 3000 } })
      const client = new TimClient(credsFor(appId, url), { backoffMs: 1, backoffLimitMs: 5, timeoutMs: 200, retries: 2 })
      const err = await codeOf(client.groupMsgGetSimple({ GroupId: 'g1', ReqMsgNumber: 5 }))
      expect(err.code).toBe(finalCode)
      expect(err.exhausted).toBe(true)
      expect(err.transient).toBe(true)
      expect(client.stats.requests).toBe(3)
    })
  })

  it('names a refused connection and its address once retries are used up (no server on that port)', async () => {
    // A loopback port that was just free: nothing listens there, nothing leaves the machine.
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((r) => probe.close(() => r()))
    const client = new TimClient(credsFor(freshAppId(), `http://127.0.0.1:${port}`), { backoffMs: 1, backoffLimitMs: 5, retries: 2 })
    const err = await codeOf(client.groupMsgGetSimple({ GroupId: 'g1', ReqMsgNumber: 5 }))
    expect(err.code).toBe('NETWORK')
    expect(err.unreachable).toBe('refused')
    expect(err.message).toBe(`group_msg_get_simple: connection refused by 127.0.0.1:${port} (gave up after retries)`)
    expect(client.stats.requests).toBe(3)
  })

  it('stays under a lowered rate without being refused, and retries 60007 when the server is stricter', async () => {
    const { url, appId, sim: s } = await sim({ rateLimit: 20 })
    const polite = new TimClient(credsFor(appId, url), { rate: 18 })
    await Promise.all(Array.from({ length: 30 }, (_, i) => polite.groupMsgGetSimple({ GroupId: 'g1', ReqMsgSeq: 100 - i, ReqMsgNumber: 1 })))
    expect(s.stats.refusedRateLimit).toBe(0)

    const other = await sim({ rateLimit: 20 })
    const eager = new TimClient(credsFor(other.appId, other.url), { rate: 200, backoffMs: 20 })
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => eager.groupMsgGetSimple({ GroupId: 'g1', ReqMsgSeq: 100 - i, ReqMsgNumber: 1 })))
    expect(results.every((r) => r.RspMsgList.length === 1)).toBe(true)
    expect(other.sim.stats.refusedRateLimit).toBeGreaterThan(0)
    expect(eager.stats.rateLimited).toBe(other.sim.stats.refusedRateLimit)
  })

  it('shares one limiter between every client of the same SDKAppID', async () => {
    const { url, appId, sim: s } = await sim({ rateLimit: 20 })
    const a = new TimClient(credsFor(appId, url), { rate: 18 })
    const b = new TimClient(credsFor(appId, url))
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).groupMsgGetSimple({ GroupId: 'g1', ReqMsgSeq: 100 - i, ReqMsgNumber: 1 })))
    expect(s.stats.refusedRateLimit).toBe(0)
  })
})

export type { Simulator }
