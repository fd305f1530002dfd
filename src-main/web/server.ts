/**
 * Browser mode: the same contract as the Electron shell, over loopback HTTP + Server-Sent Events.
 *
 *   GET  /?token=T            the built renderer (403 without the token); sets the page cookie
 *   GET  /assets/…            its static files (403 without the page cookie)
 *   POST /api/<channel>       { args: [...] } → { result }   (Authorization: Bearer T)
 *   GET  /api/events?token=T  sync:batch / sync:progress / sync:done as SSE events
 *   GET  /media/<sha256>      a stored media object (page cookie), media/serve.ts
 *
 * Any web page the admin visits can send requests to 127.0.0.1, and any local user can connect to
 * it, while this server holds the secret key. So: loopback only; the checks of guard.ts on every
 * request; bodies are capped (http.ts); every payload is validated with the same schemas as
 * Electron IPC. One module per route (routes/); this one wires them and runs the server.
 */
import { randomBytes } from 'node:crypto'
import { realpath } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { resolve } from 'node:path'
import type { ContentStore } from '../media/content-store'
import type { AppService } from '../services/app-service'
import { Guard } from './guard'
import { sendError } from './http'
import { callApi } from './routes/api'
import { serveDownload } from './routes/download'
import { eventsRoute } from './routes/events'
import { mediaRoute } from './routes/media'
import { staticRoute } from './routes/static'

export { maxBodyBytes } from './http'

export interface WebServerOptions {
  service: AppService
  /** Default 0 (any free port); `tim-archive serve` passes 5180. */
  port?: number
  /** The built renderer: out/renderer with index.html and assets/. */
  rendererDir: string
  /** Default: 32 random bytes, base64url. */
  token?: string
  /** SSE heartbeat interval, ms. Default 15000. */
  heartbeatMs?: number
  /** The media store whose objects /media/<sha256> serves; none: every object is 404. */
  mediaStore?: ContentStore
}

export interface WebServer {
  /** The address to open, token included. */
  url: string
  port: number
  token: string
  close(): Promise<void>
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const { service } = opts
  const token = opts.token ?? randomBytes(32).toString('base64url')
  if (token.length < 16) throw new Error('The access token must have at least 16 characters')
  const root = await realpath(resolve(opts.rendererDir))
  let port = opts.port ?? 0

  const guard = new Guard(token, () => port)
  const events = eventsRoute(service, guard, opts.heartbeatMs ?? 15_000)
  const serveStatic = staticRoute(root, guard)
  const serveMedia = mediaRoute(opts.mediaStore, guard)
  const sockets = new Set<Socket>()

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    let parsed: URL | undefined
    const url = () => (parsed ??= new URL(req.url ?? '/', `http://127.0.0.1:${port}`))
    if (!guard.admit(req, res, url)) return
    const { pathname } = url()
    if (pathname === '/api/events') return events.open(req, res, url())
    if (pathname.startsWith('/download/')) return serveDownload(service, req, res, url())
    if (pathname.startsWith('/api/')) return callApi(service, guard, req, res, url())
    if (pathname.startsWith('/media/')) return serveMedia(req, res, url())
    return serveStatic(req, res, url())
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      console.error('tim-archive: request failed', e)
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'Internal error')
      else res.destroy()
    })
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
  })

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    // 127.0.0.1 only: never reachable from another machine, whatever the firewall says.
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolveListen()
    })
  })
  const addr = server.address()
  if (addr === null || typeof addr === 'string') throw new Error('Unexpected server address')
  port = addr.port

  let closed = false
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      if (closed) return
      closed = true
      events.stop()
      service.cancelAllRuns()
      await service.export.close()
      events.end()
      await new Promise<void>((done) => {
        server.close(() => done())
        server.closeAllConnections()
        for (const s of sockets) s.destroy()
      })
    }
  }
}
