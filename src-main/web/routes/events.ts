/**
 * GET /api/events?token=T: the host's events (the table's host event channels: sync:batch,
 * sync:progress, sync:done) as Server-Sent Events. Events the table marks `keep` (a batch waits
 * for its ack; a run's end must be heard) wait for the next page while none listens.
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

export function eventsRoute(service: AppService, guard: Guard, heartbeatMs: number): EventsRoute {
  const clients = new Set<ServerResponse>()
  /** Batch and done events emitted while no page listens; delivered to the next one. */
  let backlog: string[] = []

  const frame = (channel: string, payload: unknown) => `event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`
  const broadcast = (channel: string, payload: unknown, keep: boolean) => {
    const text = frame(channel, payload)
    if (clients.size === 0) {
      if (keep) backlog.push(text)
      return
    }
    for (const c of clients) c.write(text)
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
      clients.add(res)
      if (backlog.length > 0) {
        for (const text of backlog) res.write(text)
        backlog = []
      }
      req.socket.setKeepAlive(true)
      res.on('close', () => {
        clients.delete(res)
        // The page that would acknowledge the run's batches is gone (reload, closed tab): its
        // successor knows nothing of the run, so stop rather than wait for acks forever.
        if (clients.size === 0) service.cancelAllRuns()
      })
    },
    stop() {
      clearInterval(heartbeat)
      for (const off of offs) off()
    },
    end() {
      for (const c of clients) c.end()
      clients.clear()
    }
  }
}
