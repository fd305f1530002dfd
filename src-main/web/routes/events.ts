/**
 * GET /api/events?token=T: the host's events (the table's host event channels: sync:batch,
 * sync:progress, sync:done) as Server-Sent Events. Events the table marks `keep` (a batch waits
 * for its ack; a run's end must be heard) wait for the next page while none listens.
 *
 * Writes are coalesced: the events of one short window (`flushMs`, default 20 ms) go out in ONE
 * socket write, in order. A sync emits one batch event per 20 messages, and on loopback each write
 * costs the host a syscall (the kernel's TCP work) and the browser a network read: per event this
 * was the host's largest CPU item (bench:app-sync, docs/dev/benchmarks.md). The stream's bytes are
 * unchanged; the page sees the same events, a few milliseconds later.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { hostEventChannels, keptEventChannels } from '../../shared/ipc/channels'
import type { AppService } from '../../services/app-service'
import type { Guard } from '../guard'
import { securityHeaders, sendError } from '../http'

export interface EventsRoute {
  open(req: IncomingMessage, res: ServerResponse, url: URL): void
  /** Stops forwarding the host's events. */
  stop(): void
  /** Ends every stream. */
  end(): void
}

/** Pending text above this many characters is written at once rather than at the window's end. */
const maxPendingChars = 256 * 1024

export function eventsRoute(service: AppService, guard: Guard, heartbeatMs: number, flushMs = 20): EventsRoute {
  const clients = new Set<ServerResponse>()
  /** Batch and done events emitted while no page listens; delivered to the next one. */
  let backlog: string[] = []
  /** Frames waiting for the window's write, for every client alike; `keep` as in the backlog. */
  let pending: { text: string; keep: boolean }[] = []
  let pendingChars = 0
  let timer: NodeJS.Timeout | null = null
  const flush = () => {
    if (timer) clearTimeout(timer)
    timer = null
    if (pending.length === 0) return
    const text = pending.length === 1 ? pending[0]!.text : pending.map((p) => p.text).join('')
    pending = []
    pendingChars = 0
    for (const c of clients) c.write(text)
  }

  const frame = (channel: string, payload: unknown) => `event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`
  const broadcast = (channel: string, payload: unknown, keep: boolean) => {
    const text = frame(channel, payload)
    if (clients.size === 0) {
      if (keep) backlog.push(text)
      return
    }
    pending.push({ text, keep })
    pendingChars += text.length
    if (pendingChars >= maxPendingChars || flushMs <= 0) flush()
    else timer ??= setTimeout(flush, flushMs)
  }
  const offs = hostEventChannels.map((channel) => service.on(channel, (e) => broadcast(channel, e, keptEventChannels.has(channel))))
  const heartbeat = setInterval(() => {
    for (const c of clients) c.write(': ping\n\n')
  }, heartbeatMs)
  heartbeat.unref()

  return {
    open(req, res, url) {
      if (req.method !== 'GET') return sendError(res, 405, 'METHOD', 'Use GET for /api/events', { Allow: 'GET' })
      // EventSource cannot send headers, so the token comes in the query string.
      if (!guard.isToken(url.searchParams.get('token'))) return sendError(res, 401, 'UNAUTHORIZED', 'Missing or wrong token')
      res.writeHead(200, {
        ...securityHeaders,
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no'
      })
      res.write('retry: 1000\n\n: connected\n\n')
      // Frames pending were meant for the clients already listening: out before this one joins.
      flush()
      clients.add(res)
      if (backlog.length > 0) {
        for (const text of backlog) res.write(text)
        backlog = []
      }
      req.socket.setKeepAlive(true)
      res.on('close', () => {
        clients.delete(res)
        if (clients.size === 0 && pending.length > 0) {
          // Not written yet and none listens: what must be heard waits for the next page, as it
          // would had it been emitted now.
          backlog.push(...pending.filter((p) => p.keep).map((p) => p.text))
          pending = []
          pendingChars = 0
        }
        // The page that would acknowledge the run's batches is gone (reload, closed tab): its
        // successor knows nothing of the run, so stop rather than wait for acks forever.
        if (clients.size === 0) service.cancelAllRuns()
      })
    },
    stop() {
      flush()
      clearInterval(heartbeat)
      for (const off of offs) off()
    },
    end() {
      flush()
      for (const c of clients) c.end()
      clients.clear()
    }
  }
}
