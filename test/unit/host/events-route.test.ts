/**
 * The SSE route's coalesced writes (src-main/web/routes/events.ts): events go out together in short
 * windows, and none is lost or reordered by the wait: a page hears every event in the order emitted,
 * and an event that must be heard (a batch waiting for its ack, a run's end) still pending when the
 * last page leaves reaches the next page. Real HTTP on 127.0.0.1; the host service is a plain event
 * source.
 */
import { EventEmitter } from 'node:events'
import { createServer, request, type ClientRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, expect, test } from 'vitest'
import type { AppService } from '../../../src-main/services/app-service'
import type { Guard } from '../../../src-main/web/guard'
import { eventsRoute, type EventsRoute } from '../../../src-main/web/routes/events'

const token = 't0ken'

class Host extends EventEmitter {
  cancelled = 0
  on2(channel: string, fn: (e: unknown) => void): () => void {
    this.on(channel, fn)
    return () => this.off(channel, fn)
  }
  cancelAllRuns(): void {
    this.cancelled++
  }
}

interface Page {
  events: { event: string; data: unknown }[]
  req: ClientRequest
  closed: Promise<void>
}

let server: Server | undefined
let route: EventsRoute | undefined

afterEach(async () => {
  route?.end()
  route?.stop()
  await new Promise((r) => (server ? server.close(r) : r(undefined)))
  server = route = undefined
})

async function start(flushMs: number): Promise<{ host: Host; port: number }> {
  const host = new Host()
  const service = { on: (c: string, fn: (e: unknown) => void) => host.on2(c, fn), cancelAllRuns: () => host.cancelAllRuns() } as unknown as AppService
  const guard = { isToken: (t: string | null | undefined) => t === token } as unknown as Guard
  route = eventsRoute(service, guard, 60_000, flushMs)
  const r = route
  server = createServer((req, res) => r.open(req, res, new URL(req.url ?? '/', 'http://127.0.0.1')))
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok))
  return { host, port: (server.address() as AddressInfo).port }
}

function open(port: number): Promise<Page> {
  return new Promise((resolve, reject) => {
    const events: Page['events'] = []
    let closedResolve: () => void = () => {}
    const closed = new Promise<void>((r) => (closedResolve = r))
    const req = request({ host: '127.0.0.1', port, path: `/api/events?token=${token}` }, (res) => {
      let buf = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => {
        buf += d
        let i: number
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i)
          buf = buf.slice(i + 2)
          const event = /^event: (.*)$/m.exec(block)?.[1]
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (event && data) events.push({ event, data: JSON.parse(data) })
        }
      })
      res.on('close', closedResolve)
      resolve({ events, req, closed })
    })
    req.on('error', (e) => (e.message === 'socket hang up' ? closedResolve() : reject(e)))
    req.end()
  })
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}

test('a page hears every event of a burst, in the order emitted', async () => {
  const { host, port } = await start(20)
  const page = await open(port)
  for (let i = 0; i < 500; i++) host.emit(i % 50 === 49 ? 'sync:progress' : 'sync:batch', { n: i })
  host.emit('sync:done', { n: 500 })
  await until(() => page.events.length === 501)
  expect(page.events.map((e) => (e.data as { n: number }).n)).toEqual([...Array(501).keys()])
  expect(page.events[49]!.event).toBe('sync:progress')
  expect(page.events[500]!.event).toBe('sync:done')
  page.req.destroy()
})

test('a batch and a run end still waiting to be written when the page leaves reach the next page', async () => {
  // A long window: the events are certainly still pending when the page goes.
  const { host, port } = await start(60_000)
  const first = await open(port)
  host.emit('sync:batch', { n: 1 })
  host.emit('sync:progress', { n: 2 })
  host.emit('sync:done', { n: 3 })
  first.req.destroy()
  await until(() => host.cancelled === 1)
  expect(first.events).toEqual([])
  const next = await open(port)
  await until(() => next.events.length === 2)
  // The progress event is not kept (a new page asks for the state); the batch and the end are.
  expect(next.events.map((e) => e.event)).toEqual(['sync:batch', 'sync:done'])
  next.req.destroy()
})
